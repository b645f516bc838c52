/* The guide in the pocket (docs/guide.md, "Hors connexion"): registers the service worker (/sw.js), says when a
   page comes from the phone's cache, lists the saved pages on the offline page, and runs "Garder hors connexion".
   Texts come from data- attributes written by the templates (translated there). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !window.caches || !script) return;
  navigator.serviceWorker.register(script.dataset.worker, {scope: "/"}).catch(function () { /* not installable here */ });

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  // A page served from the cache carries <meta name="relais-saved-at"> (added by the worker).
  function savedNote() {
    var meta = document.querySelector('meta[name="relais-saved-at"]');
    var main = document.getElementById("contenu");
    if (!meta || !main) return;
    var date = new Date(meta.content);
    var label = date.toLocaleString(document.documentElement.lang || "fr", {dateStyle: "long", timeStyle: "short"});
    var note = document.createElement("p");
    note.className = "saved-note";
    note.setAttribute("role", "status");
    note.textContent = fill(script.dataset.savedAt, {date: label});
    main.insertBefore(note, main.firstChild);
  }

  // The offline page: every page kept in the caches, by title.
  function savedPages() {
    var list = document.getElementById("saved-pages");
    if (!list) return;
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf("relais-") === 0; }).map(function (name) {
        return caches.open(name).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.map(function (request) {
              return cache.match(request).then(function (response) {
                var type = response && response.headers.get("Content-Type") || "";
                if (type.indexOf("text/html") !== 0) return null;
                return response.text().then(function (html) {
                  var found = /<title>([^<]*)<\/title>/.exec(html);
                  var title = new DOMParser().parseFromString(found ? found[1] : "", "text/html").body.textContent;
                  return {url: request.url, title: title.trim() || new URL(request.url).pathname};
                });
              });
            }));
          });
        });
      }));
    }).then(function (groups) {
      var seen = {};
      var pages = [].concat.apply([], groups).filter(function (page) {
        if (!page || seen[page.url] || new URL(page.url).pathname === location.pathname) return false;
        seen[page.url] = true;
        return true;
      }).sort(function (a, b) { return a.title.localeCompare(b.title); });
      list.textContent = "";
      if (!pages.length) {
        var empty = document.createElement("li");
        empty.textContent = list.dataset.empty;
        list.appendChild(empty);
      }
      pages.forEach(function (page) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = page.url;
        link.textContent = page.title;
        item.appendChild(link);
        list.appendChild(item);
      });
    }).catch(function () { /* the first list stays */ });
  }

  // "Garder hors connexion": say the weight first, then let the worker fetch every page (text only).
  function keepOffline() {
    var section = document.getElementById("garder");
    if (!section) return;
    var button = section.querySelector("button");
    var weight = document.getElementById("garder-poids");
    var status = section.querySelector(".keep-offline__status");
    var urls = null;
    fetch(section.dataset.list, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (data) {
      urls = data.urls;
      weight.textContent = "(" + data.label + ")";
      section.hidden = false;
    }).catch(function () { /* without the list, no button */ });
    button.addEventListener("click", function () {
      if (!urls) return;
      button.disabled = true;
      navigator.serviceWorker.ready.then(function (registration) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) {
          var progress = event.data;
          if (!progress.finished) {
            status.textContent = fill(section.dataset.progress, progress);
            return;
          }
          var complete = progress.saved === progress.total;
          status.textContent = fill(section.dataset[complete ? "done" : "failed"], progress);
          section.dataset.state = complete ? "done" : "failed";
          button.disabled = false;
        };
        registration.active.postMessage({type: "save", urls: urls}, [channel.port2]);
      });
    });
  }

  function start() {
    savedNote();
    savedPages();
    keepOffline();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
