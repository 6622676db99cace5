// Public notice pages (app/public.py): register the service worker so the page can be read again
// offline, and ask it to keep this page now (the first visit is not yet under its control).
const note = document.getElementById("pub-offline-note");
if (note && !navigator.onLine) note.hidden = false;

async function keep() {
  if (!("serviceWorker" in navigator)) return;
  await navigator.serviceWorker.register("/sw.js", { scope: "/", type: "module" });
  const ready = await navigator.serviceWorker.ready;
  ready.active?.postMessage({ type: "CACHE_PUBLIC", urls: [location.pathname] });
  document.documentElement.dataset.publicCached = "requested";
}

keep().catch(() => {});
