// The resident's signature (SPEC W7): drawn with a finger on a <canvas> (pointer events), exported
// as a PNG. White background, so the image reads the same everywhere it is shown or printed.
//
// NOTE: the strokes are kept as points, not only as pixels. A canvas loses its pixels whenever its
// size changes (a phone rotated, a transient layout while the page re-flows, a full-page capture),
// and copying the old pixels back only keeps what fits the smaller size: a signature came out blank
// after the canvas was momentarily 4 px wide. From points it is redrawn at any size, and the PNG is
// rendered from them at the size it was drawn at, whatever the canvas on screen is doing meanwhile.

const MIN_SEGMENTS = 3; // a tap is not a signature
const EXPORT_SCALE = 2; // device pixels per CSS pixel in the stored image
const LINE_WIDTH = 2.5;

/** Make `canvas` a signature pad; returns {isEmpty, clear, toBlob}. */
export function signaturePad(canvas) {
  const ctx = canvas.getContext("2d");
  let strokes = []; // each a list of {x, y} in the "drawn" space below
  let drawn = null; // {width, height}: the canvas's CSS size when the first stroke began
  let segments = 0;

  function cssSize() {
    const rect = canvas.getBoundingClientRect();
    return { width: rect.width, height: rect.height };
  }

  /** Paint `strokes` on `target` (white first), scaled from the drawn space by `scale` device px. */
  function paint(target, scale) {
    const g = target.getContext("2d");
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.fillStyle = "#fff";
    g.fillRect(0, 0, target.width, target.height);
    g.setTransform(scale, 0, 0, scale, 0, 0);
    g.lineWidth = LINE_WIDTH;
    g.lineCap = "round";
    g.lineJoin = "round";
    g.strokeStyle = "#111";
    for (const stroke of strokes) {
      if (stroke.length < 2) continue;
      g.beginPath();
      g.moveTo(stroke[0].x, stroke[0].y);
      for (const p of stroke.slice(1)) g.lineTo(p.x, p.y);
      g.stroke();
    }
  }

  /** How many device pixels one unit of the drawn space is on screen now. */
  function screenScale() {
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const { width } = cssSize();
    return drawn ? (width / drawn.width) * ratio : ratio;
  }

  /** Match the canvas's pixels to its size on screen (it may have been hidden when the page loaded). */
  function fit() {
    const { width: cssWidth, height: cssHeight } = cssSize();
    if (!cssWidth || !cssHeight) return;
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const width = Math.round(cssWidth * ratio);
    const height = Math.round(cssHeight * ratio);
    if (canvas.width === width && canvas.height === height) return;
    canvas.width = width;
    canvas.height = height;
    paint(canvas, screenScale());
  }

  function point(event) {
    const rect = canvas.getBoundingClientRect();
    const k = drawn && rect.width ? drawn.width / rect.width : 1;
    return { x: (event.clientX - rect.left) * k, y: (event.clientY - rect.top) * k };
  }

  function inside(p) {
    return p.x >= 0 && p.y >= 0 && p.x <= drawn.width && p.y <= drawn.height;
  }

  let current = null;
  canvas.addEventListener("pointerdown", (event) => {
    fit();
    event.preventDefault();
    canvas.setPointerCapture?.(event.pointerId);
    if (!drawn) drawn = cssSize();
    current = [point(event)];
    strokes.push(current);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current) return;
    event.preventDefault();
    const last = current.at(-1);
    const next = point(event);
    current.push(next);
    const g = ctx;
    const scale = screenScale();
    g.setTransform(scale, 0, 0, scale, 0, 0);
    g.lineWidth = LINE_WIDTH;
    g.lineCap = "round";
    g.strokeStyle = "#111";
    g.beginPath();
    g.moveTo(last.x, last.y);
    g.lineTo(next.x, next.y);
    g.stroke();
    if (inside(next)) segments += 1; // ink that lands outside the pad is not a signature
    canvas.dispatchEvent(new CustomEvent("signature:change", { bubbles: true }));
  });
  for (const type of ["pointerup", "pointercancel", "pointerleave"]) {
    canvas.addEventListener(type, () => { current = null; });
  }
  if (typeof ResizeObserver === "function") new ResizeObserver(fit).observe(canvas);
  fit();

  return {
    isEmpty: () => segments < MIN_SEGMENTS,
    clear() {
      strokes = [];
      drawn = null;
      current = null;
      segments = 0;
      paint(canvas, screenScale());
      canvas.dispatchEvent(new CustomEvent("signature:change", { bubbles: true }));
    },
    /** The PNG, rendered from the strokes at the size they were drawn at. */
    toBlob: () => new Promise((resolve, reject) => {
      const size = drawn || cssSize();
      const out = document.createElement("canvas");
      out.width = Math.round(size.width * EXPORT_SCALE);
      out.height = Math.round(size.height * EXPORT_SCALE);
      paint(out, EXPORT_SCALE);
      out.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("signature export failed"))), "image/png");
    }),
  };
}
