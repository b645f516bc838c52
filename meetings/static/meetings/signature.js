/* Signatures drawn on the sheet: pointer events (finger, stylus, mouse) on each .signature-canvas, kept as
 * vector strokes in the canvas's 300 × 100 box and sent as JSON in the form's "strokes" field. Listeners are
 * delegated from the document, so the pads of a sheet fragment fetched again keep working. Someone who cannot
 * draw ticks "je certifie ma présence" instead (keyboard). */
(function () {
  "use strict";
  var pads = new WeakMap();

  function pad(canvas) {
    var state = pads.get(canvas);
    if (!state) {
      state = {strokes: [], current: null};
      pads.set(canvas, state);
    }
    return state;
  }

  function point(canvas, event) {
    var rect = canvas.getBoundingClientRect();
    var x = (event.clientX - rect.left) * canvas.width / rect.width;
    var y = (event.clientY - rect.top) * canvas.height / rect.height;
    return [Math.round(Math.max(0, Math.min(canvas.width, x)) * 10) / 10,
            Math.round(Math.max(0, Math.min(canvas.height, y)) * 10) / 10];
  }

  function store(canvas) {
    var form = canvas.closest("form");
    var field = form && form.querySelector('input[name="strokes"]');
    var state = pad(canvas);
    if (field) { field.value = JSON.stringify(state.strokes); }
    if (state.strokes.length) { canvas.setAttribute("data-dirty", "1"); } else { canvas.removeAttribute("data-dirty"); }
  }

  function line(canvas, from, to) {
    var ctx = canvas.getContext("2d");
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.strokeStyle = "#000";
    ctx.beginPath();
    ctx.moveTo(from[0], from[1]);
    ctx.lineTo(to[0], to[1]);
    ctx.stroke();
  }

  document.addEventListener("pointerdown", function (event) {
    var canvas = event.target;
    if (!(canvas instanceof HTMLCanvasElement) || !canvas.classList.contains("signature-canvas")) { return; }
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    var state = pad(canvas);
    var p = point(canvas, event);
    state.current = [p];
    state.strokes.push(state.current);
    line(canvas, p, p);
    store(canvas);
  });

  document.addEventListener("pointermove", function (event) {
    var canvas = event.target;
    if (!(canvas instanceof HTMLCanvasElement) || !canvas.classList.contains("signature-canvas")) { return; }
    var state = pad(canvas);
    if (!state.current) { return; }
    event.preventDefault();
    var p = point(canvas, event);
    line(canvas, state.current[state.current.length - 1], p);
    state.current.push(p);
    store(canvas);
  });

  function end(event) {
    var canvas = event.target;
    if (!(canvas instanceof HTMLCanvasElement) || !canvas.classList.contains("signature-canvas")) { return; }
    pad(canvas).current = null;
  }
  document.addEventListener("pointerup", end);
  document.addEventListener("pointercancel", end);

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".signature-clear");
    if (!button) { return; }
    var canvas = button.closest("form").querySelector(".signature-canvas");
    if (!canvas) { return; }
    pads.delete(canvas);
    canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
    store(canvas);
  });
}());
