// Move-in and renovation forms (SPEC M1–M7): each `<form data-signed-form="type">` becomes one change
// through submit(): its checkbox lists become arrays, its photo inputs SHA-256 names (a `data-single`
// input one name), its signature pads PNG blobs stored like photos. Offline (a new home has no signal)
// the change waits in the outbox and is sent once when the phone is back online.

import { storeBlob } from "./outbox.js";
import { NotAnImage, storePhotos } from "./photos.js";
import { signaturePad } from "./signature.js";
import { submit } from "./submit.js";
import { flash, t } from "./ui.js";

const pads = new Map(); // canvas → pad

function value(element) {
  const text = element.value.trim();
  if (element.hasAttribute("data-number")) return text === "" ? null : Number(text);
  if (element.hasAttribute("data-int")) return text === "" ? null : Number.parseInt(text, 10);
  return text;
}

/** The inspection's items: one `[data-item]` block each, its result, note and photos. */
async function inspectedItems(form, attachments) {
  const items = [];
  for (const block of form.querySelectorAll("[data-item]")) {
    const result = block.querySelector("input[type=radio]:checked")?.value || "pass";
    const item = { room: block.dataset.room, item: block.dataset.itemName, result };
    if (result === "defect") {
      item.note = block.querySelector("textarea").value.trim();
      const input = block.querySelector("input[type=file]");
      item.photos = input ? await storePhotos(input) : [];
      attachments.push(...item.photos);
    }
    items.push(item);
  }
  return items;
}

async function collect(form) {
  const data = {};
  const attachments = [];
  for (const element of form.elements) {
    const name = element.name;
    if (!name || name.startsWith("_") || name === "id" || element.closest("[data-item]")) continue;
    if (element.type === "file" || element.type === "submit") continue;
    if (element.type === "checkbox" && element.hasAttribute("data-list")) {
      data[name] = data[name] || [];
      if (element.checked) data[name].push(element.hasAttribute("data-int") ? Number(element.value) : element.value);
      continue;
    }
    if (element.type === "checkbox") { data[name] = element.checked; continue; }
    if (element.type === "radio") { if (element.checked) data[name] = element.value; continue; }
    data[name] = value(element);
    if (data[name] === null && !element.hasAttribute("data-keep-null")) delete data[name];
  }
  for (const input of form.querySelectorAll("input[type=file][data-photos]")) {
    if (input.closest("[data-item]")) continue;
    const names = await storePhotos(input);
    attachments.push(...names);
    if (input.hasAttribute("data-single")) { if (names[0]) data[input.name] = names[0]; } else data[input.name] = names;
  }
  for (const canvas of form.querySelectorAll("canvas[data-signature]")) {
    const pad = pads.get(canvas);
    const error = canvas.parentElement.querySelector("[data-signature-error]");
    if (!pad || pad.isEmpty()) {
      if (error) error.hidden = false;
      throw new RangeError(error?.dataset.message || "signature");
    }
    if (error) error.hidden = true;
    const sha = await storeBlob(await pad.toBlob());
    data[canvas.dataset.signature] = sha;
    attachments.push(sha);
  }
  if (form.querySelector("[data-item]")) data.items = await inspectedItems(form, attachments);
  return { data, attachments };
}

async function onSubmit(event) {
  const form = event.target.closest("form[data-signed-form]");
  if (!form) return;
  event.preventDefault();
  if (!form.reportValidity()) return;
  let collected;
  try {
    collected = await collect(form);
  } catch (error) {
    flash(error instanceof NotAnImage ? t("not_an_image") : error.message || String(error), "error");
    return;
  }
  const id = form.elements.namedItem("id")?.value || undefined;
  const label = form.dataset.label || "";
  const sent = await submit({ type: form.dataset.signedForm, ...collected, id, label }, { form });
  if (!sent) return;
  const outcome = await sent.outcome;
  const done = form.querySelector("[data-done]");
  if (outcome === "waiting" && done) { done.hidden = false; form.querySelector("button[type=submit]").disabled = true; }
  if (outcome === "applied") location.assign(form.dataset.next || location.href);
}

function showNotes(event) {
  const block = event.target.closest("[data-item]");
  if (!block || event.target.type !== "radio") return;
  block.querySelector("[data-defect-fields]").hidden = event.target.value !== "defect";
}

for (const canvas of document.querySelectorAll("canvas[data-signature]")) pads.set(canvas, signaturePad(canvas));
document.addEventListener("click", (event) => {
  const clear = event.target.closest("[data-signature-clear]");
  if (clear) pads.get(clear.parentElement.querySelector("canvas[data-signature]"))?.clear();
});
document.addEventListener("change", showNotes);
document.addEventListener("submit", onSubmit);
