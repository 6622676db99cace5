// What every page script shares: its strings (JSON blocks the templates render), the flash message
// under the top bar, and asking the service worker for Background Sync. Pages only: it reads the DOM.

/** The strings of these `<script type="application/json" id=…>` blocks, merged (later ids win). */
export function strings(...ids) {
  return Object.assign({}, ...ids.map((id) => JSON.parse(document.getElementById(id)?.textContent || "{}")));
}

/** `{name}` placeholders filled from `vars` (missing ones left empty). */
export const format = (text, vars = {}) => String(text ?? "").replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? "");

/** A `t(key, vars)` over these string blocks; an unknown key shows as itself. */
export function translator(...ids) {
  const table = strings(...ids);
  return (key, vars = {}) => format(table[key] || key, vars);
}

/** The app's own strings (base.html `#ui-strings`, plus the outbox page's). */
export const t = translator("ui-strings", "outbox-strings");

/** Show one message under the top bar (replacing the last); `kind` "error" styles it as one. */
export function flash(text, kind = "") {
  const box = document.getElementById("flash");
  if (!box) return;
  const p = document.createElement("p");
  p.className = `notice ${kind}`.trim(); p.setAttribute("role", "status"); p.textContent = text;
  box.replaceChildren(p);
}

/** Ask the browser to send the outbox once it has signal, even if the page is closed by then. */
export async function requestBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register("outbox");
  } catch { /* not supported: the timers and the `online` event cover it */ }
}
