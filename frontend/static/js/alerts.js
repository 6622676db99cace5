// Alerts on the page: live alerts from the server (server-sent events) and from the service worker
// (push), shown as a toast with sound and vibration where the browser allows; the count of alerts
// waiting for acknowledgement in the top bar; and turning push notifications on for this phone.

import { translator } from "./ui.js";

const t = translator("alert-strings");
const user = document.body.dataset.user || "";
const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
const CURSOR_KEY = `alerts:cursor:${user}`;
const SEEN_KEY = `alerts:seen:${user}`;

// --- what this tab has already shown (survives page changes, not the session) -----------------

function seen() {
  try { return new Set(JSON.parse(sessionStorage.getItem(SEEN_KEY) || "[]")); } catch { return new Set(); }
}

/** True the first time a key is offered in this session. */
function firstTime(key) {
  const keys = seen();
  if (keys.has(key)) return false;
  keys.add(key);
  sessionStorage.setItem(SEEN_KEY, JSON.stringify([...keys].slice(-200)));
  return true;
}

// --- sound and vibration -----------------------------------------------------------------------

let audio = null;
function unlockAudio() {
  try { audio ||= new AudioContext(); audio.resume(); } catch { /* no Web Audio */ }
}
document.addEventListener("pointerdown", unlockAudio, { once: true, capture: true });

function ring(urgent) {
  try {
    if (audio?.state === "running") {
      const start = audio.currentTime;
      for (let i = 0; i < (urgent ? 3 : 1); i++) {
        const tone = audio.createOscillator();
        const gain = audio.createGain();
        tone.type = "square"; tone.frequency.value = 880; gain.gain.value = 0.06;
        tone.connect(gain).connect(audio.destination);
        tone.start(start + i * 0.35); tone.stop(start + i * 0.35 + 0.2);
      }
    }
  } catch { /* sound is a bonus */ }
  try { navigator.vibrate?.(urgent ? [300, 100, 300, 100, 300] : [200]); } catch { /* not allowed */ }
}

// --- the toast and the top-bar count -----------------------------------------------------------

function showBadge(count) {
  let badge = document.getElementById("alert-badge");
  if (!badge) {
    const bar = document.querySelector(".topbar");
    if (!bar) return;
    badge = document.createElement("a");
    badge.id = "alert-badge"; badge.className = "alert-badge"; badge.href = "/alerts";
    bar.insertBefore(badge, document.getElementById("net"));
  }
  badge.hidden = !count;
  badge.textContent = `${t("badge_short")} ${count}`;
  badge.setAttribute("aria-label", t("badge", { n: count }));
  badge.title = t("badge", { n: count });
}

function openAlert(alert, event) {
  const worker = navigator.serviceWorker?.controller;
  if (!worker) return; // the link navigates by itself
  event.preventDefault();
  worker.postMessage({ type: "ALERT_OPEN", id: alert.id, url: alert.url });
  setTimeout(() => { if (location.pathname !== alert.url) location.assign(alert.url); }, 1500);
}

function showToast(alert, { loud = true, via = "stream" } = {}) {
  const box = document.getElementById("live-alerts");
  if (!box) return;
  box.querySelector(`[data-alert-id="${CSS.escape(alert.id)}"]`)?.remove();
  const toast = document.createElement("div");
  toast.className = `live-alert${alert.needs_ack ? " urgent" : ""}`;
  toast.setAttribute("role", "alert");
  toast.dataset.alertId = alert.id;
  toast.dataset.via = via;
  const title = document.createElement("strong");
  title.textContent = alert.kind_label && !alert.title.startsWith(alert.kind_label) ? `${alert.kind_label}: ${alert.title}` : alert.title;
  const body = document.createElement("p");
  body.textContent = `${alert.level > 0 ? `${t("escalated")} ` : ""}${alert.body || ""}`;
  const actions = document.createElement("div");
  actions.className = "row";
  const open = document.createElement("a");
  open.className = "button primary"; open.href = alert.url || "/alerts";
  open.textContent = alert.needs_ack ? t("open_ack") : t("open");
  open.addEventListener("click", (event) => openAlert(alert, event));
  const close = document.createElement("button");
  close.type = "button"; close.textContent = t("dismiss");
  close.addEventListener("click", () => toast.remove());
  actions.append(open, close);
  toast.append(title, body, actions);
  box.prepend(toast);
  if (loud) ring(alert.needs_ack);
  document.body.dispatchEvent(new CustomEvent("alerts:new", { bubbles: true, detail: alert }));
}

/** The page is in the background: the system notification is what the person will see. */
async function notifyIfHidden(alert) {
  if (document.visibilityState === "visible" || window.Notification?.permission !== "granted") return;
  const registration = await navigator.serviceWorker?.getRegistration();
  registration?.showNotification(alert.title, {
    body: alert.body || "", tag: alert.id, renotify: true, requireInteraction: Boolean(alert.needs_ack),
    icon: "/static/icons/icon-192.png", data: { url: alert.url, id: alert.id },
  });
}

// --- the live stream (in-app channel) ----------------------------------------------------------

function remember(event) {
  if (event.lastEventId) sessionStorage.setItem(CURSOR_KEY, event.lastEventId);
}

