// The write-ahead outbox (DESIGN "Offline model" 2-5). DOM-free: used by pages and the service worker.
//
// A change is stored here *before* any network attempt, then sent to POST /api/sync in order, in
// batches. Only the server's answer removes it: applied/duplicate → gone; rejected → kept with the
// server's message for the person to edit and resend, or discard. Network errors and 5xx back off.

import { openDb, withStore, getMeta, setMeta, get, put, del, all } from "./idb.js";

const BATCH = 50;
const MAX_BACKOFF_MS = 60_000;
let retryTimer = null;
const listeners = new Set();

/** Subscribe to outbox events: {type: "changed" | "synced" | "rejected" | "error" | "auth", ...}. */
export function onOutboxEvent(fn) { listeners.add(fn); return () => listeners.delete(fn); }
function notify(event) { for (const fn of listeners) { try { fn(event); } catch (e) { console.error(e); } } }
// Other tabs and the service worker hear about changes too (only one context flushes at a time).
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("outbox") : null;
if (channel) channel.onmessage = (message) => notify(message.data);
function emit(event) {
  notify(event);
  channel?.postMessage({ type: event.type, error: event.error ?? null });
}

export function uuid() {
  if (self.crypto?.randomUUID) return self.crypto.randomUUID();
  const b = self.crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export async function deviceId() {
  let id = await getMeta("device_id");
  if (!id) { id = uuid(); await setMeta("device_id", id); }
  return id;
}

export const currentUser = () => getMeta("user");

/** Write-ahead: store the mutation (and its photos) before anything is sent. Returns the entry. */
export async function enqueue(type, data, { id = uuid(), attachments = [], label = "", fields = null } = {}) {
  const user = await currentUser();
  if (!user) throw new Error("not signed in");
  const entry = {
    id, type, data, user, label, attachments, fields, // fields: how to edit it again if refused
    recorded_at: new Date().toISOString(),
    created_at: Date.now(),
    status: "pending", error: null, attempts: 0,
  };
  entry.seq = await withStore("outbox", "readwrite", (s) => new Promise((resolve, reject) => {
    const r = s.add(entry); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error);
  }));
  emit({ type: "changed" });
  return entry;
}

/** Store a photo blob under its SHA-256 until it is uploaded. */
export async function storeBlob(blob) {
  const digest = await self.crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  const sha256 = [...new Uint8Array(digest)].map((x) => x.toString(16).padStart(2, "0")).join("");
  await put("blobs", { sha256, type: blob.type, blob, user: await currentUser() });
  return sha256;
}

/** This user's entries in replay order. */
export async function entries(user) {
  user = user ?? (await currentUser());
  const rows = await withStore("outbox", "readonly", (s) => new Promise((resolve, reject) => {
    const r = s.getAll(); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error);
  }));
  return rows.filter((e) => e.user === user).sort((a, b) => a.seq - b.seq);
}

export async function pendingCount() { return (await entries()).length; }

async function update(seq, changes) {
  await withStore("outbox", "readwrite", (s) => new Promise((resolve, reject) => {
    const r = s.get(seq);
    r.onsuccess = () => {
      if (!r.result) return resolve();
      const w = s.put({ ...r.result, ...changes }); w.onsuccess = () => resolve(); w.onerror = () => reject(w.error);
    };
    r.onerror = () => reject(r.error);
  }));
}

/** Edit a rejected entry's data and queue it again. The id stays (a refused id is not recorded),
 * except where the server remembers it: a stale change's answer is kept for its id (DESIGN
 * "Conflicts"), so an edited one goes under a new id, as does one refused for a reused id.
 * `dropPhotos`: SHA-256 names to take out of the change (e.g. a photo the server refused). */
export async function resend(seq, data, { dropPhotos = [] } = {}) {
  await requeue(seq, data, { dropPhotos });
  return flush({ force: true }); // the person asked for it: not held back by an earlier failure
}

