// The resident's signature (SPEC W7): drawn with a finger on a <canvas> (pointer events), exported
// as a PNG. White background, so the image reads the same everywhere it is shown or printed.

const MIN_SEGMENTS = 3; // a tap is not a signature

/** Make `canvas` a signature pad; returns {isEmpty, clear, toBlob}. */
export function signaturePad(canvas) {
  const ctx = canvas.getContext("2d");
  let drawing = false;
  let segments = 0;
  let last = null;

  function paintBackground() {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.restore();
  }

  function styleStroke(ratio) {
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";
  }

  /** Match the canvas's pixels to its size on screen (it may have been hidden when the page loaded). */
  function fit() {
    const rect = canvas.getBoundingClientRect();
    if (!rect.width || !rect.height) return;
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const width = Math.round(rect.width * ratio);
    const height = Math.round(rect.height * ratio);
    if (canvas.width === width && canvas.height === height) return;
    const previous = segments ? ctx.getImageData(0, 0, canvas.width, canvas.height) : null;
    canvas.width = width;
    canvas.height = height;
    paintBackground();
    if (previous) ctx.putImageData(previous, 0, 0);
    styleStroke(ratio);
  }

  function point(event) {
    const rect = canvas.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  canvas.addEventListener("pointerdown", (event) => {
    fit();
    event.preventDefault();
    canvas.setPointerCapture?.(event.pointerId);
    drawing = true;
    last = point(event);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    event.preventDefault();
    const next = point(event);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(next.x, next.y);
    ctx.stroke();
    last = next;
    segments += 1;
    canvas.dispatchEvent(new CustomEvent("signature:change", { bubbles: true }));
  });
  for (const type of ["pointerup", "pointercancel", "pointerleave"]) {
    canvas.addEventListener(type, () => { drawing = false; });
  }
  if (typeof ResizeObserver === "function") new ResizeObserver(fit).observe(canvas);
  fit();

  return {
    isEmpty: () => segments < MIN_SEGMENTS,
    clear() {
      segments = 0;
      paintBackground();
      canvas.dispatchEvent(new CustomEvent("signature:change", { bubbles: true }));
    },
    toBlob: () => new Promise((resolve, reject) => {
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("signature export failed"))), "image/png");
    }),
  };
}
