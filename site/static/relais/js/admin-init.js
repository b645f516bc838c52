/* Starts the Wagtail admin widgets that Wagtail starts with inline <script> elements, which the
 * Content-Security-Policy blocks: date/time pickers, page/snippet/image/document choosers and inline panels. Relais renders a hidden
 * <span data-relais-init="…" data-config="…"> in their place (templates/relais/admin/); this file runs each
 * one once, when the page is ready and whenever Wagtail inserts new ones (dialogs, added inline forms). */
(function () {
  "use strict";
  var starters = {
    "date": function (id, config) { window.initDateChooser(id, config); },
    "time": function (id, config) { window.initTimeChooser(id, config); },
    "datetime": function (id, config) { window.initDateTimeChooser(id, config); },
    "inline-panel": function (id, config) { new window.InlinePanel(config); },
    "chooser": function (id, config, marker) {
      var name = marker.dataset.constructor;
      if (choosers.indexOf(name) === -1 || typeof window[name] !== "function") { throw new Error(name); }
      new window[name](id, config);
    }
  };
  // The chooser classes that Wagtail's BaseChooser widgets start (js_constructor), and nothing else.
  var choosers = ["Chooser", "PageChooser", "SnippetChooser", "ImageChooser", "DocumentChooser"];

  function start(marker) {
    if (marker.dataset.relaisStarted) { return; }
    var kind = marker.dataset.relaisInit;
    var id = marker.dataset.for || "";
    // Markers inside <template> or an unsubstituted empty form ("__prefix__") wait for their real copy.
    if (id.indexOf("__prefix__") !== -1 || !starters[kind]) { return; }
    if (id && !document.getElementById(id)) { return; }
    marker.dataset.relaisStarted = "1";
    try {
      starters[kind](id, JSON.parse(marker.dataset.config || "{}"), marker);
    } catch (error) {
      if (window.console) { window.console.error("relais admin-init", kind, id, error); }
    }
  }

  function scan(root) {
    if (root.nodeType !== 1) { return; }
    if (root.matches("[data-relais-init]")) { start(root); }
    root.querySelectorAll("[data-relais-init]").forEach(start);
  }

  function ready() {
    scan(document.body);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) { mutation.addedNodes.forEach(scan); });
    }).observe(document.body, {childList: true, subtree: true});
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
}());
