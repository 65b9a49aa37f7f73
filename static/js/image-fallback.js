// An image that fails to load (a poster gone from TMDB, a photo host that is down) becomes
// the letter tile its markup names, never a broken-image box or bare alt text. Image errors
// do not bubble, hence the capture phase; images that failed before this ran are swapped
// once the document is parsed. Inline onerror= handlers are not an option: the CSP forbids them.
(function () {
  "use strict";

  function toTile(img) {
    if (!img.isConnected) return;
    // Decorative images (a backdrop) have nothing to stand in for them: they just go.
    if (img.hasAttribute("data-decorative")) {
      img.hidden = true;
      return;
    }
    if (!img.hasAttribute("data-tile")) return;
    const tile = document.createElement("span");
    tile.className = "poster-placeholder " + (img.getAttribute("data-tile-class") || "");
    tile.setAttribute("aria-hidden", "true");
    tile.dataset.testid = img.getAttribute("data-tile-testid") || "image-tile";
    const letter = document.createElement("span");
    letter.textContent = img.getAttribute("data-tile");
    tile.appendChild(letter);
    // A <picture> would keep trying its other sources: replace it whole.
    const target = img.parentElement && img.parentElement.tagName === "PICTURE" ? img.parentElement : img;
    target.replaceWith(tile);
  }

  document.addEventListener(
    "error",
    function (event) {
      if (event.target instanceof HTMLImageElement) toTile(event.target);
    },
    true,
  );

  function sweep() {
    document.querySelectorAll("img[data-tile], img[data-decorative]").forEach(function (img) {
      if (img.complete && img.naturalWidth === 0 && (img.currentSrc || img.src)) toTile(img);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", sweep);
  } else {
    sweep();
  }
})();
