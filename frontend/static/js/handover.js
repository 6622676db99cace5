// The handover page (SPEC H1–H7, D10): the outgoing prepares, the incoming takes over or refuses, both
// sign — on one phone, offline. Each step is a mutation in the write-ahead outbox (handover.submit,
// handover.accept, handover.refuse), like every other record; the page shows the step that follows
// from the server's state and this phone's unsynced changes. A PIN or password is never stored: it is
// encrypted to the server's handover key the moment it is typed (see docs/handover.md).

import { entries, onOutboxEvent, uuid } from "./outbox.js";
import { submit } from "./submit.js";
import { format as fill, strings } from "./ui.js";

const prepareForm = document.getElementById("prepare-form");
const takeoverForm = document.getElementById("takeover-form");
const countersignForm = document.getElementById("countersign-form");
const S = strings("handover-strings");
let state = JSON.parse(document.getElementById("handover-state")?.textContent || "{}");
const user = document.body.dataset.user || "";
const CONTEXT = new TextEncoder().encode("kfzx-handover-signature-v1");

// What this page saw during its life, so that a change that just synced is not shown as undone
// before the server's fresh state arrives.
const session = { submits: new Map(), decided: new Set(), outcome: null };

// --- shifts (a port of app.duty.service.shift_of; the phone is in the office's time zone) -------------

