// The home page's "Just added" feed: new titles arrive over Server-Sent Events.
// EventSource reconnects by itself and resumes from the last id it saw; if the
// server refuses the stream (429, a restart), a fresh one starts after a pause.
(function () {
  "use strict";
  const feed = document.querySelector("[data-live-feed]");
  if (!feed || !("EventSource" in window)) return;

  const list = feed.querySelector('[data-testid="live-feed-list"]');
  const empty = feed.querySelector('[data-testid="live-feed-empty"]');
  const status = feed.querySelector('[data-testid="live-feed-status"]');
  const template = feed.querySelector("[data-feed-item-template]");
  const maxItems = Number(feed.dataset.maxItems || 12);
  let lastEventId = feed.dataset.lastEventId || "";
  let source = null;
  // The same decimal mark as the server-rendered items ("9,3" in Ukrainian).
  const language = (document.documentElement.lang || "").split("-")[0];
  const ratingFormat = new Intl.NumberFormat(language || undefined);
  const genreLabels = JSON.parse(document.getElementById("feed-genre-labels")?.textContent || "{}");
  // A title page's address with a placeholder id, as the server spells it.
  const titleUrl = feed.dataset.titleUrl || "/catalog/tt0000000/";

  // The name in the page's language: events carry `titles` per language since they were
  // localized; older ones only `title`.
  function nameOf(movie) {
    const titles = movie.titles && typeof movie.titles === "object" ? movie.titles : {};
    return titles[language] || movie.title || movie.id || "";
  }

  function setStatus(state) {
    status.dataset.state = state;
    status.textContent = feed.dataset["label" + state.charAt(0).toUpperCase() + state.slice(1)];
  }

  function render(movie) {
    const item = template.content.firstElementChild.cloneNode(true);
    const name = nameOf(movie);
    const fields = {
      title: name,
      year: movie.year || "",
      genre: Array.isArray(movie.genre) ? movie.genre.map((genre) => genreLabels[genre] || genre).join(", ") : "",
      rating: typeof movie.rating === "number" ? "★ " + ratingFormat.format(movie.rating) : "",
    };
    for (const [name, value] of Object.entries(fields)) {
      item.querySelector('[data-field="' + name + '"]').textContent = value;
    }
    const link = item.querySelector('[data-field="title"]');
    if (/^tt\d{7,8}$/.test(movie.id || "")) {
      link.href = titleUrl.replace("tt0000000", movie.id);
      link.title = movie.year ? name + " (" + movie.year + ")" : name;
    }
    item.classList.add("is-new");
    return item;
  }

  function connect() {
    const url = feed.dataset.streamUrl + "?types=movie" + (lastEventId ? "&last_event_id=" + lastEventId : "");
    source = new EventSource(url);
    source.addEventListener("open", function () { setStatus("live"); });
    source.addEventListener("movie", function (event) {
      lastEventId = event.lastEventId || lastEventId;
      list.prepend(render(JSON.parse(event.data)));
      empty.hidden = true;
      while (list.children.length > maxItems) list.lastElementChild.remove();
    });
    source.addEventListener("reset", function () {
      // Events were missed for good: start over from now.
      lastEventId = "";
    });
    source.addEventListener("error", function () {
      if (source.readyState === EventSource.CLOSED) {
        setStatus("offline");
        window.setTimeout(connect, 10000);
      } else {
        setStatus("reconnecting");
      }
    });
  }

  connect();
})();
