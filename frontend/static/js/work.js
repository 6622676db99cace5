// Requests and work orders on the phone (SPEC W1–W7, S1–S2): the intake form's unit search, and
// the work-order page, which works offline end to end: the steps shown follow the order's state as
// this phone sees it (the server's, moved on by the changes still waiting in the outbox), and every
// change names that state (DESIGN "Conflicts").

import { entries, onOutboxEvent, storeBlob, uuid } from "./outbox.js";
import { NotAnImage, storePhotos } from "./photos.js";
import { signaturePad } from "./signature.js";
import { submit } from "./submit.js";
import { flash, strings, t } from "./ui.js";

const S = strings("work-strings");
const TRANSITIONS = {
  "work_order.accept": "accepted",
  "work_order.arrive": "arrived",
  "work_order.complete": "completed",
  "work_order.cannot_fix": "cannot_fix",
};

// --- intake (W1): find the unit, fill in the resident ------------------------------------------------

function setupIntake(form) {
  const directory = JSON.parse(document.getElementById("unit-directory")?.textContent || "[]");
  const search = form.querySelector("#f-unit_search");
  const unitId = form.querySelector("#f-unit_id");
  const hint = form.querySelector("#unit-residents");
  const name = form.elements.namedItem("resident_name");
  const phone = form.elements.namedItem("resident_phone");
  const kind = form.elements.namedItem("kind");
  const category = form.elements.namedItem("category");

  function pick() {
    const text = search.value.trim();
    const unit = directory.find((u) => u.label === text) || directory.find((u) => u.label.split(" ").pop() === text);
    unitId.value = unit ? String(unit.id) : "";
    hint.textContent = unit ? unit.residents.map((r) => `${r.name} ${r.phone}`).join("、") : "";
    if (!unit) return;
    search.value = unit.label;
    const first = unit.residents[0];
    if (first) { name.value = first.name; phone.value = first.phone; }
  }
  const requireCategory = () => { category.required = kind.value === "repair"; };
  search.addEventListener("change", pick);
  search.addEventListener("input", () => { if (!search.value) { unitId.value = ""; hint.textContent = ""; } });
  kind.addEventListener("change", requireCategory);
  requireCategory();
  form.addEventListener("outbox:queued", () => {
    search.value = ""; unitId.value = ""; hint.textContent = ""; phone.value = "";
    form.elements.namedItem("id").value = uuid();
  });
}

// --- the work-order page --------------------------------------------------------------------------------

const orderPage = document.getElementById("order-page");
let pad = null;

function live() { return orderPage.querySelector(".order-live"); }

/** The order as this phone sees it: the server's state, moved on by what waits in the outbox. */
async function localView() {
  const id = orderPage.dataset.orderId;
  const server = live()?.dataset || {};
  const view = { state: server.serverState, paid: server.paid === "1", agreed: server.agreed === "1", pending: [] };
  for (const entry of await entries()) {
    if (entry.data?.order_id !== id) continue;
    view.pending.push(entry);
    if (entry.status === "rejected") continue;
    if (TRANSITIONS[entry.type]) view.state = TRANSITIONS[entry.type];
    if (entry.type === "work_order.charges") { view.paid = true; view.agreed = true; }
  }
  return view;
}

async function project() {
  if (!orderPage) return;
  const view = await localView();
  orderPage.dataset.localState = view.state;
  for (const element of orderPage.querySelectorAll("#technician [data-show-in]")) {
    element.hidden = !element.dataset.showIn.split(" ").includes(view.state);
  }
  const working = ["accepted", "arrived"].includes(view.state);
  const blocked = view.paid && !view.agreed;
  for (const element of orderPage.querySelectorAll("[data-needs-agreement]")) {
    if (blocked) element.hidden = true;
  }
  const notice = orderPage.querySelector("[data-agreement-needed]");
  if (notice) notice.hidden = !(working && blocked);
  for (const input of orderPage.querySelectorAll("#technician [data-expected-state]")) input.value = view.state;
  renderPending(view.pending);
}

function renderPending(pending) {
  const list = orderPage.querySelector("[data-order-pending]");
  if (!list) return;
  const items = pending.map((entry) => {
    const li = document.createElement("li");
    li.className = `pending-item is-${entry.status}`;
    li.dataset.mutationId = entry.id;
    const head = document.createElement("div");
    head.className = "entry-head";
    const label = document.createElement("strong");
    label.textContent = S[entry.type] || entry.type;
    const status = document.createElement("span");
    status.className = `badge ${entry.status === "rejected" ? "major" : "warn"}`;
    status.textContent = entry.status === "rejected" ? S.refused : S.waiting;
    head.append(label, status);
    li.append(head);
    if (entry.error) {
      const error = document.createElement("p");
      error.className = "error"; error.setAttribute("role", "alert"); error.textContent = entry.error.message;
      li.append(error);
    }
    return li;
  });
  if (!items.length && list.dataset.empty) {
    const li = document.createElement("li"); li.className = "empty"; li.textContent = list.dataset.empty;
    items.push(li);
  }
  list.replaceChildren(...items);
}

// Quantities: at most two decimals; amounts in fen, rounded half up (never float money on the server).
const QUANTITY = /^\d{1,4}(\.\d{1,2})?$/;

function amountFen(quantity, priceFen) {
  const [whole, fraction = ""] = quantity.split(".");
  const hundredths = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  return Math.floor((hundredths * priceFen + 50) / 100);
}

