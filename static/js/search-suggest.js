// Suggestions under the catalog's search box as a visitor types: titles and people from
// GET /api/search. The input becomes an ARIA combobox (WAI-ARIA APG "list autocomplete"):
// focus stays in the input, arrows move aria-activedescendant through the options, Enter
// opens the active one, Escape closes the list; a polite live region says how many there are.
// Without this script the box is the plain search form it always was.
(function () {
  "use strict";
  const root = document.querySelector("[data-search-suggest]");
  if (!root || !("fetch" in window)) return;

  const input = root.querySelector("input");
  const list = root.querySelector('[role="listbox"]');
  const status = root.querySelector('[role="status"]');
  const labels = root.dataset;
  // Requests wait for a pause in typing; a newer one cancels the one in flight.
  const DEBOUNCE_MS = 180;
  const MIN_CHARS = 2;
  let timer = null;
  let inFlight = null;
  let options = [];
  let active = -1;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("autocomplete", "off");

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function setActive(index) {
    if (options[active]) options[active].setAttribute("aria-selected", "false");
    active = index;
    const option = options[active];
    if (!option) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    option.setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }

  function open(url) {
    window.location.assign(url);
  }

  function option(id, url, testid, parts) {
    const item = document.createElement("li");
    item.id = id;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    item.className = "search-suggest-option";
    item.dataset.url = url;
    item.dataset.testid = testid;
    if (parts.image) {
      const image = document.createElement("img");
      image.src = parts.image;
      image.alt = "";
      image.width = 32;
      image.height = 48;
      image.loading = "lazy";
      item.append(image);
    } else {
      const blank = document.createElement("span");
      blank.className = "search-suggest-blank";
      blank.setAttribute("aria-hidden", "true");
      item.append(blank);
    }
    const text = document.createElement("span");
    const name = document.createElement("span");
    name.className = "search-suggest-name";
    name.textContent = parts.name;
    text.append(name);
    if (parts.detail) {
      const detail = document.createElement("span");
      detail.className = "search-suggest-detail";
      detail.textContent = parts.detail;
      text.append(detail);
    }
    item.append(text);
    // mousedown, not click: the input's blur would close the list before a click lands.
    item.addEventListener("mousedown", function (event) {
      event.preventDefault();
      open(url);
    });
    return item;
  }

  function group(label, items) {
    const wrapper = document.createElement("li");
    wrapper.setAttribute("role", "presentation");
    const heading = document.createElement("span");
    heading.className = "search-suggest-group";
    heading.id = list.id + "-" + label.toLowerCase().replace(/\W+/g, "-");
    heading.textContent = label;
    heading.setAttribute("role", "presentation");
    const inner = document.createElement("ul");
    inner.setAttribute("role", "group");
    inner.setAttribute("aria-labelledby", heading.id);
    inner.append(...items);
    wrapper.append(heading, inner);
    return wrapper;
  }

  function render(found) {
    const titles = found.titles.map(function (title, index) {
      const detail = [title.year, title.type_label].filter(Boolean).join(" · ");
      return option(list.id + "-title-" + index, title.url, "suggestion-title", {
        image: title.poster_url,
        name: title.name,
        detail: detail,
      });
    });
    const people = found.people.map(function (person, index) {
      return option(list.id + "-person-" + index, person.url, "suggestion-person", {
        image: null,
        name: person.name,
        detail: person.known_for || person.known_for_department || "",
      });
    });
    list.replaceChildren();
    if (titles.length) list.append(group(labels.labelTitles, titles));
    if (people.length) list.append(group(labels.labelPeople, people));
    options = titles.concat(people);
    active = -1;
    const count = options.length;
    status.textContent = count ? labels.labelCount.replace("%(count)s", String(count)) : labels.labelNone;
    list.hidden = count === 0;
    input.setAttribute("aria-expanded", count ? "true" : "false");
    input.removeAttribute("aria-activedescendant");
  }

  function suggest() {
    const query = input.value.trim();
    if (inFlight) inFlight.abort();
    if (query.length < MIN_CHARS) {
      close();
      status.textContent = "";
      return;
    }
    inFlight = new AbortController();
    const url = labels.endpoint + "?" + new URLSearchParams({ q: query, lang: document.documentElement.lang || "" });
    fetch(url, { signal: inFlight.signal, headers: { Accept: "application/json" } })
      .then(function (reply) {
        return reply.ok ? reply.json() : { titles: [], people: [] };
      })
      .then(function (found) {
        if (input.value.trim() === query) render(found);
      })
      .catch(function (error) {
        if (error.name !== "AbortError") close();
      });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, DEBOUNCE_MS);
  });

  input.addEventListener("keydown", function (event) {
    const isOpen = !list.hidden && options.length > 0;
    if (event.key === "ArrowDown" && isOpen) {
      event.preventDefault();
      setActive(active + 1 < options.length ? active + 1 : 0);
    } else if (event.key === "ArrowUp" && isOpen) {
      event.preventDefault();
      setActive(active > 0 ? active - 1 : options.length - 1);
    } else if (event.key === "Enter" && isOpen && options[active]) {
      // Enter on a suggestion opens it; otherwise the form searches as before.
      event.preventDefault();
      open(options[active].dataset.url);
    } else if (event.key === "Escape" && isOpen) {
      event.preventDefault();
      close();
    }
  });

  input.addEventListener("blur", close);
  input.addEventListener("focus", function () {
    if (options.length && input.value.trim().length >= MIN_CHARS) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
  });
})();
