// The camera QR scanner for the gate (slips, passes) and the patrol walk (checkpoints): the
// browser's BarcodeDetector where it has one (Chrome on Android), else the scan button stays hidden
// and staff type the code. One place, so both pages behave alike.

/**
 * Show `button` when this phone can scan; a scan opens the camera in `box`/`video` and calls
 * `onCode(text)` with the first QR code seen. `stopButton` closes the camera; `onFail` is told when
 * the camera cannot be opened (permission refused, no camera).
 */
export async function setupScanner({ button, box, video, stopButton, onCode, onFail }) {
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices?.getUserMedia) return;
  try {
    if (!(await window.BarcodeDetector.getSupportedFormats()).includes("qr_code")) return;
  } catch { return; }
  button.hidden = false;
  button.addEventListener("click", () => scan({ box, video, stopButton, onCode, onFail }));
}

async function scan({ box, video, stopButton, onCode, onFail }) {
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  } catch {
    onFail();
    return;
  }
  const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  let running = true;
  const stop = () => { running = false; stream.getTracks().forEach((track) => track.stop()); box.hidden = true; };
  stopButton.onclick = stop;
  box.hidden = false;
  video.srcObject = stream;
  await video.play().catch(() => {});
  while (running) {
    try {
      const codes = await detector.detect(video);
      if (codes.length) {
        stop();
        await onCode(codes[0].rawValue);
        return;
      }
    } catch { /* the video is not ready yet */ }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
