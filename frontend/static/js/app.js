// The page controller: service worker, connectivity and pending count, offline-capable forms,
// the outbox page, and the small conveniences (print, corrections, drafts).

import { entries, flush, onOutboxEvent, pendingCount, resend, discard, oldestPendingAge } from "./outbox.js";
import { get, setMeta } from "./idb.js";
import { format, t } from "./ui.js";

// The form sender (and its photo handling) is loaded when first needed: the sign-in page never needs it,
// so a first visit stays small. The service worker precaches it like every shell file.
const sender = () => import("./submit.js");

const user = document.body.dataset.user || "";
const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
const STALE_MS = 24 * 3600 * 1000;
const TIMER_MS = 30_000;

// --- identity for the outbox and the worker -------------------------------------------------

async function rememberUser() {
  if (!user) return;
  await setMeta("user", user);
  if (csrf) await setMeta("csrf", csrf);
}

// --- banners ---------------------------------------------------------------------------------

function banner(id, text, action) {
  const box = document.getElementById("banners");
  if (!box || document.getElementById(id)) return;
  const div = document.createElement("div");
  div.className = "banner"; div.id = id; div.setAttribute("role", "status");
  const span = document.createElement("span"); span.textContent = text; div.append(span);
  if (action) {
    const button = document.createElement("button");
    button.type = "button"; button.textContent = action.label; button.addEventListener("click", action.run);
    div.append(button);
  }
  box.append(div);
}

// --- connectivity and the pending count -------------------------------------------------------

function showNetwork() {
  const net = document.getElementById("net");
  if (!net) return;
  const online = navigator.onLine;
  net.textContent = online ? t("online") : t("offline");
  net.classList.toggle("offline", !online);
  document.body.classList.toggle("is-offline", !online);
}

async function showPending() {
  if (!user) return;
  const count = await pendingCount();
  const badge = document.getElementById("pending-count");
  if (badge) {
    badge.hidden = count === 0;
    badge.textContent = String(count);
    badge.title = t("pending", { n: count });
    badge.setAttribute("aria-label", t("pending", { n: count }));
  }
  document.body.dataset.pending = String(count);
  if ((await oldestPendingAge()) > STALE_MS) banner("stale-banner", t("stale"));
  await renderPendingLists();
}

// --- pending entries shown on the pages that made them ---------------------------------------

// What each kind of change is called, from the server (app.sync.registry): on the outbox page, and on
// pages whose changes carry no text of their own (a tap).
const TYPE_LABELS = JSON.parse(document.getElementById("mutation-labels")?.textContent || "{}");

function summary(entry) {
  const d = entry.data || {};
  return entry.label || d.text || d.note || d.description || TYPE_LABELS[entry.type] || entry.type;
}

