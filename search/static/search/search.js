/* Search box autocomplete (ARIA 1.2 combobox with a listbox popup) and "Autour de moi".
 * Progressive enhancement: without this script the box is a plain search form and the filters still work. */
(function () {
  "use strict";

  function setupCombobox(form) {
    var input = form.querySelector("#search-q");
    var listbox = form.querySelector("#search-q-listbox");
    var status = form.querySelector("#search-q-status");
    var url = form.getAttribute("data-suggest-url");
    if (!input || !listbox || !url || !window.fetch) return;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    var options = [];
    var active = -1;
    var timer = null;
    var lastQuery = "";
    var controller = null;

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (!options.length) return close();
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(option) {
      window.location.assign(option.getAttribute("data-url"));
    }

    function render(items) {
      listbox.textContent = "";
      options = items.map(function (item, i) {
        var li = document.createElement("li");
        li.id = "search-q-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-url", item.url);
        var label = document.createElement("span");
        label.textContent = item.label;
        var kind = document.createElement("small");
        kind.textContent = item.kind_label;
        li.appendChild(label);
        li.appendChild(kind);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });
        li.addEventListener("click", function () { choose(li); });
        listbox.appendChild(li);
        return li;
      });
      status.textContent = items.length
        ? items.length + (items.length > 1 ? " suggestions disponibles, flèche bas pour les parcourir." : " suggestion disponible, flèche bas pour la choisir.")
        : "";
      active = -1;
      if (options.length) { open(); } else { close(); }
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query === lastQuery) return;
      lastQuery = query;
      if (query.length < 2) { render([]); return; }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(query), { signal: controller ? controller.signal : undefined,
                                                       headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value.trim() === query) render(data.suggestions || []); })
        .catch(function () { /* network hiccup: the plain form still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, 150);
    });

    input.addEventListener("keydown", function (event) {
      var expanded = !listbox.hidden;
      switch (event.key) {
        case "ArrowDown":
          if (!options.length) return;
          event.preventDefault();
          if (!expanded) open();
          highlight(active < options.length - 1 ? active + 1 : 0);
          break;
        case "ArrowUp":
          if (!options.length) return;
          event.preventDefault();
          if (!expanded) open();
          highlight(active > 0 ? active - 1 : options.length - 1);
          break;
        case "Enter":
          if (expanded && active >= 0) {
            event.preventDefault();
            choose(options[active]);
          }
          break;
        case "Escape":
          if (expanded) {
            event.preventDefault();
            close();
          } else {
            input.value = "";
          }
          break;
        case "Tab":
          close();
          break;
      }
    });

    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }

  function setupGeolocation() {
    var button = document.querySelector(".geo-button");
    if (!button || !navigator.geolocation) return;
    var form = button.form;
    var status = form.querySelector(".geo-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "Recherche de ta position…";
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("[data-geo=lat]").value = position.coords.latitude.toFixed(4);
        form.querySelector("[data-geo=lon]").value = position.coords.longitude.toFixed(4);
        var sort = form.querySelector("#f-tri");
        if (sort) sort.value = "distance";
        form.submit();
      }, function () {
        status.textContent = "Position indisponible : indique plutôt le code de ta commune.";
      }, { timeout: 10000, maximumAge: 600000 });
    });
  }

  var form = document.querySelector("form.search-box");
  if (form) setupCombobox(form);
  setupGeolocation();
})();
