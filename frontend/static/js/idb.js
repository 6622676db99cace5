// A small promise wrapper over IndexedDB, usable from pages and from the service worker.
// Stores: outbox (the write-ahead queue), blobs (photos waiting to upload), meta (device id, csrf, user).

const DB_NAME = "kfzx";
const DB_VERSION = 1;
let dbPromise = null;

export function openDb() {
  if (dbPromise) return dbPromise;
  dbPromise = new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      // NOTE: `seq` (auto-increment) is the replay order; `id` is the mutation's UUID.
      const outbox = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
      outbox.createIndex("id", "id", { unique: true });
      outbox.createIndex("user", "user");
      db.createObjectStore("blobs", { keyPath: "sha256" });
      db.createObjectStore("meta", { keyPath: "key" });
    };
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => { db.close(); dbPromise = null; };
      resolve(db);
    };
    request.onerror = () => { dbPromise = null; reject(request.error); };
  });
  return dbPromise;
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
}

function result(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Run `fn(store)` in one transaction; resolves with fn's result once the transaction has committed. */
export async function withStore(name, mode, fn) {
  const db = await openDb();
  const tx = db.transaction(name, mode);
  const finished = done(tx);
  const value = await fn(tx.objectStore(name));
  await finished;
  return value;
}

export const get = (name, key) => withStore(name, "readonly", (s) => result(s.get(key)));
export const put = (name, value) => withStore(name, "readwrite", (s) => result(s.put(value)));
export const del = (name, key) => withStore(name, "readwrite", (s) => result(s.delete(key)));
export const all = (name) => withStore(name, "readonly", (s) => result(s.getAll()));

export async function getMeta(key, fallback = null) {
  const row = await get("meta", key);
  return row ? row.value : fallback;
}

export const setMeta = (key, value) => put("meta", { key, value });
