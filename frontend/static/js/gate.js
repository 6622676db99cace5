// The gate page (release slips, passes, visitors): the office's gate data kept on the phone (IndexedDB
// `meta`, per user), refreshed whenever there is signal; a number scanned or typed is checked against it,
// offline too; releases and visitors in/out go through the outbox (`submit`). What this phone did is kept
// beside the data until a fresh copy from the server shows it.

import { all, del, getMeta, setMeta } from "./idb.js";
import { uuid } from "./outbox.js";
import { setupScanner } from "./scanner.js";
import { submit } from "./submit.js";
import { flash, translator } from "./ui.js";

const root = document.getElementById("gate");
const user = document.body.dataset.user || "";
const t = translator("gate-strings");
const DATA_KEY = `gate:${user}`;
const LOCAL_KEY = `gate-local:${user}`;
const KEEP_MS = 3 * 24 * 3600 * 1000;
let data = null;
let local = { releases: {}, ins: [], outs: {} };
let loading = Promise.resolve();

const tz = () => data?.time_zone || "Asia/Shanghai";
const todayIso = () => new Intl.DateTimeFormat("en-CA", { timeZone: tz() }).format(new Date());
const timeText = (iso) => new Intl.DateTimeFormat("zh-CN", {
  timeZone: tz(), month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
}).format(new Date(iso));

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

// --- the data ------------------------------------------------------------------------------------

/** Another person's gate data on this phone (a shared phone, the last shift): not theirs to keep. */
async function forgetOthers() {
  for (const row of await all("meta")) {
    if (/^gate(-local)?:/.test(row.key) && row.key !== DATA_KEY && row.key !== LOCAL_KEY) await del("meta", row.key);
  }
}

