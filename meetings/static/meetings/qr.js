/* The room's check-in QR code: a new code every few seconds without reloading the page (no meta refresh,
 * which moves focus and is announced as a new page by screen readers). Without this script, the page's
 * "Afficher un nouveau code" link reloads it. */
(function () {
  "use strict";
  var box = document.getElementById("qr-code");
  if (!box || !window.fetch) { return; }
  var seconds = parseInt(box.dataset.rotation, 10) || 30;
  var manual = document.getElementById("qr-manual");
  if (manual) { manual.hidden = true; }

  function refresh() {
    fetch(box.dataset.svgUrl, {credentials: "same-origin", cache: "no-store"})
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("image/svg+xml") !== 0) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (svg) { box.innerHTML = svg; })
      .catch(function () {
        if (manual) { manual.hidden = false; } // e.g. the session expired: the link reloads and asks to log in
      });
  }

  window.setInterval(refresh, seconds * 1000);
}());
