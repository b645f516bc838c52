/* Live attendance sheet: saves taps over HTTP without reloading, listens to the session's websocket.
 * Without this script every button is a plain form POST; with it, other screens' changes appear live.
 * A (re)connecting socket receives the whole state; if the socket is down, a notice says live updates
 * are paused and taps are still saved over HTTP. */
(function () {
  "use strict";
  var sheet = document.getElementById("sheet");
  if (!sheet) { return; }
  var notice = document.getElementById("live-status");
  var socket = null;
  var retry = 0;
  var refusal = "";
  var fragmentTimer = null;
  // Bumped by every live change: a fragment fetched before the latest change is stale and is fetched again
  // rather than painted over the newer state.
  var changes = 0;

  function showNotice(paused) {
    sheet.dataset.live = paused ? "paused" : "open";
    if (!notice) { return; }
    notice.hidden = !paused;
    notice.textContent = paused ? notice.dataset.paused : "";
  }

  function showError(text) {
    var box = document.getElementById("sheet-error");
    if (!box) { return; }
    box.textContent = text;
    box.hidden = !text;
  }

  function applyCounts(counts) {
    if (!counts) { return; }
    var box = document.getElementById("sheet-counts");
    if (!box) { return; }
    ["present", "expected", "voting_present", "youth_present"].forEach(function (key) {
      var el = box.querySelector('[data-count="' + key + '"]');
      if (el && counts[key] !== undefined) { el.textContent = counts[key]; }
    });
    var quorum = box.querySelector('[data-count="quorum-state"]');
    if (quorum && counts.quorum_reached !== null && counts.quorum_reached !== undefined) {
      quorum.textContent = counts.quorum_reached ? quorum.dataset.reached : quorum.dataset.notReached;
    }
  }

  function applyRow(row) {
    var li = document.getElementById("inv-" + row.invitation);
    if (!li) { return false; }
    li.dataset.status = row.status;
    var state = li.querySelector('[data-role="state"]');
    if (state) {
      var text = row.status ? row.status_label : sheet.dataset.none;
      if (row.status && row.represented_by) { text += " (" + row.represented_by + ")"; }
      if (row.status && row.arrived_at) { text += " " + sheet.dataset.at + " " + row.arrived_at; }
      state.textContent = text;
    }
    li.querySelectorAll("button[name=status]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.value === row.status ? "true" : "false");
    });
    return true;
  }

  function refreshFragment() {
    clearTimeout(fragmentTimer);
    fragmentTimer = setTimeout(function () {
      var active = document.activeElement;
      if (active && sheet.contains(active) && active.tagName === "INPUT" && active.type === "text" && active.value) {
        return; // do not wipe what the secretary is typing; the next change or a reload will catch up
      }
      if (sheet.querySelector("canvas.signature-canvas[data-dirty]")) {
        return; // nor a signature being drawn
      }
      var asked = changes;
      fetch(sheet.dataset.fragmentUrl, {credentials: "same-origin"}).then(function (response) {
        if (response.ok) { return response.text(); }
        throw new Error(response.status);
      }).then(function (html) {
        if (asked !== changes) { refreshFragment(); return; }
        // Keep open the panels (times, signature pad) the secretary had opened.
        var open = [];
        sheet.querySelectorAll("details[open]").forEach(function (details) {
          var owner = details.closest("[id]");
          if (owner) {
            open.push([owner.id, Array.prototype.indexOf.call(owner.querySelectorAll("details"), details)]);
          }
        });
        sheet.innerHTML = html;
        open.forEach(function (entry) {
          var owner = document.getElementById(entry[0]);
          var details = owner && owner.querySelectorAll("details")[entry[1]];
          if (details) { details.open = true; }
        });
      }).catch(function () { /* keep the current sheet */ });
    }, 50);
  }

  function applyMessage(message) {
    if (message.type === "state") {
      message.rows.forEach(applyRow);
      applyCounts(message.counts);
      refreshFragment();
      return;
    }
    if (message.type === "change" || message.ok !== undefined) {
      changes += 1;
      var found = message.row ? applyRow(message.row) : true;
      applyCounts(message.counts);
      if (message.reload || !found) { refreshFragment(); }
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    try {
      socket = new WebSocket(scheme + window.location.host + sheet.dataset.wsPath);
    } catch (e) {
      showNotice(true);
      return;
    }
    socket.onopen = function () { retry = 0; showNotice(false); };
    socket.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.type === "refused") { refusal = message.message; return; }
      applyMessage(message);
    };
    socket.onclose = function (event) {
      if (event.code === 4403 || event.code === 4404) {
        // Refused: retrying cannot help; say why (the server's words, else the page's).
        sheet.dataset.live = "refused";
        if (notice) {
          notice.hidden = false;
          notice.textContent = refusal || notice.dataset.refused;
        }
        return;
      }
      showNotice(true);
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 500 * Math.pow(2, retry - 1));
    };
  }

  // A tick outside the session's hours: open the row's time field, suggest the session's start, focus it;
  // the secretary confirms (or corrects) the time and taps the status again.
  function askTime(form, suggested) {
    var input = form.querySelector('input[name="arrived"]');
    if (!input) { return; }
    var details = input.closest("details");
    if (details) { details.open = true; }
    if (!input.value) { input.value = suggested || input.dataset.suggested || ""; }
    input.focus();
  }

  sheet.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-live") || !window.fetch || !window.FormData) { return; }
    event.preventDefault();
    var data = new FormData(form, event.submitter || undefined);
    fetch(form.getAttribute("action"), {method: "POST", body: data, credentials: "same-origin",
                        headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (message) {
        if (!message.ok) {
          showError(message.message);
          if (message.needs_time) { askTime(form, message.suggested); }
          return;
        }
        showError("");
        var drawn = form.querySelector("canvas.signature-canvas");
        if (drawn) { drawn.removeAttribute("data-dirty"); }
        applyMessage(message);
        if (message.live === false) { showNotice(true); }
        if (form.classList.contains("walk-in-form")) { form.reset(); }
      })
      .catch(function () { form.submit(); });
  });

  connect();
}());