async function refresh() {
  if (!data) data = await getMeta(DATA_KEY); // the phone's copy first: checks work at once, offline too
  local = (await getMeta(LOCAL_KEY)) || local;
  showStatus();
  if (navigator.onLine) {
    try {
      const response = await fetch("/api/gate/snapshot", { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok && !response.redirected) {
        data = await response.json();
        await setMeta(DATA_KEY, data);
      }
    } catch { /* no signal after all: the copy on the phone */ }
  }
  prune();
  showStatus();
}

function showStatus() {
  const status = document.getElementById("gate-status");
  status.textContent = data ? t("as_of", { time: timeText(data.generated_at) }) : t("no_data");
  root.dataset.loaded = data ? "1" : "0";
  renderVisits();
}

/** Drop what the server's copy already shows, and what is too old to matter. */
function prune() {
  const cutoff = Date.now() - KEEP_MS;
  const generated = data ? Date.parse(data.generated_at) : 0;
  const slips = new Map((data?.slips || []).map((s) => [s.id, s]));
  for (const [id, at] of Object.entries(local.releases)) {
    if (Date.parse(at) < cutoff || (slips.get(id)?.released_at && Date.parse(at) < generated)) delete local.releases[id];
  }
  local.ins = local.ins.filter((v) => Date.parse(v.in_at) > cutoff);
  for (const [id, at] of Object.entries(local.outs)) if (Date.parse(at) < cutoff) delete local.outs[id];
}

const saveLocal = () => setMeta(LOCAL_KEY, local);

// --- a number: a slip or a pass -------------------------------------------------------------------

function find(raw) {
  const number = raw.trim().toUpperCase().replace(/\s+/g, "");
  if (!number || !data) return null;
  const candidates = /^\d+$/.test(number) ? [`R${number.padStart(4, "0")}`, `P${number.padStart(4, "0")}`] : [number];
  for (const n of candidates) {
    const slip = data.slips.find((s) => s.number === n);
    if (slip) return { kind: "slip", item: slip };
    const pass = data.passes.find((p) => p.number === n);
    if (pass) return { kind: "pass", item: pass };
  }
  return null;
}

function slipVerdict(slip) {
  if (slip.cancelled_at) return { ok: false, text: t("cancelled", { reason: slip.cancel_reason }) };
  if (slip.released_at) return { ok: false, text: t("released", { time: timeText(slip.released_at), who: slip.released_by }) };
  if (local.releases[slip.id]) return { ok: false, text: t("released_here", { time: timeText(local.releases[slip.id]) }) };
  if (todayIso() > slip.valid_until) return { ok: false, text: t("expired", { day: slip.valid_until }) };
  return { ok: true, text: t("open") };
}

function passVerdict(p) {
  const day = todayIso();
  if (p.withdrawn_at) return { ok: false, text: t("pass_withdrawn", { reason: p.withdrawn_reason }) };
  if (day < p.valid_from) return { ok: false, text: t("pass_not_yet", { day: p.valid_from }) };
  if (day > p.valid_to) return { ok: false, text: t("pass_expired", { day: p.valid_to }) };
  return { ok: true, text: t("pass_valid", { day: p.valid_to }) };
}

function facts(rows) {
  return el("dl", { class: "slips-facts" }, ...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
}

function showSlip(slip) {
  const verdict = slipVerdict(slip);
  const card = el("article", { class: `card gate-card ${verdict.ok ? "gate-ok" : "gate-refused"}`, "data-state": verdict.ok ? "open" : "refused" },
    el("h2", {}, t("slip", { number: slip.number })),
    el("p", { class: "gate-verdict", role: verdict.ok ? "status" : "alert" }, verdict.text),
    facts([
      [t("unit"), slip.unit_label],
      [t("person"), `${slip.person_name} · ${slip.is_resident ? t("resident") : t("not_resident")}`],
      [t("id"), `****${slip.id_last4}`],
      [t("valid"), `${slip.valid_on} – ${slip.valid_until}`],
    ]));
  if (verdict.ok) {
    const form = el("form", { class: "stack", id: "gate-release" });
    form.append(el("p", { class: "muted" }, t("check_all")));
    slip.goods.forEach((g, i) => {
      form.append(el("label", { class: "check" }, el("input", { type: "checkbox", name: `g${i}`, required: "" }), ` ${g.item} × ${g.quantity}`));
    });
    const button = el("button", { type: "submit", class: "primary", disabled: "" }, t("release"));
    form.append(button);
    form.addEventListener("change", () => { button.disabled = !form.checkValidity(); });
    form.addEventListener("submit", (event) => { event.preventDefault(); release(slip, button); });
    card.append(form);
  } else {
    card.append(el("ul", { class: "slips-goods-list" }, ...slip.goods.map((g) => el("li", {}, `${g.item} × ${g.quantity}`))));
  }
  document.getElementById("gate-result").replaceChildren(card);
}

function showPass(p) {
  const verdict = passVerdict(p);
  const card = el("article", { class: `card gate-card ${verdict.ok ? "gate-ok" : "gate-refused"}`, "data-state": verdict.ok ? "valid" : "refused" },
    el("h2", {}, t("pass", { number: p.number })),
    el("p", { class: "gate-verdict", role: verdict.ok ? "status" : "alert" }, verdict.text),
    facts([
      [t("person"), `${p.holder_name}${p.company ? " · " + p.company : ""}`],
      [t("id"), `****${p.id_last4}`],
      [t("valid"), `${p.valid_from} – ${p.valid_to}`],
      ...(p.unit_label ? [[t("unit"), p.unit_label]] : []),
    ]));
  document.getElementById("gate-result").replaceChildren(card);
}

async function lookup(raw) {
  if (!raw.trim()) { flash(t("number_required"), "error"); return; }
  if (!data) await loading; // typed before the gate data was read: wait for it
  const found = find(raw);
  if (!found) {
    document.getElementById("gate-result").replaceChildren(
      el("p", { class: "notice error gate-refused", role: "alert" }, data ? t("not_found", { number: raw.trim().toUpperCase() }) : t("no_data")));
    return;
  }
  if (found.kind === "slip") showSlip(found.item); else showPass(found.item);
}

async function release(slip, button) {
  button.disabled = true;
  const at = new Date().toISOString();
  const done = await submit({ type: "slip.release", data: { slip_id: slip.id, goods_checked: true }, label: t("release_label", { number: slip.number }) });
  if (!done) { button.disabled = false; return; }
  local.releases[slip.id] = at;
  await saveLocal();
  showSlip(slip);
  flash(t("released_now"));
}

// --- visitors in and out --------------------------------------------------------------------------

function visitorsIn() {
  const all = [...(data?.visits || []), ...local.ins.filter((v) => !(data?.visits || []).some((s) => s.id === v.id))];
  return all.filter((v) => !local.outs[v.id] && !v.out_at);
}

function renderVisits() {
  const list = document.getElementById("gate-visits");
  const visits = visitorsIn();
  if (!visits.length) { list.replaceChildren(el("li", { class: "empty" }, t("no_visitors"))); return; }
  list.replaceChildren(...visits.map((v) => {
    const button = el("button", { type: "button", "data-out": v.id }, t("left"));
    button.addEventListener("click", () => visitOut(v));
    return el("li", { "data-visit": v.id }, el("strong", {}, v.visitor_name), ` → ${v.unit_label || v.unit_ref || v.department_label || ""} · ${timeText(v.in_at)} `, button);
  }));
}

async function visitIn(form) {
  if (!form.reportValidity()) return;
  const f = form.elements;
  const payload = {
    visitor_name: f.visitor_name.value.trim(), id_kind: f.id_kind.value, id_last4: f.id_last4.value.trim(),
    purpose: f.purpose.value.trim(), host_kind: f.host_kind.value, notify: f.notify.checked, place: "gate",
  };
  if (payload.host_kind === "unit") payload.unit_ref = f.unit_ref.value.trim(); else payload.department = f.department.value || null;
  const id = uuid();
  const done = await submit({ type: "visit.in", id, data: payload, label: t("visitor_in_label", { name: payload.visitor_name }) });
  if (!done) return;
  const department = f.department.selectedOptions[0]?.textContent || "";
  local.ins.push({ id, visitor_name: payload.visitor_name, unit_ref: payload.unit_ref || "", department_label: payload.unit_ref ? "" : department, in_at: new Date().toISOString() });
  await saveLocal();
  for (const name of ["visitor_name", "id_last4", "purpose", "unit_ref"]) f[name].value = "";
  f.notify.checked = false;
  renderVisits();
}

async function visitOut(v) {
  const done = await submit({ type: "visit.out", data: { visit_id: v.id }, label: t("visitor_out_label", { name: v.visitor_name }) });
  if (!done) return;
  local.outs[v.id] = new Date().toISOString();
  await saveLocal();
  renderVisits();
}

// --- scanning ---------------------------------------------------------------------------------------

function startScanner() {
  return setupScanner({
    button: document.getElementById("gate-scan"),
    box: document.getElementById("gate-scanner"),
    video: document.getElementById("gate-video"),
    stopButton: document.getElementById("gate-scan-stop"),
    onCode: (code) => { document.getElementById("gate-number").value = code; lookup(code); },
    onFail: () => flash(t("scan_failed"), "error"),
  });
}

// --- wiring -------------------------------------------------------------------------------------------

if (root) {
  document.getElementById("gate-lookup").addEventListener("submit", (event) => {
    event.preventDefault();
    lookup(document.getElementById("gate-number").value);
  });
  document.getElementById("gate-visit").addEventListener("submit", (event) => { event.preventDefault(); visitIn(event.target); });
  document.body.addEventListener("outbox:synced", () => { if (navigator.onLine) loading = refresh(); });
  window.addEventListener("online", () => { loading = refresh(); });
  startScanner();
  loading = refresh().then(() => forgetOthers()).catch((error) => console.warn("gate", error));
}