function pendingItem(entry, { controls = false, list = null } = {}) {
  const li = document.createElement("li");
  li.className = `pending-item is-${entry.status}`;
  li.dataset.mutationId = entry.id;
  const head = document.createElement("div");
  head.className = "entry-head";
  const time = document.createElement("time");
  time.dateTime = entry.recorded_at;
  time.textContent = new Date(entry.recorded_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const status = document.createElement("span");
  status.className = `badge ${entry.status === "rejected" ? "major" : "warn"}`;
  status.textContent = t(entry.status === "rejected" ? "status_rejected" : "status_pending");
  head.append(time, status, ...choiceBadges(entry, list));
  if (controls) {
    const type = document.createElement("span"); type.className = "muted"; type.textContent = TYPE_LABELS[entry.type] || entry.type;
    head.append(type);
  }
  const text = document.createElement("p");
  text.className = "entry-text"; text.textContent = summary(entry);
  li.append(head, text);
  if (entry.error) {
    const error = document.createElement("p");
    error.className = "error"; error.setAttribute("role", "alert"); error.textContent = entry.error.message;
    li.append(error);
    if (controls && entry.error.sha256) { // a refused photo: say how to send the rest
      li.append(Object.assign(document.createElement("p"), { className: "hint", textContent: t("photo_refused_hint") }));
    }
  }
  if (controls) li.append(entryControls(entry));
  return li;
}

/** What a pending change chose, in the words of its form's <select>s (the list's `data-outbox-form`),
 * and the entry it corrects by the number the page shows for it ("更正 #12"). */
function choiceBadges(entry, list) {
  const form = list?.dataset.outboxForm ? document.getElementById(list.dataset.outboxForm) : null;
  if (!form) return [];
  const data = entry.data || {};
  const badges = [];
  for (const select of form.querySelectorAll("select[name]")) {
    const value = data[select.name];
    if (value === null || value === undefined || value === "") continue;
    const option = [...select.options].find((o) => o.value === String(value));
    if (!option) continue;
    const badge = document.createElement("span");
    badge.className = select.name === "escalation" ? `badge ${value}` : "badge";
    badge.textContent = option.text;
    badges.push(badge);
  }
  if (data.corrects) {
    const seq = document.querySelector(`[data-entry-id="${CSS.escape(String(data.corrects))}"]`)?.dataset.entrySeq;
    const note = document.createElement("span");
    note.className = "badge corrects-earlier";
    note.textContent = seq ? format(list.dataset.corrects, { seq }) : list.dataset.correctsEarlier;
    badges.push(note);
  }
  return badges;
}

function entryControls(entry) {
  const box = document.createElement("div");
  box.className = "row";
  if (entry.status === "rejected") {
    const edit = document.createElement("button");
    edit.type = "button"; edit.textContent = t("edit");
    edit.addEventListener("click", () => box.replaceWith(editForm(entry)));
    const again = document.createElement("button");
    again.type = "button"; again.className = "primary"; again.textContent = t("resend");
    again.addEventListener("click", () => resend(entry.seq));
    box.append(edit, again);
  }
  const drop = document.createElement("button");
  drop.type = "button"; drop.className = "danger"; drop.textContent = t("discard");
  drop.addEventListener("click", () => { if (confirm(t("discard_confirm"))) discard(entry.seq); });
  box.append(drop);
  return box;
}

function fieldControl(field, value, id) {
  const control = document.createElement(field.tag === "select" ? "select" : field.tag === "textarea" ? "textarea" : "input");
  control.id = id; control.name = field.name;
  if (field.tag === "input") control.type = field.type || "text";
  for (const [optionValue, text] of field.options || []) control.append(new Option(text, optionValue));
  control.value = value ?? "";
  return control;
}

/** Edit a refused change with the fields of the form it came from, then send it again. */
function editForm(entry) {
  const form = document.createElement("form");
  form.className = "stack";
  const fields = entry.fields || Object.entries(entry.data || {})
    .filter(([, value]) => ["string", "number"].includes(typeof value) || value === null)
    .map(([name, value]) => ({ name, label: name, tag: typeof value === "string" && value.length > 40 ? "textarea" : "input",
      type: "text", int: typeof value === "number", nullable: value === null, options: null }));
  for (const field of fields) {
    const wrap = document.createElement("div"); wrap.className = "field";
    const label = document.createElement("label");
    label.textContent = field.label; label.htmlFor = `edit-${entry.seq}-${field.name}`;
    wrap.append(label, fieldControl(field, entry.data?.[field.name], label.htmlFor));
    form.append(wrap);
  }
  if (entry.attachments?.length) form.append(photoChoices(entry));
  const save = document.createElement("button");
  save.type = "submit"; save.className = "primary"; save.textContent = t("resend");
  form.append(save);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = { ...entry.data };
    for (const field of fields) {
      const raw = form.elements.namedItem(field.name).value.trim();
      data[field.name] = field.int ? (raw === "" ? null : Number.parseInt(raw, 10)) : field.nullable && raw === "" ? null : raw;
    }
    const dropPhotos = [...form.querySelectorAll("input[data-drop-photo]:checked")].map((input) => input.value);
    resend(entry.seq, data, { dropPhotos });
  });
  return form;
}

/** The change's photos, each with a box to leave it out: a photo the server refuses (too large, not
 * an image) would be refused again, and leaving it out lets the note and the rest go through. */
function photoChoices(entry) {
  const box = document.createElement("fieldset");
  box.className = "field photo-choices";
  box.append(Object.assign(document.createElement("legend"), { textContent: t("photos") }));
  entry.attachments.forEach((sha256, i) => box.append(photoChoice(sha256, i + 1, entry.error?.sha256 === sha256)));
  return box;
}