function yuan(fen) { return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`; }

function chargesTotal(form) {
  let total = 0;
  for (const input of form.querySelectorAll("[data-price-item]")) {
    const value = input.value.trim();
    if (QUANTITY.test(value)) total += amountFen(value, Number(input.dataset.priceFen));
  }
  const output = form.querySelector("[data-charges-total]");
  if (output) output.textContent = yuan(total);
}

/** S2: cash to the technician is refused at once, on the phone too (the server refuses it as well). */
function checkCash(form) {
  const select = form.elements.namedItem("payment_method");
  const error = form.querySelector("#e-charges-payment_method");
  const cash = select.value === "cash";
  select.setCustomValidity(cash ? select.dataset.cashMessage : "");
  select.closest(".field")?.classList.toggle("has-error", cash);
  if (error) { error.hidden = !cash; if (cash) error.textContent = select.dataset.cashMessage; }
  return !cash;
}

function base(form) {
  const data = {
    order_id: form.elements.namedItem("order_id").value,
    expected_state: form.elements.namedItem("expected_state").value,
  };
  const assignee = form.elements.namedItem("expected_assignee");
  if (assignee) data.expected_assignee = Number.parseInt(assignee.value, 10);
  return data;
}

function linesOf(pairs, key) {
  const lines = [];
  for (const [id, quantity] of pairs) {
    if (!quantity) continue;
    if (!QUANTITY.test(quantity) || Number(quantity) <= 0) throw new RangeError(S.bad_quantity);
    lines.push({ [key]: Number.parseInt(id, 10), quantity });
  }
  if (!lines.length) throw new RangeError(S.no_lines);
  return lines;
}

/** The data and attachments of a custom work form (materials, charges, completion). */
async function collect(form) {
  const data = base(form);
  const kind = form.dataset.workForm;
  if (kind === "materials") {
    const rows = [...form.querySelectorAll("[data-material-row]")];
    data.lines = linesOf(rows.map((row) => [row.querySelector("select").value, row.querySelector("input").value.trim()]), "material_id");
    return { data, attachments: [] };
  }
  if (kind === "charges") {
    if (!checkCash(form)) throw new RangeError(form.elements.namedItem("payment_method").dataset.cashMessage);
    const inputs = [...form.querySelectorAll("[data-price-item]")];
    data.lines = linesOf(inputs.map((input) => [input.dataset.priceItem, input.value.trim()]), "price_item_id");
    data.payment_method = form.elements.namedItem("payment_method").value;
    data.resident_agreed = form.elements.namedItem("resident_agreed").checked;
    return { data, attachments: [] };
  }
  // complete (W7): the signature is a PNG blob stored like a photo and uploaded before the change.
  const error = form.querySelector("[data-signature-error]");
  if (!pad || pad.isEmpty()) {
    error.textContent = error.dataset.message; error.hidden = false;
    throw new RangeError(error.dataset.message);
  }
  error.hidden = true;
  data.note = form.elements.namedItem("note").value.trim();
  data.signed_by = form.elements.namedItem("signed_by").value.trim();
  const photoInput = form.querySelector("input[type=file][data-photos]");
  data.photos = photoInput ? await storePhotos(photoInput) : [];
  data.signature = await storeBlob(await pad.toBlob());
  return { data, attachments: [...data.photos, data.signature] };
}

function resetWorkForm(form) {
  const kind = form.dataset.workForm;
  if (kind === "materials") {
    const rows = [...form.querySelectorAll("[data-material-row]")];
    rows.slice(1).forEach((row) => row.remove());
    rows[0].querySelector("input").value = "";
  } else if (kind === "charges") {
    for (const input of form.querySelectorAll("[data-price-item]")) input.value = "";
    form.elements.namedItem("resident_agreed").checked = false;
    chargesTotal(form);
  } else {
    form.elements.namedItem("note").value = "";
    for (const input of form.querySelectorAll("input[type=file]")) input.value = "";
    pad?.clear();
  }
}

async function submitWorkForm(event) {
  const form = event.target.closest("form[data-work-form]");
  if (!form) return;
  event.preventDefault();
  if (form.dataset.workForm === "charges" && !checkCash(form)) { form.reportValidity(); return; }
  if (!form.reportValidity()) return;
  let collected;
  try {
    collected = await collect(form);
  } catch (error) {
    flash(error instanceof NotAnImage ? t("not_an_image") : error.message || String(error), "error");
    return;
  }
  if (!(await submit({ type: form.dataset.type, ...collected }, { form }))) return;
  resetWorkForm(form);
  await project();
}

function addMaterialRow(form) {
  const rows = form.querySelector("[data-material-rows]");
  const row = rows.querySelector("[data-material-row]").cloneNode(true);
  const n = rows.children.length;
  for (const element of row.querySelectorAll("select, input")) {
    const id = element.tagName === "SELECT" ? `f-material-${n}` : `f-quantity-${n}`;
    row.querySelector(`label[for="${element.id}"]`).htmlFor = id;
    element.id = id;
    if (element.tagName === "INPUT") element.value = "";
  }
  rows.append(row);
  row.querySelector("input").focus();
}

function setupOrderPage() {
  const canvas = orderPage.querySelector("canvas[data-signature]");
  if (canvas) pad = signaturePad(canvas);
  const charges = orderPage.querySelector("#charges-form");
  if (charges) {
    chargesTotal(charges);
    charges.addEventListener("input", () => chargesTotal(charges));
    charges.elements.namedItem("payment_method").addEventListener("change", () => checkCash(charges));
  }
  orderPage.addEventListener("click", (event) => {
    if (event.target.closest("[data-add-material]")) addMaterialRow(event.target.closest("form"));
    if (event.target.closest("[data-signature-clear]")) pad?.clear();
  });
  document.addEventListener("submit", submitWorkForm);
  onOutboxEvent(() => project());
  document.body.addEventListener("htmx:after:swap", () => project());
  project();
}

const intake = document.querySelector("form[data-intake]");
if (intake) setupIntake(intake);
if (orderPage) setupOrderPage();