/** `resend` without the sending: the entry is pending again (edited, under the id it should go with). */
export async function requeue(seq, data, { dropPhotos = [] } = {}) {
  const changes = { status: "pending", error: null };
  if (data) changes.data = data;
  const entry = await get("outbox", seq);
  const code = entry?.error?.code;
  if (code === "id_reused" || (data && code === "stale_state")) changes.id = uuid();
  if (entry && dropPhotos.length) Object.assign(changes, withoutPhotos({ ...entry, ...changes }, dropPhotos));
  await update(seq, changes);
  if (dropPhotos.length) await deleteUnusedBlobs(dropPhotos);
  emit({ type: "changed" });
  return get("outbox", seq);
}

/** The entry's data and attachments without these photos (photo lists in `data` hold SHA-256 names). */
function withoutPhotos(entry, names) {
  const drop = new Set(names);
  const data = Object.fromEntries(Object.entries(entry.data || {}).map(([key, value]) => (
    [key, Array.isArray(value) ? value.filter((x) => !drop.has(x)) : value])));
  return { data, attachments: (entry.attachments || []).filter((x) => !drop.has(x)) };
}

// NOTE: blobs are content-addressed, so another entry (or person) may hold the same photo.
async function deleteUnusedBlobs(names) {
  const used = new Set((await all("outbox")).flatMap((e) => e.attachments || []));
  for (const sha256 of names) if (!used.has(sha256)) await del("blobs", sha256);
}

/** Discard an entry for good (the page asks for confirmation first). */
export async function discard(seq) {
  await del("outbox", seq);
  emit({ type: "changed" });
}

async function uploadBlobs(entry, csrf) {
  for (const sha256 of entry.attachments || []) {
    const row = await get("blobs", sha256);
    if (!row) continue; // already uploaded and cleaned up
    const response = await fetch(`/api/attachments/${sha256}`, {
      method: "PUT", body: row.blob, credentials: "same-origin",
      headers: { "content-type": row.type, "x-csrftoken": csrf },
    });
    if (response.status >= 500 || response.status === 429) throw new TransientError(`upload ${response.status}`);
    if (response.status === 401 || response.status === 403) throw new AuthError();
    if (!response.ok) { // refused (too large, not an image): the outbox page lets the person drop it
      const body = await response.json().catch(() => ({}));
      return { ...(body.error || { code: "upload_failed", message: `HTTP ${response.status}` }), sha256 };
    }
  }
  return null;
}

class TransientError extends Error {}
class AuthError extends Error {}

// NOTE: the backoff lives in IndexedDB, not in a variable: the pages and the service worker
// (Background Sync) all send from one outbox, and each kept its own delay, so a failing server got
// a retry from one of them every few hundred milliseconds.
async function scheduleRetry() {
  const backoffMs = Math.min((Number(await getMeta("backoff_ms")) || 0) * 2 || 1000, MAX_BACKOFF_MS);
  // Jitter so that many phones coming back online do not all retry at once.
  const delay = backoffMs * (0.75 + Math.random() * 0.5);
  await setMeta("backoff_ms", backoffMs);
  await setMeta("retry_at", Date.now() + delay);
  retryLater(delay);
}

function retryLater(delay) {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => flush(), delay);
}

/** Send everything pending, in order, in batches. Safe to call often: one flush runs at a time.
 * While the device is backing off after a failure, it waits for the retry time (and resolves to
 * "waiting") unless `force` (the network just came back, or the person asked to sync now).
 * If another flush is running (this page, another tab, the worker), it resolves to null at once,
 * or with `wait`, queues behind it (to learn what became of a change just stored). */
export async function flush({ force = false, wait = false } = {}) {
  if (self.navigator?.locks) {
    const options = wait ? {} : { ifAvailable: true };
    return self.navigator.locks.request("outbox-flush", options, (lock) => (lock ? flushLocked(force) : null));
  }
  return flushLocked(force);
}

