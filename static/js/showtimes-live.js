// A city page follows its city's `showtimes` events over Server-Sent Events: progress
// counts update in place, and when the run ends (or the schedule changes) the results
// are fetched again as a fragment of this same page, so the visitor never reloads.
// EventSource resumes from the last id it saw; a refused stream starts again after a pause.
(function () {
  "use strict";
  const results = document.querySelector("[data-showtimes-results]");
  if (!results) return;
  // Remember the city for /showtimes/ and title pages here rather than from the server, so
  // the page sets no cookie and can be served from the page cache (apps/showtimes/remembered.py).
  document.cookie = "showtimes_city=" + encodeURIComponent(results.dataset.city) +
    "; path=/; max-age=31536000; samesite=lax" + (window.location.protocol === "https:" ? "; secure" : "");
  if (!("EventSource" in window)) return;

  const city = results.dataset.city;
  let lastEventId = results.dataset.lastEventId || "";
  let source = null;
  let refreshing = null;
  const numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function showProgress(payload) {
    const panel = results.querySelector("[data-progress-panel]");
    if (!panel) return;
    ["cinemas_found", "movies_found", "days_done", "days_planned"].forEach(function (name) {
      if (typeof payload[name] !== "number") return;
      panel.querySelectorAll('[data-progress="' + name + '"]').forEach(function (element) {
        element.textContent = numberFormat.format(payload[name]);
      });
    });
    const message = panel.querySelector("[data-progress-message]");
    if (message && typeof payload.message === "string" && payload.message) message.textContent = payload.message;
    const bar = panel.querySelector("[data-progress-bar]");
    if (bar && typeof payload.days_planned === "number" && payload.days_planned > 0) {
      bar.max = payload.days_planned;
      bar.value = typeof payload.days_done === "number" ? payload.days_done : bar.value;
    }
  }

  function refresh() {
    // One fetch at a time; a change arriving meanwhile fetches once more after it.
    if (refreshing) { refreshing.again = true; return; }
    refreshing = { again: false };
    const url = new URL(window.location.href);
    url.searchParams.set("fragment", "1");
    fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (reply) { return reply.ok ? reply.text() : Promise.reject(reply.status); })
      .then(function (html) { results.innerHTML = html; })
      .catch(function () { /* the next event or a reload tries again */ })
      .finally(function () {
        const again = refreshing.again;
        refreshing = null;
        if (again) refresh();
      });
  }

  function connect() {
    const params = new URLSearchParams({ types: "showtimes", city: city });
    if (lastEventId) params.set("last_event_id", lastEventId);
    source = new EventSource(results.dataset.streamUrl + "?" + params.toString());
    source.addEventListener("showtimes", function (event) {
      lastEventId = event.lastEventId || lastEventId;
      const payload = JSON.parse(event.data);
      if (payload.city && payload.city !== city) return;
      showProgress(payload);
      const finished = payload.status === "ready" || payload.status === "failed";
      if (finished || payload.kind === "schedule") refresh();
    });
    source.addEventListener("reset", function () {
      lastEventId = "";
      refresh();
    });
    source.addEventListener("error", function () {
      if (source.readyState === EventSource.CLOSED) window.setTimeout(connect, 10000);
    });
  }

  connect();
})();