function photoChoice(sha256, n, refused) {
  const label = document.createElement("label");
  label.className = `check${refused ? " has-error" : ""}`;
  const input = Object.assign(document.createElement("input"), { type: "checkbox", value: sha256 });
  input.dataset.dropPhoto = "";
  const img = Object.assign(document.createElement("img"), { alt: t("photo_n", { n }), width: 64, height: 64 });
  Object.assign(img.style, { objectFit: "cover", flex: "none", borderRadius: "6px" });
  get("blobs", sha256).then((row) => {
    if (!row) return; // uploaded already: nothing left on the phone to show
    img.src = URL.createObjectURL(row.blob);
    img.onload = () => URL.revokeObjectURL(img.src);
  });
  const text = document.createElement("span");
  text.textContent = refused ? `${t("remove_photo")} (${t("photo_refused")})` : t("remove_photo");
  label.append(input, img, text);
  return label;
}

async function renderPendingLists() {
  const lists = document.querySelectorAll("[data-outbox-list], [data-outbox-all]");
  if (!lists.length) return;
  const mine = await entries();
  for (const list of lists) {
    const type = list.dataset.outboxList;
    const shown = type ? mine.filter((e) => e.type === type) : mine;
    const controls = list.hasAttribute("data-outbox-all");
    list.replaceChildren(...shown.map((e) => pendingItem(e, { controls, list })));
    if (!shown.length && list.dataset.empty) {
      const li = document.createElement("li"); li.className = "empty"; li.textContent = list.dataset.empty;
      list.append(li);
    }
    const empty = document.getElementById("outbox-empty");
    if (controls && empty) empty.hidden = shown.length > 0;
  }
}

// --- offline-capable forms: write-ahead to the outbox, then send -------------------------------

function draftKey(form) { return `draft:${user}:${location.pathname}:${form.id || form.dataset.mutation}`; }

function saveDraft(form) {
  const values = {};
  for (const element of form.elements) {
    if (element.name && !element.name.startsWith("_") && element.type !== "hidden") values[element.name] = element.value;
  }
  localStorage.setItem(draftKey(form), JSON.stringify(values));
}

function restoreDraft(form) {
  const raw = localStorage.getItem(draftKey(form));
  if (!raw) return;
  for (const [name, value] of Object.entries(JSON.parse(raw))) {
    const element = form.elements.namedItem(name);
    if (element && "value" in element && !element.value) element.value = value;
  }
}

async function submitMutation(event) {
  const form = event.target.closest("form[data-mutation]");
  if (!form) return;
  event.preventDefault();
  if (!form.reportValidity()) return;
  if (!(await (await sender()).submit(form))) return;
  localStorage.removeItem(draftKey(form));
  for (const element of form.elements) {
    if (element.tagName === "TEXTAREA" || (element.tagName === "INPUT" && element.type === "text")) element.value = "";
  }
  cancelCorrection(form);
  await showPending();
}

// --- corrections on the duty log (D5) ------------------------------------------------------------

function startCorrection(button) {
  const form = document.querySelector("form[data-mutation]");
  if (!form) return;
  form.querySelector('[data-field="corrects"]').value = button.dataset.correct;
  form.querySelector("[data-correcting]").hidden = false;
  form.scrollIntoView({ behavior: "smooth" });
  form.querySelector("textarea")?.focus();
}

function cancelCorrection(form) {
  const field = form.querySelector('[data-field="corrects"]');
  if (field) field.value = "";
  const note = form.querySelector("[data-correcting]");
  if (note) note.hidden = true;
}

// --- service worker: registration, updates, per-user cache ---------------------------------------

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/", type: "module" });
  const offerUpdate = () => banner("update-banner", t("update"), {
    label: t("reload"),
    run: () => registration.waiting?.postMessage({ type: "SKIP_WAITING" }),
  });
  if (registration.waiting && navigator.serviceWorker.controller) offerUpdate();
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate();
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloading || !document.getElementById("update-banner")) return;
    reloading = true; location.reload();
  });
  // Cache the pages of the navigation now, so they open offline even if not visited yet; the worker
  // says when they are in (html[data-offline-ready="1"]: the browser tests wait for it before going offline).
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data?.type === "PAGES_CACHED") document.documentElement.dataset.offlineReady = "1";
  });
  const ready = await navigator.serviceWorker.ready;
  if (user) {
    // The navigation, and whatever a page says it needs offline (`data-cache-pages`: a JSON list).
    const urls = [...document.querySelectorAll(".tabbar a")].map((a) => a.getAttribute("href"));
    for (const element of document.querySelectorAll("[data-cache-pages]")) urls.push(...JSON.parse(element.dataset.cachePages));
    ready.active?.postMessage({ type: "CACHE_PAGES", user, urls });
  } else {
    document.documentElement.dataset.offlineReady = "1"; // nobody signed in: no pages of theirs to keep
  }
}

