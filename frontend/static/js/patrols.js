// Walking a patrol round on the phone (SPEC P1–P5, D9), offline end to end; photo checks on the
// nonconformance pages.
//
// The walk page is the same for every round of a route (the service worker caches it), so the round
// lives on this phone until it syncs: its id is made here and kept in localStorage with the
// checkpoints visited and the checks recorded, and every change goes through the write-ahead outbox
// (outbox.js) in order: start → visits → findings → nonconformances → finish.

import { entries, onOutboxEvent, uuid } from "./outbox.js";
import { NotAnImage, storePhotos } from "./photos.js";
import { setupScanner } from "./scanner.js";
import { submit } from "./submit.js";
import { flash, translator } from "./ui.js";

const t = translator("patrol-strings");
const MB = 1024 * 1024;

// --- messages beside fields ----------------------------------------------------------------------

function errorBox(input) {
  const id = (input.getAttribute("aria-describedby") || "").split(" ").find((x) => x.startsWith("e-"));
  return id ? document.getElementById(id) : null;
}

function showError(input, message) {
  const box = errorBox(input);
  if (box) { box.textContent = message; box.hidden = !message; }
  input.closest(".field")?.classList.toggle("has-error", Boolean(message));
  if (message) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
  return !message;
}

/** Photos are checked when chosen: photos only, not too many, not absurdly large (before resizing). */
export function validatePhotos(input) {
  const max = Number(input.dataset.max || 4);
  const maxBytes = Number(input.dataset.maxBytes || 0);
  let message = "";
  const files = [...(input.files || [])];
  if (files.length > max) message = t("too_many_photos", { n: max });
  for (const file of files) {
    if (message) break;
    if (!file.type.startsWith("image/")) message = t("not_an_image");
    else if (maxBytes && file.size > maxBytes) {
      message = t("photo_too_large", { mb: (file.size / MB).toFixed(1), max: Math.round(maxBytes / MB) });
    }
  }
  input.setCustomValidity(message); // app.js checks validity before queueing (nonconformance pages)
  return showError(input, message);
}

document.addEventListener("change", (event) => {
  if (event.target.matches?.("input[type=file][data-photos]")) validatePhotos(event.target);
});

// A refused state change (e.g. a stale rectify): show the item as it is now (htmx: `patrols:refresh`).
onOutboxEvent((event) => {
  if (event.type === "rejected" && event.entry?.type?.startsWith("nonconformance.")) {
    document.body.dispatchEvent(new CustomEvent("patrols:refresh", { bubbles: true }));
  }
});

// --- the walk page -------------------------------------------------------------------------------

// One walk per page: what the page says about its route, and the round as this phone keeps it.
const walk = document.getElementById("walk");
const $ = (selector) => walk.querySelector(selector);
let routeId, routeName, key, deadlineDays, tz, forms, checkpoints, byId;
let state = null;
let current = null; // the checkpoint whose check is being recorded
let currentFinding = null; // the failed check being raised as a nonconformance

function startWalk() {
  readRoute();
  state = load();
  wireWalk();
  forms.finding.hidden = true;
  render().then(() => {
    walk.dataset.ready = "1";
    openScannedCode();
  });
  startScanner();
}

function readRoute() {
  const user = document.body.dataset.user || "";
  routeId = walk.dataset.routeId;
  routeName = walk.dataset.routeName;
  key = `kfzx-patrol:${user}:${routeId}`;
  deadlineDays = JSON.parse(walk.dataset.deadlineDays || "{}");
  tz = walk.dataset.tz || undefined;
  forms = {
    start: $("#start-form"), visit: $("#visit-form"), finding: $("#finding-form"),
    nc: $("#nc-form"), finish: $("#finish-form"),
  };
  checkpoints = [...walk.querySelectorAll("li.checkpoint")].map((li) => ({
    id: li.dataset.checkpointId, name: li.dataset.name, hash: li.dataset.codeHash, li,
  }));
  byId = new Map(checkpoints.map((cp) => [cp.id, cp]));
}

/** Opened from a QR code scanned by the phone's own camera: …/walk#code=CODE confirms it at once. */
function openScannedCode() {
  const match = /^#code=([A-Za-z0-9-]+)$/.exec(location.hash);
  if (!match) return;
  history.replaceState(null, "", location.pathname + location.search);
  forms.visit.elements.code.value = match[1];
  if (state && !state.finished_at) visit(forms.visit, "scan");
}

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(key) || "null");
    if (saved) return saved;
  } catch { /* unreadable: start afresh */ }
  const serverRound = walk.dataset.serverRound;
  if (!serverRound) return null; // a round started by the plain form (no JavaScript) is adopted
  const visits = {};
  for (const li of walk.querySelectorAll("li.checkpoint.visited")) visits[li.dataset.checkpointId] = { at: null, method: "typed" };
  return { round_id: serverRound, started_at: null, visits, findings: [], finished_at: null, skipped: [] };
}