function connect() {
  if (!user || !("EventSource" in window)) return;
  const since = sessionStorage.getItem(CURSOR_KEY);
  const source = new EventSource(`/alerts/stream${since ? `?since=${encodeURIComponent(since)}` : ""}`);
  source.addEventListener("hello", (event) => {
    remember(event);
    showBadge(JSON.parse(event.data).open_count);
    document.documentElement.dataset.alertsLive = "1"; // tests wait for this
  });
  source.addEventListener("count", (event) => { remember(event); showBadge(JSON.parse(event.data).open_count); });
  source.addEventListener("alert", (event) => {
    remember(event);
    const alert = JSON.parse(event.data);
    showBadge(alert.open_count);
    if (!firstTime(`${alert.id}:${alert.level}`)) return;
    showToast(alert);
    notifyIfHidden(alert).catch(() => {});
  });
  // EventSource reconnects by itself (the server ends each stream after a while on purpose);
  // with no signal it would keep trying every second, so it waits for the signal instead.
  source.addEventListener("error", () => {
    if (navigator.onLine) return;
    source.close();
    window.addEventListener("online", connect, { once: true });
  });
  window.addEventListener("pagehide", () => source.close(), { once: true });
}

// Push messages reach open pages through the service worker too.
navigator.serviceWorker?.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type !== "alert-push" || !message.alert?.id) return;
  const alert = message.alert;
  document.documentElement.dataset.lastPush = JSON.stringify({ id: alert.id, shown: Boolean(message.shown) });
  if (!firstTime(`${alert.id}:${alert.level || 0}`)) return;
  showToast(alert, { loud: !message.shown, via: "push" }); // the notification already rang
});

// --- turning push notifications on (profile and devices pages) ---------------------------------

function pushStatus(text, kind = "") {
  const box = document.getElementById("push-status");
  if (!box) return;
  box.hidden = !text; box.textContent = text; box.className = `notice ${kind}`;
}

function keyBytes(base64url) {
  const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(base64url.length / 4) * 4, "="));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function sameKey(buffer, base64url) {
  if (!buffer) return false;
  const a = new Uint8Array(buffer);
  const b = keyBytes(base64url);
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function deviceLabel() {
  const ua = navigator.userAgent;
  const browser = /MicroMessenger/.test(ua) ? "WeChat" : /EdgA?\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox"
    : /HuaweiBrowser/.test(ua) ? "Huawei" : /MiuiBrowser/.test(ua) ? "Mi" : /Chrome\//.test(ua) ? "Chrome"
    : /Safari\//.test(ua) ? "Safari" : "Browser";
  const os = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Windows/.test(ua) ? "Windows"
    : /Mac OS X/.test(ua) ? "macOS" : /Linux/.test(ua) ? "Linux" : "";
  return [browser, os].filter(Boolean).join(" · ");
}

async function sha256Hex(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((x) => x.toString(16).padStart(2, "0")).join("");
}

async function currentSubscription() {
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) return null;
  const registration = await navigator.serviceWorker.getRegistration();
  return registration ? registration.pushManager.getSubscription() : null;
}

/** Mark "this phone" in the device list. */
async function markThisDevice() {
  const subscription = await currentSubscription().catch(() => null);
  const mine = subscription ? await sha256Hex(subscription.endpoint) : "";
  for (const item of document.querySelectorAll("[data-endpoint-hash]")) {
    const badge = item.querySelector(".this-device");
    if (badge) badge.hidden = item.dataset.endpointHash !== mine;
  }
}

async function enablePush() {
  pushStatus(t("push_working"));
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return pushStatus(t("push_unsupported"), "warn");
  }
  const permission = await Notification.requestPermission();
  if (permission !== "granted") return pushStatus(t("push_denied"), "warn");
  const registration = await navigator.serviceWorker.ready;
  let subscription;
  try {
    const { public_key: key } = await (await fetch("/api/alerts/vapid-public-key", { credentials: "same-origin" })).json();
    subscription = await registration.pushManager.getSubscription();
    if (subscription && !sameKey(subscription.options?.applicationServerKey, key)) {
      await subscription.unsubscribe();
      subscription = null;
    }
    subscription ||= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  } catch (error) {
    console.warn("alerts: push subscription failed", error);
    return pushStatus(t("push_failed"), "warn");
  }
  const response = await fetch("/api/alerts/subscriptions", {
    method: "POST", credentials: "same-origin",
    headers: { "content-type": "application/json", "x-csrftoken": csrf },
    body: JSON.stringify({ ...subscription.toJSON(), label: deviceLabel() }),
  }).catch(() => null);
  if (!response?.ok) {
    const body = await response?.json().catch(() => ({}));
    return pushStatus(body?.error?.message || t("push_server"), "error");
  }
  pushStatus(t("push_on"));
  document.body.dispatchEvent(new CustomEvent("alerts:devices", { bubbles: true }));
}

async function showPushState() {
  if (!document.getElementById("push-status")) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    pushStatus(t("push_unsupported"), "warn");
  } else if (Notification.permission === "denied") {
    pushStatus(t("push_denied"), "warn");
  }
  const box = document.getElementById("alert-devices-box");
  if (box) new MutationObserver(() => markThisDevice()).observe(box, { childList: true, subtree: true });
  markThisDevice();
}

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-push-enable]")) enablePush();
});
// Removing this phone from the list also ends its subscription in the browser.
document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-remove-device]");
  if (!form || form.closest("[data-endpoint-hash]")?.querySelector(".this-device")?.hidden !== false) return;
  (await currentSubscription().catch(() => null))?.unsubscribe();
}, true);

connect();
showPushState();