/** A page marked `data-keep-fresh` (the duty log) has its offline copy fetched again after a sync, so
 * that reloaded without signal it shows what was synced, not the page as it was first opened. */
async function keepFreshCopy() {
  if (!user || !navigator.onLine || !document.querySelector("[data-keep-fresh]")) return;
  const registration = await navigator.serviceWorker?.ready;
  registration?.active?.postMessage({ type: "CACHE_PAGES", user, urls: [location.pathname + location.search], force: true });
}

async function askPersistentStorage() {
  if (!navigator.storage?.persist) return;
  let persisted = await navigator.storage.persisted();
  if (!persisted && user) persisted = await navigator.storage.persist();
  const status = document.getElementById("storage-status");
  if (status) status.textContent = persisted ? "✔" : t("persist_refused");
  if (!persisted && user && !sessionStorage.getItem("persist-banner-shown")) {
    sessionStorage.setItem("persist-banner-shown", "1");
    banner("persist-banner", t("persist_refused"), {
      label: "×", run: () => document.getElementById("persist-banner")?.remove(),
    });
  }
}

async function beforeLogout(event) {
  const form = event.target.closest("form[data-logout]");
  if (!form) return;
  event.preventDefault(); // before any await, or the browser submits at once
  const count = await pendingCount().catch(() => 0);
  if (count > 0 && !confirm(t("logout_pending", { n: count }))) return;
  // Per-user page cache: nobody signing in after this person sees their pages.
  const keys = await caches.keys();
  await Promise.all(keys.filter((k) => k.startsWith("pages-")).map((k) => caches.delete(k)));
  await setMeta("user", null);
  form.submit();
}

// --- wiring --------------------------------------------------------------------------------------

document.addEventListener("submit", (event) => {
  if (event.target.matches("form[data-logout]")) return beforeLogout(event);
  if (event.target.matches("form[data-mutation]")) return submitMutation(event);
});
document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-correct], [data-cancel-correction], [data-print], #sync-now");
  if (!target) return;
  if (target.matches("[data-correct]")) startCorrection(target);
  else if (target.matches("[data-cancel-correction]")) cancelCorrection(target.closest("form"));
  else if (target.matches("[data-print]")) window.print();
  else if (target.id === "sync-now") flush({ force: true });
});
// A field marked data-autosubmit sends its (GET) form when changed: the day pickers of the duty log
// and the patrol review (the CSP allows no inline onchange handler).
document.addEventListener("change", (event) => {
  const field = event.target.closest?.("[data-autosubmit]");
  if (field && field.form) field.form.submit();
});
document.addEventListener("input", (event) => {
  const form = event.target.closest?.("form[data-mutation]");
  if (form) saveDraft(form);
});

onOutboxEvent(async (event) => {
  await showPending();
  if (event.type === "synced") {
    document.body.dispatchEvent(new CustomEvent("outbox:synced", { bubbles: true }));
    keepFreshCopy();
  }
  if (event.type === "rejected") (await sender()).announce("refused", event.error ? { error: event.error } : null);
  if (event.type === "auth") banner("auth-banner", t("sign_in_again"), { label: t("sign_in"), run: () => { location.href = "/login?next=" + encodeURIComponent(location.pathname); } });
});
window.addEventListener("online", () => { showNetwork(); flush({ force: true }); });
window.addEventListener("offline", showNetwork);

async function start() {
  showNetwork();
  await rememberUser();
  for (const form of document.querySelectorAll("form[data-mutation]")) restoreDraft(form);
  await showPending();
  if (user) {
    flush();
    setInterval(async () => { if (navigator.onLine && (await pendingCount()) > 0) flush(); }, TIMER_MS);
  }
  askPersistentStorage();
  registerWorker().catch((error) => console.warn("service worker", error));
  performance.mark("app-ready"); // navigation start → usable, read by tests/perf
  document.documentElement.dataset.ready = "1"; // tests and the perf bench wait for this
}

start();