function save() {
  if (state) localStorage.setItem(key, JSON.stringify(state));
  else localStorage.removeItem(key);
}

const hm = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", timeZone: tz }) : "");
const now = () => new Date().toISOString();
const intOrNull = (value) => (value === "" || value == null ? null : Number.parseInt(value, 10));
const skippedNames = () => checkpoints.filter((cp) => !state?.visits[cp.id]).map((cp) => cp.name);

async function render() {
  const pending = new Set((await entries().catch(() => [])).map((e) => e.id));
  const phase = !state ? "idle" : state.finished_at ? "finished" : "active";
  renderPhase(phase);
  for (const cp of checkpoints) renderCheckpoint(cp, phase, pending);
  renderSkipped(phase);
}

function renderPhase(phase) {
  walk.dataset.phase = phase;
  $("#round-idle").hidden = phase !== "idle";
  $("#round-active").hidden = phase !== "active";
  forms.finish.hidden = phase !== "active";
  $("#round-finished").hidden = phase !== "finished";
  if (phase !== "active") { forms.finding.hidden = true; forms.nc.hidden = true; }
  for (const field of walk.querySelectorAll("[data-round-field]")) field.value = state?.round_id || "";
  walk.dataset.roundId = state?.round_id || "";
  if (state) {
    $("[data-started]").textContent = hm(state.started_at);
    $("[data-visited-count]").textContent = String(Object.keys(state.visits).length);
    $("[data-finding-count]").textContent = String(state.findings.length);
  }
}

function renderCheckpoint(cp, phase, pending) {
  const visit = state?.visits[cp.id];
  cp.li.classList.toggle("visited", Boolean(visit));
  const status = cp.li.querySelector("[data-cp-status]");
  status.textContent = !visit ? t("not_visited")
    : t(pending.has(visit.id) ? "visited_pending" : "visited", { time: hm(visit.at) }) +
      (visit.method === "scan" ? ` · ${t("scanned")}` : "");
  status.classList.toggle("ok", Boolean(visit));
  cp.li.querySelector("[data-record]").hidden = phase !== "active" || !visit;
  const list = cp.li.querySelector("[data-cp-findings]");
  list.replaceChildren(...(state?.findings || []).filter((f) => f.cp === cp.id).map((f) => findingItem(f, pending)));
}

function renderSkipped(phase) {
  const skipped = skippedNames();
  $("[data-skipped-text]").textContent = skipped.length ? t("skipped_some", { n: skipped.length }) : t("skipped_none");
  $("[data-skipped-list]").replaceChildren(...skipped.map((name) => Object.assign(document.createElement("li"), { textContent: name })));
  if (phase === "finished") {
    $("[data-finished]").textContent = hm(state.finished_at);
    const names = state.skipped || [];
    $("[data-finished-skipped]").textContent = names.length
      ? `${t("skipped_some", { n: names.length })} ${names.join("、")}` : t("skipped_none");
  }
}

function findingItem(finding, pending) {
  const li = document.createElement("li");
  li.className = `finding ${finding.result}`;
  li.dataset.findingId = finding.id;
  const mark = finding.result === "fail" ? `✗ ${t("finding_fail")}` : `✓ ${t("finding_pass")}`;
  let text = `${mark}: ${finding.what}`;
  if (finding.note && finding.note !== finding.what) text += ` — ${finding.note}`;
  if (finding.photos) text += ` · ${t("photos_n", { n: finding.photos })}`;
  if (finding.nc) text += ` · ${t("nc_raised", { department: finding.nc.name })}`;
  if (pending.has(finding.id)) text += ` · ${t("waiting")}`;
  li.textContent = text;
  return li;
}

/** Through the one submit (stored, then sent; the outcome is announced there). Resolves once the
 * change is stored, not when it is sent: the next code can be confirmed while a slow network is
 * still sending the last one. Null if it could not be stored. */
const queue = (type, data, options = {}) => submit({ type, data, ...options });

// --- start --------------------------------------------------------------------------------------

async function startRound(form) {
  const id = uuid();
  const data = {
    route_id: Number.parseInt(routeId, 10),
    task_id: intOrNull(form.elements.namedItem("task_id")?.value ?? ""),
    subject_staff_id: intOrNull(form.elements.namedItem("subject_staff_id")?.value ?? ""),
  };
  if (!(await queue("patrol_round.start", data, { id, label: t("start_label", { route: routeName }) }))) return;
  state = { round_id: id, started_at: now(), visits: {}, findings: [], finished_at: null, skipped: [] };
  save();
  await render();
  forms.visit.elements.code.focus();
}

