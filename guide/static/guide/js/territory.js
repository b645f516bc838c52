/* Commune autocomplete for "Mon territoire" (ARIA 1.2 combobox with a listbox). The form works without it:
   the server resolves the typed name. With it, picking a suggestion fills the hidden code field. */
(function () {
  "use strict";
  var box = document.querySelector(".autocomplete[data-suggestions-url]");
  if (!box || !window.fetch) { return; }
  var input = box.querySelector("input[type=text]");
  var code = box.querySelector("input[name=code]");
  var list = document.createElement("ul");
  var status = document.createElement("p");
  var items = [];
  var active = -1;
  var timer = null;
  list.id = input.id + "-suggestions";
  list.className = "autocomplete__list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Communes proposées");
  list.hidden = true;
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  box.appendChild(list);
  box.appendChild(status);

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function highlight(index) {
    var options = list.querySelectorAll("[role=option]");
    active = index;
    options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }
  }
  function choose(index) {
    var item = items[index];
    if (!item) { return; }
    input.value = item.label;
    code.value = item.code;
    close();
    status.textContent = item.label + " choisi.";
  }
  function render(results) {
    items = results;
    list.innerHTML = "";
    results.forEach(function (item, i) {
      var option = document.createElement("li");
      option.id = list.id + "-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = item.label;
      option.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
      list.appendChild(option);
    });
    var open = results.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    status.textContent = open ? results.length + " proposition(s). Flèches haut et bas pour choisir." : "Aucune commune trouvée.";
    active = -1;
  }
  input.addEventListener("input", function () {
    code.value = "";
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { render([]); status.textContent = ""; return; }
    timer = setTimeout(function () {
      fetch(box.dataset.suggestionsUrl + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (input.value.trim() === q) { render(data.results || []); } })
        .catch(function () { close(); });
    }, 200);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden) { return; }
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(active); }
    else if (event.key === "Escape") { close(); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();
