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
  const ratingFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function setStatus(state) {
    status.dataset.state = state;
    status.textContent = feed.dataset["label" + state.charAt(0).toUpperCase() + state.slice(1)];
  }

  function render(movie) {
    const item = template.content.firstElementChild.cloneNode(true);
    const fields = {
      title: movie.title || movie.id || "",
      year: movie.year || "",
      genre: Array.isArray(movie.genre) ? movie.genre.join(", ") : "",
      rating: typeof movie.rating === "number" ? "★ " + ratingFormat.format(movie.rating) : "",
    };
    for (const [name, value] of Object.entries(fields)) {
      item.querySelector('[data-field="' + name + '"]').textContent = value;
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
