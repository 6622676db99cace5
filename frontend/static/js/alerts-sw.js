// The service worker's part of alerts (imported by /sw.js): show a pushed alert as a notification,
// tell open pages about it, and open the alert's page when the notification is tapped.

const DEFAULT_URL = "/alerts";

self.addEventListener("push", (event) => event.waitUntil(showPushed(event)));

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openPage(event.notification.data?.url || DEFAULT_URL, { focus: true }));
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  // The in-app toast of an alert was tapped: the same as tapping its notification (which is closed,
  // so the phone's tray does not keep a stale copy), in the page that asked.
  if (message.type === "ALERT_OPEN") event.waitUntil(openFromPage(message, event.source));
});

function parse(event) {
  if (!event.data) return {};
  try { return event.data.json() || {}; } catch { return { body: event.data.text() }; }
}

/** Show the notification (tag = alert id, so a repeat replaces it) and tell every open page. */
async function showPushed(event) {
  const alert = parse(event);
  const title = alert.title || "新提醒 · New alert";
  const options = {
    body: alert.body || "",
    tag: alert.id || undefined,
    renotify: Boolean(alert.id),
    requireInteraction: Boolean(alert.needs_ack),
    icon: "/static/icons/icon-192.png",
    badge: "/static/icons/icon-192.png",
    vibrate: alert.needs_ack ? [300, 100, 300, 100, 300] : [200],
    timestamp: Date.now(),
    data: { url: alert.url || DEFAULT_URL, id: alert.id || null },
  };
  let shown = false;
  try {
    await self.registration.showNotification(title, options);
    shown = true;
  } catch (error) {
    console.warn("alerts: notification not shown", error);
  }
  const pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const page of pages) page.postMessage({ type: "alert-push", alert: { ...alert, title }, shown });
}

/** Focus a page already showing `url`, else navigate an open page of the app there, else open one. */
async function openPage(url, { focus = false, client = null } = {}) {
  const target = new URL(url, self.location.origin).href;
  const pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const same = pages.find((p) => p.url === target);
  if (same) return focus ? same.focus().catch(() => same) : same;
  const existing = client && "navigate" in client ? client : pages.find((p) => "navigate" in p);
  if (existing) {
    const navigated = await existing.navigate(target).catch(() => null);
    if (navigated) return focus ? navigated.focus().catch(() => navigated) : navigated;
  }
  return self.clients.openWindow(target);
}

async function openFromPage({ id, url }, source) {
  if (id) for (const notification of await self.registration.getNotifications({ tag: id })) notification.close();
  return openPage(url || DEFAULT_URL, { client: source });
}