/** A fresh CSRF token from the server (a cached page may carry an older one); null when signed out. */
async function refreshToken() {
  try {
    const response = await fetch("/api/session", { credentials: "same-origin", headers: { accept: "application/json" } });
    if (!response.ok) return null;
    const body = await response.json();
    if (String(body.staff_id) !== String(await currentUser())) return null; // someone else is signed in now
    await setMeta("csrf", body.csrf_token);
    return body.csrf_token;
  } catch {
    return null;
  }
}

async function flushLocked(force = false, retried = false) {
  await openDb();
  const retryAt = Number(await getMeta("retry_at")) || 0;
  if (!force && Date.now() < retryAt) {
    if (typeof window !== "undefined") retryLater(retryAt - Date.now()); // the worker has no timers to keep
    return "waiting";
  }
  const csrf = (await getMeta("csrf")) || "";
  let appliedAny = false;
  try {
    for (;;) {
      const pending = (await entries()).filter((e) => e.status !== "rejected");
      if (!pending.length) break;
      const batch = [];
      for (const entry of pending.slice(0, BATCH)) {
        const uploadError = await uploadBlobs(entry, csrf);
        if (uploadError) {
          await update(entry.seq, { status: "rejected", error: uploadError });
          emit({ type: "rejected", entry, error: uploadError });
          continue;
        }
        batch.push(entry);
      }
      if (!batch.length) continue;
      for (const entry of batch) await update(entry.seq, { status: "sending", attempts: entry.attempts + 1 });
      let response;
      try {
        response = await fetch("/api/sync", {
          method: "POST", credentials: "same-origin",
          headers: { "content-type": "application/json", "x-csrftoken": csrf },
          body: JSON.stringify({
            device_id: await deviceId(),
            sent_at: new Date().toISOString(),
            mutations: batch.map(({ id, type, recorded_at, data }) => ({ id, type, recorded_at, data })),
          }),
        });
      } catch (networkError) {
        throw new TransientError(String(networkError));
      }
      if (response.status === 401 || response.status === 403) throw new AuthError();
      if (response.status >= 500 || response.status === 429 || response.status === 408) {
        throw new TransientError(`sync ${response.status}`);
      }
      const body = await response.json().catch(() => null);
      if (!response.ok || !body?.results) {
        const error = body?.error || { code: `http_${response.status}`, message: `HTTP ${response.status}` };
        for (const entry of batch) await update(entry.seq, { status: "rejected", error });
        emit({ type: "rejected" });
        continue;
      }
      const byId = new Map(body.results.map((r) => [r.id, r]));
      for (const entry of batch) {
        const r = byId.get(entry.id);
        if (r && (r.status === "applied" || r.status === "duplicate")) {
          await del("outbox", entry.seq);
          for (const sha256 of entry.attachments || []) await del("blobs", sha256);
          appliedAny = true;
        } else if (r && r.status === "rejected") {
          await update(entry.seq, { status: "rejected", error: r.error });
          emit({ type: "rejected", entry, error: r.error });
        } else {
          await update(entry.seq, { status: "pending" }); // no answer for it: try again later
        }
      }
      await setMeta("last_sync", Date.now());
      emit({ type: "changed" });
    }
    if (retryAt) { await setMeta("backoff_ms", 0); await setMeta("retry_at", 0); }
    return "done";
  } catch (error) {
    await resetSending();
    if (error instanceof AuthError && !retried && (await refreshToken())) return flushLocked(true, true);
    if (error instanceof AuthError) emit({ type: "auth" });
    else { emit({ type: "error", error: String(error) }); await scheduleRetry(); }
    return "failed";
  } finally {
    if (appliedAny) emit({ type: "synced" });
    emit({ type: "changed" });
  }
}

async function resetSending() {
  for (const entry of await entries()) {
    if (entry.status === "sending") await update(entry.seq, { status: "pending" });
  }
}

export async function oldestPendingAge() {
  const list = await entries();
  return list.length ? Date.now() - Math.min(...list.map((e) => e.created_at)) : 0;
}
