// The stand-in's client side, doing in the browser what IMDb's JavaScript does:
// charts render rows 26+ from __NEXT_DATA__ as the reader scrolls, searches and lists
// fetch "50 more" rows over XHR into the same list, and a consent banner (or a consent
// iframe) covers the page until it is answered.
(function () {
  "use strict";
  const config = window.__STANDIN__ || {};
  const nextData = JSON.parse((document.getElementById("__NEXT_DATA__") || {}).textContent || "{}");
  const decimal = config.language && config.language !== "en" ? "," : ".";

  function compactVotes(votes) {
    const units = { en: ["M", "K"], uk: [" млн", " тис."], ru: [" млн", " тыс."] }[config.language || "en"];
    let text;
    if (votes >= 1e6) text = (votes / 1e6).toFixed(1).replace(/\.0$/, "") + "@M";
    else if (votes >= 1e3) text = String(Math.round(votes / 1e3)) + "@K";
    else return String(votes);
    text = text.replace(".", decimal);
    return text.replace("@M", units[0]).replace("@K", units[1]);
  }

  function runtimeText(seconds) {
    const minutes = Math.round(seconds / 60);
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    const units = { en: ["h", "m"], uk: [" год", " хв"], ru: [" ч", " мин"] }[config.language || "en"];
    return [hours ? hours + units[0] : "", rest ? rest + units[1] : ""].filter(Boolean).join(" ");
  }

  // ------------------------------------------------------------ chart rows 26+

  function chartRow(template, edge) {
    const node = edge.node;
    const row = template.cloneNode(true);
    const link = row.querySelector("a.ipc-title-link-wrapper");
    link.setAttribute("href", "/title/" + node.id + "/?ref_=" + config.ref + "_" + edge.currentRank);
    row.querySelector("h3.ipc-title__text").textContent = edge.currentRank + ". " + node.titleText.text;
    const image = row.querySelector("img.ipc-image");
    if (image) {
      image.setAttribute("alt", node.titleText.text);
      image.setAttribute("src", (node.primaryImage && node.primaryImage.url) || "");
    }
    const metadata = row.querySelector(".cli-title-metadata");
    const itemTemplate = metadata.querySelector(".cli-title-metadata-item");
    metadata.textContent = "";
    const year = node.releaseYear
      ? node.releaseYear.endYear && node.titleType.id !== "movie"
        ? node.releaseYear.year + "–" + node.releaseYear.endYear
        : String(node.releaseYear.year)
      : null;
    for (const value of [year, node.runtime && runtimeText(node.runtime.seconds), node.certificate && node.certificate.rating]) {
      if (!value || !itemTemplate) continue;
      const item = itemTemplate.cloneNode(false);
      item.textContent = value;
      metadata.appendChild(item);
    }
    const rating = row.querySelector('[data-testid="ratingGroup--imdb-rating"]');
    const summary = node.ratingsSummary || {};
    if (rating && summary.aggregateRating != null) {
      rating.setAttribute("aria-label", "IMDb rating: " + summary.aggregateRating.toFixed(1));
      rating.querySelector(".ipc-rating-star--rating").textContent = summary.aggregateRating.toFixed(1).replace(".", decimal);
      rating.querySelector(".ipc-rating-star--voteCount").innerHTML =
        "&nbsp;(<!-- -->" + compactVotes(summary.voteCount) + "<!-- -->)";
    } else if (rating) {
      rating.remove();
    }
    return row;
  }

  function chartRender() {
    const edges = (((nextData.props || {}).pageProps || {}).pageData || {}).chartTitles;
    const list = document.querySelector('[data-testid="chart-layout-main-column"] ul.ipc-metadata-list');
    if (!edges || !list || !list.firstElementChild) return;
    const template = list.firstElementChild.cloneNode(true);
    let rendered = list.children.length;
    const chunk = 25;
    // Rows are added as the last one scrolls into view, so a reader who never scrolls
    // sees only the server's rows, as on IMDb.
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      observer.disconnect();
      const stop = Math.min(rendered + chunk, edges.edges.length);
      for (; rendered < stop; rendered++) list.appendChild(chartRow(template, edges.edges[rendered]));
      if (rendered < edges.edges.length) observer.observe(list.lastElementChild);
    });
    observer.observe(list.lastElementChild);
  }

  // ------------------------------------------------------------ "50 more"

  function moreSetUp() {
    const button = document.querySelector("button.ipc-see-more__button");
    const list = document.querySelector("ul.ipc-metadata-list.detailed-list-view");
    if (!button || !list) return;
    let cursor = config.endCursor;
    let busy = false;
    button.addEventListener("click", async () => {
      if (busy || !cursor) return;
      busy = true;
      button.setAttribute("aria-disabled", "true");
      const url = "/_standin/graphql?kind=" + encodeURIComponent(config.page) + "&after=" + encodeURIComponent(cursor);
      let answer = null;
      try {
        const response = await fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } });
        // A WAF answer (202 challenge, 405, 403) is no data: the list stays, the button too.
        if (response.status === 200) answer = await response.json();
      } catch (error) {
        answer = null;
      }
      if (!answer) {
        busy = false;
        button.setAttribute("aria-disabled", "false");
        return;
      }
      const holder = document.createElement("ul");
      holder.innerHTML = answer.rows.join("");
      while (holder.firstElementChild) list.appendChild(holder.firstElementChild);
      const range = document.querySelector("[data-standin-range]");
      if (range) range.textContent = answer.range;
      const pageInfo = answer.data.advancedTitleSearch.pageInfo;
      cursor = pageInfo.hasNextPage ? pageInfo.endCursor : null;
      if (!cursor) button.closest(".ipc-see-more").parentElement.remove();
      busy = false;
      button.setAttribute("aria-disabled", "false");
    });
  }

  // ------------------------------------------------------------ consent

  function consentAnswered() {
    return document.cookie.split("; ").some((part) => part.startsWith("standin-consent="));
  }

  function consentAnswer(choice, overlay) {
    document.cookie = "standin-consent=" + choice + "; path=/; max-age=31536000; SameSite=Lax";
    overlay.remove();
  }

  function consentShow() {
    if (!config.consent || consentAnswered()) return;
    const overlay = document.createElement("div");
    overlay.setAttribute(
      "style",
      "position:fixed;inset:0;z-index:2147483000;background:rgba(0,0,0,.55);display:flex;align-items:flex-end"
    );
    if (config.consent === "iframe") {
      overlay.id = "sp_message_container_1150101";
      const frame = document.createElement("iframe");
      frame.id = "sp_message_iframe_1150101";
      frame.title = "SP Consent Message";
      frame.src = "/_standin/consent";
      frame.setAttribute("style", "width:100%;height:180px;border:0;background:#fff");
      overlay.appendChild(frame);
      window.addEventListener("message", (event) => {
        if (event.data && event.data.standinConsent) consentAnswer(event.data.standinConsent.toLowerCase(), overlay);
      });
    } else {
      overlay.setAttribute("data-testid", "consent-banner");
      overlay.innerHTML =
        '<div style="background:#fff;width:100%;padding:24px"><p>This site uses cookies to provide you with a great ' +
        'experience.</p><button data-testid="reject-button" class="icb-btn">Decline</button> ' +
        '<button data-testid="accept-button" class="icb-btn">Accept</button></div>';
      overlay.querySelector('[data-testid="accept-button"]').addEventListener("click", () => consentAnswer("accept", overlay));
      overlay.querySelector('[data-testid="reject-button"]').addEventListener("click", () => consentAnswer("reject", overlay));
    }
    document.body.appendChild(overlay);
  }

  function start() {
    const range = document.querySelector("ul.detailed-list-view") && document.querySelector("section .ipc-title__text + div > div");
    if (range) range.setAttribute("data-standin-range", "");
    if (config.page === "chart") chartRender();
    if (config.page === "search" || config.page === "list") moreSetUp();
    consentShow();
    document.documentElement.setAttribute("data-standin-hydrated", "true");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