const minutes = (v) => { const [h, m] = v.split(":").map(Number); return h * 60 + m; };
const pad = (n) => String(n).padStart(2, "0");
const ymd = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const localInput = (d) => `${ymd(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
const ordered = () => [...(state.shifts || [])].sort((a, b) => minutes(a.start) - minutes(b.start));
const shiftName = (code) => (state.shifts || []).find((s) => s.code === code)?.name || code;
const shiftLabel = (day, code) => `${day} ${shiftName(code)}`;
const addDays = (day, n) => { const d = new Date(`${day}T12:00`); d.setDate(d.getDate() + n); return ymd(d); };

function currentShift(now = new Date()) {
  const t = now.getHours() * 60 + now.getMinutes();
  for (const s of state.shifts || []) {
    const a = minutes(s.start), b = minutes(s.end);
    if (a <= b && a <= t && t < b) return [ymd(now), s.code];
    if (a > b && (t >= a || t < b)) return [t >= a ? ymd(now) : addDays(ymd(now), -1), s.code];
  }
  const last = ordered().filter((s) => minutes(s.start) <= t).pop(); // between shifts: the last one
  return last ? [ymd(now), last.code] : [addDays(ymd(now), -1), ordered().pop()?.code];
}

function previousShift([day, code]) {
  const codes = ordered().map((s) => s.code);
  const i = codes.indexOf(code);
  return i > 0 ? [day, codes[i - 1]] : [addDays(day, -1), codes[codes.length - 1]];
}

/** The shift options: the current and the previous one by this phone's clock (a cached page may be old). */
function refreshShiftOptions() {
  const select = prepareForm?.elements.namedItem("shift");
  if (!select || !state.shifts?.length) return;
  const current = currentShift();
  const wanted = [previousShift(current), current].map(([d, c]) => `${d}|${c}`);
  const have = [...select.options].map((o) => o.value);
  if (wanted.every((k) => have.includes(k))) return;
  const chosen = select.value;
  select.replaceChildren(...wanted.map((key) => {
    const option = document.createElement("option");
    option.value = key; option.textContent = shiftLabel(...key.split("|"));
    return option;
  }));
  select.value = wanted.includes(chosen) ? chosen : wanted[1];
}

/** Who takes over after a shift: the first later shift the roster names someone for. */
function incomingAfter(day, code) {
  const list = state.upcoming || [];
  const i = list.findIndex((u) => u.date === day && u.code === code);
  const next = i < 0 ? null : list.slice(i + 1).find((u) => u.staff.length);
  return next ? { id: next.staff[0].id, label: shiftLabel(next.date, next.code) } : { id: "", label: "?" };
}

// --- reading the forms ------------------------------------------------------------------------------------

function field(form, name) { return form.elements.namedItem(name); }
function value(form, name) {
  const el = field(form, name);
  if (!el) return undefined;
  return el.type === "checkbox" ? el.checked : String(el.value || "").trim();
}
const asCount = (v) => (/^\d+$/.test(v) ? Number(v) : v);
const isoOf = (v) => { const d = new Date(v); return Number.isNaN(d.getTime()) ? v : d.toISOString(); };

// H1: a tap records the moment itself (to the second); a time typed or changed by hand is marked typed.
function tapNow(button) {
  const form = button.form, name = button.dataset.tapNow, input = field(form, name), flag = field(form, button.dataset.flag);
  const now = new Date();
  input.value = localInput(now);
  input.dataset.tappedIso = now.toISOString();
  input.dataset.tappedValue = input.value;
  if (flag) flag.value = "0";
  button.closest(".field")?.querySelector("[data-tapped-note]")?.removeAttribute("hidden");
}
function timeOf(form, name, flagName) {
  const input = field(form, name), flag = field(form, flagName);
  const tapped = input?.dataset.tappedIso && input.value === input.dataset.tappedValue;
  if (flag) flag.value = tapped ? "0" : "1";
  return { at: tapped ? input.dataset.tappedIso : isoOf(value(form, name)), typed: !tapped };
}

function inventory(form, prefix, skipEmpty) {
  const rows = [];
  for (let i = 0; field(form, `${prefix}_item_${i}`); i++) {
    const count = value(form, `${prefix}_count_${i}`), note = value(form, `${prefix}_note_${i}`);
    if (skipEmpty && count === "" && !note) continue;
    rows.push({ item: field(form, `${prefix}_item_${i}`).value, count: asCount(count), damaged: !!value(form, `${prefix}_damaged_${i}`), note });
  }
  return rows;
}

function pairs(form, prefix, first, second, [a, b]) {
  const rows = [];
  for (let i = 0; field(form, `${prefix}_${first}_${i}`); i++) {
    const x = value(form, `${prefix}_${first}_${i}`), y = value(form, `${prefix}_${second}_${i}`);
    if (x || y) rows.push({ [a]: x, [b]: y });
  }
  return rows;
}

function submitData(form) {
  const [shiftDate, shiftCode] = value(form, "shift").split("|");
  return {
    handover_id: value(form, "id"),
    shift_date: shiftDate,
    shift_code: shiftCode,
    desk_tidied_at: timeOf(form, "desk_tidied_at", "tidied_typed").at,
    tidied_typed: timeOf(form, "desk_tidied_at", "tidied_typed").typed,
    work_done: value(form, "work_done"),
    inventory: inventory(form, "inv", false),
    open_items: pairs(form, "item", "text", "major", ["text", "major_repair"])
      .filter((r) => r.text).map((r) => ({ text: r.text, major_repair: !!r.major_repair })),
    anomalies: pairs(form, "anomaly", "text", "expl", ["text", "explanation"]),
    note: value(form, "note"),
  };
}

// --- signatures (H7): the secret is encrypted to the server's key at once, never stored ------------

const b64 = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const unb64 = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

async function seal(payload) {
  if (!self.crypto?.subtle) throw new Error(S.no_crypto);
  const subtle = self.crypto.subtle;
  const server = await subtle.importKey("raw", unb64(state.sign_key), { name: "ECDH", namedCurve: "P-256" }, false, []);
  const mine = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
  const shared = await subtle.deriveBits({ name: "ECDH", public: server }, mine.privateKey, 256);
  const point = new Uint8Array(await subtle.exportKey("raw", mine.publicKey));
  const hkdf = await subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
  const key = await subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: point, info: CONTEXT }, hkdf,
    { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
  const iv = self.crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(payload));
  const sealed = new Uint8Array(await subtle.encrypt({ name: "AES-GCM", iv, additionalData: CONTEXT }, key, plain));
  return ["v1", b64(point), b64(iv), b64(sealed)].join(".");
}

async function signature(role, staffId, secret, handoverId, mutationId, previous) {
  if (!secret && previous && previous.staff_id === staffId) return previous; // re-sent as it was signed
  const proof = await seal({ p: secret, h: handoverId, r: role, s: staffId, m: mutationId });
  return { staff_id: staffId, proof };
}

// --- messages beside the fields ------------------------------------------------------------------------

function notice(text, kind = "") {
  const box = document.getElementById("handover-notice");
  if (!box) return;
  box.hidden = !text; box.textContent = text || "";
  box.className = `notice ${kind}`.trim();
}

function clearErrors() {
  for (const el of document.querySelectorAll("[data-js-error]")) el.remove();
  for (const el of document.querySelectorAll("[data-js-invalid]")) { el.removeAttribute("aria-invalid"); el.removeAttribute("data-js-invalid"); }
}

function fieldError(form, name, message) {
  let el = name ? form.elements.namedItem(name) : null;
  if (el && !(el instanceof Element)) el = el[0]; // a group of checkboxes
  const small = document.createElement("small");
  small.className = "error"; small.setAttribute("role", "alert"); small.dataset.jsError = "";
  small.textContent = message;
  if (!el) { form.querySelector("[data-form-error]")?.append(small); return; }
  el.setAttribute("aria-invalid", "true"); el.dataset.jsInvalid = "";
  (el.closest(".field, .inventory-row, fieldset, .check") || el.parentElement).append(small);
  el.focus?.({ preventScroll: false });
}

// --- showing the steps -------------------------------------------------------------------------------------

function show(step) {
  document.getElementById("prepare").hidden = step !== "prepare";
  document.getElementById("takeover").hidden = step !== "takeover";
  const countersign = document.getElementById("countersign");
  if (countersign) countersign.hidden = step !== "countersign";
}

/** H7 on two phones: the incoming signed on theirs; the outgoing signs here to complete it. */
function showCountersign(pending) {
  show("countersign");
  const form = countersignForm;
  if (form.dataset.for !== pending.id) {
    form.reset();
    form.dataset.for = pending.id;
    field(form, "mid").value = uuid();
  }
  form.action = `/handover/${pending.id}/countersign`;
  field(form, "handover_id").value = pending.id;
  for (const el of form.querySelectorAll("[data-pending-field]")) el.textContent = pending[el.dataset.pendingField] ?? "";
}

function personName(id) { return (state.people || []).find((p) => p.id === Number(id))?.name || ""; }

function fromLocal(data) {
  const next = incomingAfter(data.shift_date, data.shift_code);
  const tidied = new Date(data.desk_tidied_at);
  return {
    id: data.handover_id,
    shift_date: data.shift_date,
    shift_code: data.shift_code,
    from_label: shiftLabel(data.shift_date, data.shift_code),
    to_label: next.label,
    outgoing_id: Number(user),
    outgoing_name: personName(user),
    desk_tidied_local: Number.isNaN(tidied.getTime()) ? "" : `${pad(tidied.getHours())}:${pad(tidied.getMinutes())}`,
    inventory: data.inventory, open_items: data.open_items, anomalies: data.anomalies, note: data.note,
    incoming_default: next.id,
  };
}

function listItems(target, rows, render) {
  target.replaceChildren(...rows.map((row) => { const li = document.createElement("li"); li.textContent = render(row); return li; }));
}

function showTakeover(pending) {
  show("takeover");
  const form = takeoverForm;
  if (form.dataset.for !== pending.id) {
    form.reset();
    form.dataset.for = pending.id;
    field(form, "mid").value = uuid();
    restoreDraft(form);
    setDefaultTimes(form);
  }
  form.action = `/handover/${pending.id}/decide`;
  field(form, "handover_id").value = pending.id;
  for (const el of document.querySelectorAll("[data-pending-field]")) el.textContent = pending[el.dataset.pendingField] ?? "";
  const lists = document.querySelectorAll("[data-pending-list]");
  for (const el of lists) {
    if (el.dataset.pendingList === "open_items") listItems(el, pending.open_items || [], (r) => (r.major_repair ? "⚠ " : "") + r.text);
    else listItems(el, pending.anomalies || [], (r) => `${r.text} — ${r.explanation}`);
  }
  // H5: an unfinished major repair blocks acceptance (重大维修未完不接); refusing stays possible.
  const major = (pending.open_items || []).some((r) => r.major_repair);
  document.querySelector("[data-major-block]")?.toggleAttribute("hidden", !major);
  const accept = form.querySelector("[data-accept]");
  if (accept) accept.disabled = major;
  if (major) { const box = form.querySelector('[name="reasons"][value="major_repair_unfinished"]'); if (box) box.checked = true; }
  const counts = new Map((pending.inventory || []).map((r) => [r.item, r]));
  for (const el of document.querySelectorAll("[data-out-count]")) {
    const r = counts.get(el.dataset.outCount);
    el.textContent = r ? [fill(S.outgoing_count, { n: r.count }), r.note].filter(Boolean).join(" · ") : "";
  }
  for (const section of document.querySelectorAll("[data-log-for]")) {
    section.hidden = section.dataset.logFor !== `${pending.shift_date}|${pending.shift_code}`;
  }
  const incoming = field(form, "incoming");
  if (!incoming.value && pending.incoming_default) incoming.value = String(pending.incoming_default);
}

function showPrepare() {
  show("prepare");
  const id = field(prepareForm, "id");
  if (!id.value || session.submits.has(id.value)) id.value = uuid();
  refreshShiftOptions();
  setDefaultTimes(prepareForm);
}

function fillForm(form, data, kind) {
  const set = (name, v) => { const el = field(form, name); if (!el) return; if (el.type === "checkbox") el.checked = !!v; else el.value = v ?? ""; };
  const local = (iso) => { const d = new Date(iso); return Number.isNaN(d.getTime()) ? "" : localInput(d); };
  const prefix = kind === "submit" ? "inv" : "rc";
  for (let i = 0; field(form, `${prefix}_item_${i}`); i++) {
    const row = (data.inventory || []).find((r) => r.item === field(form, `${prefix}_item_${i}`).value);
    set(`${prefix}_count_${i}`, row ? row.count : ""); set(`${prefix}_damaged_${i}`, row?.damaged); set(`${prefix}_note_${i}`, row?.note);
  }
  set("note", data.note);
  if (kind === "submit") {
    set("id", data.handover_id);
    refreshShiftOptions();
    set("shift", `${data.shift_date}|${data.shift_code}`);
    set("desk_tidied_at", local(data.desk_tidied_at)); set("work_done", data.work_done);
    (data.open_items || []).forEach((r, i) => { ensureRow(form, "item", i); set(`item_text_${i}`, r.text); set(`item_major_${i}`, r.major_repair); });
    (data.anomalies || []).forEach((r, i) => { ensureRow(form, "anomaly", i); set(`anomaly_text_${i}`, r.text); set(`anomaly_expl_${i}`, r.explanation); });
  } else {
    set("arrived_at", local(data.arrived_at)); set("log_read", data.log_read);
    set("incoming", String(data.incoming?.staff_id ?? ""));
    for (const box of form.querySelectorAll("input[name=reasons]")) box.checked = (data.reasons || []).includes(box.value);
    (data.anomalies || []).forEach((r, i) => { ensureRow(form, "found", i); set(`found_text_${i}`, r.text); set(`found_expl_${i}`, r.explanation); });
  }
}

let rendering = Promise.resolve();
function render() { rendering = rendering.then(renderNow, renderNow); return rendering; }

async function renderNow() {
  if (!prepareForm || !takeoverForm) return;
  const mine = (await entries()).filter((e) => e.type.startsWith("handover."));
  const inOutbox = new Set();
  for (const e of mine) {
    if (e.type === "handover.submit") { session.submits.set(e.data.handover_id, e.data); inOutbox.add(e.data.handover_id); }
    else session.decided.add(e.data.handover_id);
  }
  clearErrors();
  const rejected = mine.find((e) => e.status === "rejected");
  if (rejected) return showRejected(rejected);
  delete prepareForm.dataset.fixSeq; delete takeoverForm.dataset.fixSeq;
  if (countersignForm) delete countersignForm.dataset.fixSeq;
  const local = [...session.submits.entries()].reverse().find(([id]) => !session.decided.has(id));
  const server = state.pending && !session.decided.has(state.pending.id) ? state.pending : null;
  if (server?.status === "signing" && countersignForm) return showCountersign(server);
  if (server && (!local || local[0] === server.id)) return showTakeover(server);
  if (local) { notice(inOutbox.has(local[0]) ? S.prepared_local : ""); return showTakeover(fromLocal(local[1])); }
  const outcome = session.outcome;
  // "On this phone … when there is signal" only while the decision still waits in the outbox (offline).
  const LOCAL = { refuse: S.refused_local, accept: S.accepted_local, waiting: S.accepted_waiting, countersign: S.countersigned_local };
  const SYNCED = { refuse: S.refused_synced, accept: S.accepted_synced, waiting: S.waiting_synced, countersign: S.countersigned_synced };
  const waiting = outcome && mine.some((e) => e.type !== "handover.submit" && e.data.handover_id === outcome.id);
  if (outcome) notice(fill((waiting ? LOCAL : SYNCED)[outcome.decision], outcome), outcome.decision === "refuse" ? "error" : "");
  else notice("");
  showPrepare();
}

function showRejected(entry) {
  const message = entry.error?.message || "";
  notice(fill(S.fix_rejected, { message }), "error");
  if (entry.type === "handover.submit") {
    showPrepare();
    fillForm(prepareForm, entry.data, "submit");
    prepareForm.dataset.fixSeq = String(entry.seq);
    fieldError(prepareForm, entry.error?.field, message);
    return;
  }
  const id = entry.data.handover_id;
  const pending = state.pending?.id === id ? state.pending : session.submits.has(id) ? fromLocal(session.submits.get(id)) : null;
  if (!pending) { show("none"); return; } // decided elsewhere: the record keeps its notes; discard under Unsynced
  if (entry.type === "handover.countersign" && countersignForm) {
    showCountersign(pending);
    countersignForm.dataset.fixSeq = String(entry.seq);
    fieldError(countersignForm, entry.error?.field, message);
    return;
  }
  showTakeover(pending);
  fillForm(takeoverForm, entry.data, "decide");
  takeoverForm.dataset.fixSeq = String(entry.seq);
  fieldError(takeoverForm, entry.error?.field, message);
}

// --- submitting ------------------------------------------------------------------------------------------------

/** Through the one submit; a refused step being fixed (`fixSeq`) is sent again as that entry. */
const send = (type, data, { id, label, fixSeq }) => submit({ type, data, id, label, seq: fixSeq });

async function onPrepare(event) {
  event.preventDefault();
  clearErrors();
  if (!prepareForm.reportValidity()) return;
  const data = submitData(prepareForm);
  const label = fill(S.label_submit, { shift: shiftLabel(data.shift_date, data.shift_code) });
  if (!(await send("handover.submit", data, { id: uuid(), label, fixSeq: prepareForm.dataset.fixSeq }))) return;
  session.submits.set(data.handover_id, data);
  session.outcome = null;
  clearDraft(prepareForm);
  prepareForm.reset();
  await render();
  document.getElementById("takeover").scrollIntoView({ behavior: "smooth" });
}

async function onDecide(event) {
  event.preventDefault();
  clearErrors();
  const form = takeoverForm;
  const decision = event.submitter?.value === "refuse" ? "refuse" : "accept";
  const reasons = [...form.querySelectorAll("input[name=reasons]:checked")].map((b) => b.value);
  for (const input of form.querySelectorAll("input[name^=rc_count_]")) input.required = decision === "accept";
  field(form, "log_read").required = decision === "accept";
  if (!form.reportValidity()) return;
  if (decision === "accept" && reasons.length) return fieldError(form, "reasons", S.reasons_ticked);
  if (decision === "refuse" && !reasons.length) return fieldError(form, "reasons", S.need_reason);
  const incomingId = Number(value(form, "incoming"));
  if (!incomingId) return fieldError(form, "incoming", S.need_incoming);
  const handoverId = value(form, "handover_id");
  const fixSeq = form.dataset.fixSeq;
  const previous = fixSeq ? (await entries()).find((e) => String(e.seq) === fixSeq) : null;
  const id = previous ? previous.id : uuid();
  const secretIn = field(form, "_secret_in").value, secretOut = field(form, "_secret_out").value;
  field(form, "_secret_in").value = ""; field(form, "_secret_out").value = ""; // never kept on the page either
  const pending = state.pending?.id === handoverId ? state.pending : fromLocal(session.submits.get(handoverId) || {});
  if (!secretIn && previous?.data.incoming?.staff_id !== incomingId) return fieldError(form, "_secret_in", S.need_secret);
  // No outgoing PIN: each signs on their own phone; the outgoing countersigns on theirs (H7).
  const outgoingSigns = decision === "accept" && (secretOut || previous?.data.outgoing);
  const data = {
    handover_id: handoverId,
    expected_state: "submitted",
    arrived_at: timeOf(form, "arrived_at", "arrived_typed").at,
    arrived_typed: timeOf(form, "arrived_at", "arrived_typed").typed,
    log_read: value(form, "log_read"),
    inventory: inventory(form, "rc", true),
    anomalies: pairs(form, "found", "text", "expl", ["text", "explanation"]),
    note: value(form, "note"),
  };
  try {
    data.incoming = await signature("incoming", incomingId, secretIn, handoverId, id, previous?.data.incoming);
    if (decision === "refuse") data.reasons = reasons;
    else if (outgoingSigns) data.outgoing = await signature("outgoing", Number(pending.outgoing_id), secretOut, handoverId, id, previous?.data.outgoing);
  } catch (error) { notice(fill(S.sign_failed, { message: error.message || error }), "error"); return; }
  const name = personName(decision === "refuse" ? pending.outgoing_id : incomingId);
  const reasonText = reasons.map((r) => S.reasons?.[r] || r).join("、");
  const label = fill(decision === "refuse" ? S.label_refuse : S.label_accept, { name: personName(incomingId) });
  if (!(await send(`handover.${decision}`, data, { id, label, fixSeq }))) return;
  session.decided.add(handoverId);
  session.outcome = { decision: decision === "accept" && !outgoingSigns ? "waiting" : decision, name, reasons: reasonText, id: handoverId };
  clearDraft(form);
  delete form.dataset.for;
  await render();
  window.scrollTo({ top: 0, behavior: "smooth" });
}

async function onCountersign(event) {
  event.preventDefault();
  clearErrors();
  const form = countersignForm;
  const handoverId = value(form, "handover_id");
  const pending = state.pending?.id === handoverId ? state.pending : null;
  const secret = field(form, "_secret_out").value;
  field(form, "_secret_out").value = ""; // never kept on the page
  if (!pending) return;
  const fixSeq = form.dataset.fixSeq;
  const previous = fixSeq ? (await entries()).find((e) => String(e.seq) === fixSeq) : null;
  if (!secret && !previous) return fieldError(form, "_secret_out", S.need_secret);
  const id = previous ? previous.id : value(form, "mid") || uuid();
  let outgoing;
  try {
    outgoing = await signature("outgoing", Number(pending.outgoing_id), secret, handoverId, id, previous?.data.outgoing);
  } catch (error) { notice(fill(S.sign_failed, { message: error.message || error }), "error"); return; }
  const data = { handover_id: handoverId, expected_state: "signing", outgoing };
  if (!(await send("handover.countersign", data, { id, label: fill(S.label_countersign, { name: pending.outgoing_name }), fixSeq }))) return;
  session.decided.add(handoverId);
  session.outcome = { decision: "countersign", name: pending.incoming_name, id: handoverId };
  delete form.dataset.for;
  await render();
}

// --- small conveniences: more rows, times, drafts (never the secrets) --------------------------------

function ensureRow(form, kind, index) {
  const box = form.querySelector(`[data-rows="${kind}"]`);
  while (box && box.querySelectorAll("[data-row]").length <= index) addRow(box);
}

function addRow(box) {
  const rows = box.querySelectorAll("[data-row]");
  const last = rows[rows.length - 1];
  const copy = last.cloneNode(true);
  const index = rows.length;
  for (const el of copy.querySelectorAll("[name], [id], [for]")) {
    for (const attr of ["name", "id", "for"]) {
      if (el.hasAttribute(attr)) el.setAttribute(attr, el.getAttribute(attr).replace(/_\d+$/, `_${index}`));
    }
    if (el.type === "checkbox") el.checked = false; else if ("value" in el && el.tagName !== "LABEL") el.value = "";
  }
  for (const el of copy.querySelectorAll("label")) el.textContent = el.textContent.replace(/\d+/, String(index + 1));
  copy.querySelectorAll(".error").forEach((e) => e.remove());
  last.after(copy);
  copy.querySelector("input")?.focus();
}

function setDefaultTimes(form) {
  for (const input of form.querySelectorAll("[data-default-now]")) if (!input.value) input.value = localInput(new Date());
}

const draftKey = (form) => `handover-draft:${user}:${form.id}:${form.dataset.for || ""}`;
function saveDraft(form) {
  const values = {};
  for (const el of form.elements) {
    if (!el.name || el.name.startsWith("_") || el.type === "hidden" || el.type === "password" || el.type === "submit") continue;
    values[el.name] = el.type === "checkbox" ? (el.checked ? "1" : "") : el.value;
  }
  localStorage.setItem(draftKey(form), JSON.stringify(values));
}
function restoreDraft(form) {
  const raw = localStorage.getItem(draftKey(form));
  if (!raw) return;
  for (const [name, v] of Object.entries(JSON.parse(raw))) {
    const m = name.match(/^(item|anomaly|found)_\w+_(\d+)$/);
    if (m) ensureRow(form, m[1], Number(m[2]));
    const el = form.elements.namedItem(name);
    if (!el || !(el instanceof Element)) continue;
    if (el.type === "checkbox") el.checked = v === "1"; else if (!el.value) el.value = v;
  }
}
const clearDraft = (form) => localStorage.removeItem(draftKey(form));

// --- wiring ------------------------------------------------------------------------------------------------------

async function refreshState() {
  try {
    const response = await fetch("/api/handover/state", { credentials: "same-origin", headers: { accept: "application/json" } });
    if (!response.ok) return;
    state = await response.json();
    const outbox = new Set((await entries()).filter((e) => e.type === "handover.submit").map((e) => e.data.handover_id));
    for (const id of [...session.submits.keys()]) if (!outbox.has(id) && state.pending?.id !== id) session.submits.delete(id);
  } catch { /* offline again: keep what we have */ }
}

if (prepareForm && takeoverForm) {
  prepareForm.addEventListener("submit", onPrepare);
  takeoverForm.addEventListener("submit", onDecide);
  countersignForm?.addEventListener("submit", onCountersign);
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-add-row]");
    if (button) addRow(button.closest("[data-rows]"));
    const tap = event.target.closest("[data-tap-now]");
    if (tap) tapNow(tap);
  });
  for (const form of [prepareForm, takeoverForm]) form.addEventListener("input", () => saveDraft(form));
  onOutboxEvent(async (event) => {
    if (event.type === "synced") await refreshState();
    if (["changed", "synced", "rejected"].includes(event.type)) render();
  });
  restoreDraft(prepareForm);
  render().then(() => { document.documentElement.dataset.handoverReady = "1"; });
}
