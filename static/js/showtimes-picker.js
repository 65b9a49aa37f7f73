// The city picker as an ARIA 1.2 combobox: known cities filter as one types, arrow keys
// move through them, Enter or a click picks one. Without JS the plain input still
// submits any city name. Also: the showtimes filters apply as soon as one changes.
(function () {
  "use strict";
  document.querySelectorAll("[data-city-picker]").forEach(function (form) {
    const input = form.querySelector('[role="combobox"]');
    const list = form.querySelector('[role="listbox"]');
    const options = Array.from(list.querySelectorAll('[role="option"]'));
    let active = -1;

    function fold(text) { return text.toLocaleLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, ""); }
    function shown() { return options.filter(function (option) { return !option.hidden; }); }

    function setActive(index) {
      const visible = shown();
      options.forEach(function (option) { option.setAttribute("aria-selected", "false"); });
      active = visible.length ? (index + visible.length) % visible.length : -1;
      if (active >= 0) {
        visible[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", visible[active].id);
        visible[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      const typed = fold(input.value.trim());
      options.forEach(function (option) {
        const name = fold(option.dataset.value);
        option.hidden = typed !== "" && !name.includes(typed) && !option.dataset.slug.includes(typed);
      });
      const any = shown().length > 0;
      list.hidden = !any;
      input.setAttribute("aria-expanded", String(any));
      setActive(-1);
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(option) {
      input.value = option.dataset.value;
      close();
      form.submit();
    }

    input.addEventListener("input", open);
    input.addEventListener("focus", open);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) open();
        setActive(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(shown()[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
    options.forEach(function (option) {
      // mousedown, not click: it comes before the input's blur closes the list.
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(option);
      });
    });
  });

  document.querySelectorAll("form[data-auto-submit]").forEach(function (form) {
    form.querySelectorAll("select, input[type=checkbox]").forEach(function (control) {
      control.addEventListener("change", function () { form.submit(); });
    });
  });
})();
