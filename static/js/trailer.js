// Trailers load only when asked for: until the visitor clicks, nothing comes from YouTube,
// not even a thumbnail. The click swaps the button for a youtube-nocookie player.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-trailer-key]");
    if (!button) return;
    const frame = document.createElement("iframe");
    frame.src = "https://www.youtube-nocookie.com/embed/" + encodeURIComponent(button.dataset.trailerKey) + "?autoplay=1";
    frame.title = button.dataset.trailerTitle || "";
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.dataset.testid = "trailer-player";
    button.replaceWith(frame);
  });
})();
