/* Leaflet map of the directory: markers of the listed organisations, or the one organisation of a page.
   Progressive enhancement: the list (or the address) carries the same information without JavaScript.
   A map marked data-on-demand (the organisation page) stays closed behind its "Voir la carte" button: the
   tile server hears nothing from a reader who did not ask for the map. */
(function () {
  "use strict";
  var element = document.getElementById("directory-map");
  if (!element || typeof L === "undefined") { return; }
  var markers = [];
  var many = document.getElementById("directory-markers");
  var one = document.getElementById("directory-marker");
  try {
    if (many) { markers = JSON.parse(many.textContent); }
    if (one) { markers = [JSON.parse(one.textContent)]; }
  } catch (error) { return; }

  function show() {
    element.innerHTML = "";
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(element.getAttribute("data-tiles"), {
      maxZoom: 18,
      attribution: "&copy; contributeurs d’<a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>"
    }).addTo(map);
    var bounds = [];
    markers.forEach(function (item) {
      if (item.lat === null || item.lng === null) { return; }
      var marker = L.marker([item.lat, item.lng], { title: item.name, alt: item.name }).addTo(map);
      var link = document.createElement(item.url ? "a" : "strong");
      link.textContent = item.name;
      if (item.url) { link.href = item.url; }
      marker.bindPopup(link);
      bounds.push([item.lat, item.lng]);
    });
    if (bounds.length === 1) { map.setView(bounds[0], 14); }
    else if (bounds.length > 1) { map.fitBounds(bounds, { padding: [20, 20] }); }
    else { map.setView([50.4, 2.3], 8); }
    element.setAttribute("data-ready", String(bounds.length));
    return map;
  }

  var button = document.querySelector("[data-map-show='" + element.id + "']");
  if (!element.hasAttribute("data-on-demand") || !button) { show(); return; }
  element.hidden = true;
  button.hidden = false;
  button.setAttribute("aria-expanded", "false");
  button.addEventListener("click", function () {
    element.hidden = false;
    button.hidden = true;
    button.setAttribute("aria-expanded", "true");
    show().invalidateSize();
    element.setAttribute("tabindex", "-1");
    element.focus();
  }, { once: true });
})();