// --- confirming a checkpoint ---------------------------------------------------------------------

function normaliseCode(value) {
  let code = String(value || "").trim().replace(/\/+$/, "");
  if (code.includes("/")) code = code.slice(code.lastIndexOf("/") + 1); // a scanned URL: …/patrols/c/CODE
  return code.replace(/[\s-]/g, "").toUpperCase();
}

async function sha256(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The checkpoint of this route with this code. The page holds hashes, not the codes. */
async function findCheckpoint(code) {
  if (!crypto?.subtle) return null;
  for (const cp of checkpoints) if ((await sha256(`${cp.id}:${code}`)) === cp.hash) return cp;
  return null;
}

async function visit(form, method = "typed") {
  const input = form.elements.code;
  const code = normaliseCode(input.value);
  showError(input, "");
  if (!state) return false;
  if (!code) return showError(input, t("code_required"));
  const cp = await findCheckpoint(code);
  if (!cp) return showError(input, t("code_not_on_route", { code }));
  input.value = "";
  const earlier = state.visits[cp.id];
  if (earlier) {
    flash(t("already_visited", { time: hm(earlier.at) }));
    return openFinding(cp);
  }
  const id = uuid();
  const label = t("visited_label", { name: cp.name });
  if (!(await queue("checkpoint.visit", { round_id: state.round_id, code, method }, { id, label }))) return false;
  state.visits[cp.id] = { id, at: now(), method };
  save();
  // Stay at the code field for the next checkpoint; offer the way to record a check here.
  const arrived = form.querySelector("[data-arrived]");
  arrived.querySelector("[data-arrived-text]").textContent = t("visited_label", { name: cp.name });
  arrived.querySelector("[data-record]").dataset.record = cp.id;
  arrived.hidden = false;
  await render();
}

function startScanner() {
  return setupScanner({
    button: walk.querySelector("[data-scan]"),
    box: walk.querySelector("[data-scanner]"),
    video: walk.querySelector("[data-scan-video]"),
    stopButton: walk.querySelector("[data-scan-stop]"),
    onCode: async (code) => { forms.visit.elements.code.value = code; await visit(forms.visit, "scan"); },
    onFail: () => flash(t("scan_failed"), "error"),
  });
}

// --- recording a check ---------------------------------------------------------------------------

function openFinding(cp) {
  current = cp;
  const form = forms.finding;
  form.reset();
  for (const input of form.querySelectorAll("[aria-describedby]")) showError(input, "");
  form.elements.checkpoint_id.value = cp.id;
  form.querySelector("[data-finding-title]").textContent = cp.name;
  const select = form.elements.check_item_id;
  for (const group of select.querySelectorAll("optgroup")) {
    const mine = group.dataset.checkpoint === cp.id;
    group.hidden = !mine; group.disabled = !mine;
  }
  const first = select.querySelector(`optgroup[data-checkpoint="${cp.id}"] option`);
  select.value = first ? first.value : "";
  cp.li.append(form);
  form.hidden = false;
  forms.nc.hidden = true;
  form.scrollIntoView({ block: "start" });
}

/** Back to the code field once a checkpoint's checks are recorded. */
function backToCodes() {
  forms.visit.querySelector("[data-arrived]").hidden = true;
  forms.visit.scrollIntoView({ block: "start" });
}

async function saveFinding(form) {
  const cp = current;
  if (!cp) return;
  const check = readCheck(form);
  if (!check) return;
  const photos = await storeCheckPhotos(form.elements.photos);
  if (!photos) return;
  const { result, itemId, note, what, department } = check;
  const id = uuid();
  const data = {
    round_id: state.round_id, result, checkpoint_id: Number.parseInt(cp.id, 10), check_item_id: itemId,
    note, photos, location: form.elements.location.value.trim(),
  };
  const label = t(result === "fail" ? "finding_label_fail" : "finding_label_pass", { what: note ? `${what} — ${note}` : what });
  if (!(await queue("finding.create", data, { id, attachments: photos, label, fields: findingFields(form) }))) return;
  const finding = { id, cp: cp.id, what, result, note, photos: photos.length, nc: null, department };
  state.findings.push(finding);
  save();
  form.reset();
  form.hidden = true;
  if (result === "fail") openNonconformance(finding);
  else backToCodes();
  await render();
}

/** The check as typed, or null with the reason shown beside its field (P2: a failure says what is wrong). */
function readCheck(form) {
  const note = form.elements.note.value.trim();
  const result = form.elements.result.value;
  const select = form.elements.check_item_id;
  const itemId = intOrNull(select.value);
  const photoInput = form.elements.photos;
  showError(form.elements.note, "");
  if (!result) { form.querySelector("input[name=result]").reportValidity(); return null; }
  const problem = itemId === null && !note ? t("note_required")
    : result === "fail" && !note && !photoInput.files.length ? t("fail_needs_note") : "";
  if (problem) { showError(form.elements.note, problem); return null; }
  if (!validatePhotos(photoInput)) return null;
  const option = select.selectedOptions[0];
  return {
    note, result, itemId,
    what: itemId === null ? t("other") : option.textContent.trim(),
    department: itemId === null ? "customer_service" : option.dataset.department,
  };
}

/** The check's photos, resized and stored (their SHA-256 names), or null with the reason shown. */
async function storeCheckPhotos(input) {
  try {
    return await storePhotos(input);
  } catch (error) {
    showError(input, error instanceof NotAnImage ? t("not_an_image")
      : error instanceof RangeError ? t("too_many_photos", { n: error.message }) : String(error));
    return null;
  }
}

/** What the outbox page may edit if the server refuses the check (not the round, checkpoint or item). */
function findingFields(form) {
  const label = (name) => form.querySelector(`label[for="${form.elements[name].id}"]`)?.textContent.trim() || name;
  return [
    { name: "note", label: label("note"), tag: "textarea", type: "", int: false, nullable: false, options: null },
    { name: "location", label: label("location"), tag: "input", type: "text", int: false, nullable: false, options: null },
  ];
}

// --- raising a nonconformance (P3) ---------------------------------------------------------------

function deadlineFor(department) {
  const day = new Date(`${walk.dataset.today}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + Number(deadlineDays[department] ?? 1));
  return day.toISOString().slice(0, 10);
}

function openNonconformance(finding) {
  currentFinding = finding;
  const form = forms.nc;
  form.elements.finding_id.value = finding.id;
  form.elements.department.value = finding.department || "customer_service";
  form.elements.deadline.value = deadlineFor(form.elements.department.value);
  form.querySelector("[data-nc-what]").textContent = finding.note ? `${finding.what} — ${finding.note}` : finding.what;
  byId.get(finding.cp)?.li.append(form);
  form.hidden = false;
  form.scrollIntoView({ block: "start" });
}

async function raise(form) {
  const finding = currentFinding;
  if (!finding) return;
  const department = form.elements.department.value;
  const name = form.elements.department.selectedOptions[0].textContent.trim();
  const data = { finding_id: finding.id, department, deadline: form.elements.deadline.value || null };
  if (!(await queue("nonconformance.create", data, { label: t("nc_label", { department: name, what: finding.what }) }))) return;
  finding.nc = { department, name };
  state.findings = state.findings.map((f) => (f.id === finding.id ? finding : f));
  save();
  form.hidden = true;
  currentFinding = null;
  backToCodes();
  await render();
}

// --- finishing -----------------------------------------------------------------------------------

async function finishRound(form) {
  const note = form.elements.note.value.trim();
  if (!(await queue("patrol_round.finish", { round_id: state.round_id, note }, { label: t("finish_label", { route: routeName }) }))) return;
  state.finished_at = now();
  state.skipped = skippedNames();
  save();
  form.reset();
  await render();
  $("#round-finished").scrollIntoView({ block: "start" });
  forms.visit.querySelector("[data-arrived]").hidden = true;
}

// --- wiring --------------------------------------------------------------------------------------

const handlers = { start: startRound, visit, finding: saveFinding, nonconformance: raise, finish: finishRound };
const busy = new WeakSet();

async function onSubmit(event) {
  const form = event.target.closest("form[data-patrol]");
  if (!form) return;
  event.preventDefault(); // the plain POST is the fallback without JavaScript
  if (busy.has(form)) return; // a double tap queues nothing twice
  busy.add(form);
  try {
    await handlers[form.dataset.patrol](form);
  } catch (error) {
    flash(String(error), "error");
  } finally {
    busy.delete(form);
  }
}

function onClick(event) {
  const target = event.target.closest("[data-record], [data-finding-cancel], [data-nc-skip], [data-new-round]");
  if (!target) return;
  if (target.matches("[data-record]")) openFinding(byId.get(target.dataset.record));
  else if (target.matches("[data-finding-cancel]")) { forms.finding.hidden = true; backToCodes(); }
  else if (target.matches("[data-nc-skip]")) { forms.nc.hidden = true; currentFinding = null; backToCodes(); }
  else if (target.matches("[data-new-round]")) { state = null; save(); render(); }
}

function wireWalk() {
  walk.addEventListener("submit", onSubmit);
  walk.addEventListener("click", onClick);
  forms.nc.elements.department.addEventListener("change", (event) => {
    forms.nc.elements.deadline.value = deadlineFor(event.target.value);
  });
  onOutboxEvent(() => { render(); });
}

if (walk) startWalk();
