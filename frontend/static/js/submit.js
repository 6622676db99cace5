// The one client submit (DESIGN "Offline model" 3). Every offline-capable change, whichever page
// makes it, goes through `submit()`: stored in the outbox first (write-ahead), then sent, its real
// outcome announced here and only here, and Background Sync asked to finish the job if it waits.

import { enqueue, flush, requeue } from "./outbox.js";
import { get } from "./idb.js";
import { NotAnImage, storePhotos } from "./photos.js";
import { flash, requestBackgroundSync, t } from "./ui.js";

/** Store a change and send it. `what` is a `<form data-mutation="type">` (its fields are the data)
 * or a mutation `{type, data, id?, attachments?, label?, fields?}`; `{seq}` in it edits that refused
 * entry and sends it again instead. `form`: the form that fires `outbox:queued` once it is stored.
 * Resolves once the change is stored, to `{entry, outcome}` (`outcome` settles on "applied",
 * "waiting" or "refused" when the server has answered or the phone has given up for now), or to
 * null when nothing could be stored (the reason is announced). */
export async function submit(what, { form = null } = {}) {
  const isForm = what instanceof HTMLFormElement;
  let entry;
  try {
    const mutation = isForm ? await fromForm(what) : what;
    entry = mutation.seq ? await requeue(Number(mutation.seq), mutation.data) : await enqueue(mutation.type, mutation.data, mutation);
  } catch (error) {
    flash(problem(error), "error");
    return null;
  }
  form = form || (isForm ? what : null);
  form?.dispatchEvent(new CustomEvent("outbox:queued", { bubbles: true, detail: { type: entry.type, data: entry.data } }));
  return { entry, outcome: deliver(entry.seq, { force: isForm ? false : Boolean(what.seq) }) };
}

/** Send now if there is signal, then say what became of the change. `force`: the person is sending
 * a refused change again, which is not held back by an earlier failure's backoff. */
async function deliver(seq, { force = false } = {}) {
  try {
    if (navigator.onLine) await flush({ force, wait: true });
  } catch (error) {
    console.warn("outbox", error); // still stored: it is sent later
  }
  const entry = await get("outbox", seq);
  const outcome = !entry ? "applied" : entry.status === "rejected" ? "refused" : "waiting";
  announce(outcome, entry);
  if (outcome === "waiting") requestBackgroundSync();
  return outcome;
}

/** The one place a change's outcome is put into words. */
export function announce(outcome, entry = null) {
  if (outcome === "applied") flash(t("synced"));
  else if (outcome === "waiting") flash(t("saved_offline"));
  else if (entry?.error?.message) flash(t("refused", { message: entry.error.message }), "error");
  else flash(t("rejected"), "error");
}

function problem(error) {
  if (error instanceof NotAnImage) return t("not_an_image");
  if (error instanceof RangeError) return t("too_many_photos", { n: error.message });
  return String(error?.message || error);
}

// --- a `<form data-mutation>`: its fields become the change (docs/offline.md "Client") ---------------

async function fromForm(form) {
  const data = formData(form);
  const attachments = await storeFormPhotos(form, data);
  // A form may name the change's id (a record made on this phone, e.g. a round, whose id later
  // changes refer to).
  const id = form.hasAttribute("data-keep-id") ? form.elements.namedItem("id")?.value || undefined : undefined;
  return { type: form.dataset.mutation, data, attachments, id, fields: describeForm(form) };
}

function formData(form) {
  const data = {};
  for (const element of form.elements) {
    if (!element.name || element.name.startsWith("_") || element.name === "id" || element.disabled) continue;
    if (element.type === "file") continue; // photos: see storeFormPhotos
    if ((element.type === "checkbox" || element.type === "radio") && !element.checked) continue;
    let value = typeof element.value === "string" ? element.value.trim() : element.value;
    if (element.hasAttribute("data-int")) value = value === "" ? null : Number.parseInt(value, 10);
    else if (element.hasAttribute("data-nullable") && value === "") value = null;
    else if (element.hasAttribute("data-bool")) value = value === "true" || value === "on";
    data[element.name] = value;
  }
  return data;
}

/** Photos of the form's `input[type=file][data-photos]`: resized, stored, named by SHA-256 in `data`. */
async function storeFormPhotos(form, data) {
  const names = [];
  for (const input of form.querySelectorAll("input[type=file][data-photos]")) {
    const stored = await storePhotos(input);
    data[input.name] = stored;
    names.push(...stored);
    input.value = "";
  }
  return names;
}

/** The editable fields of a form, as the outbox page can rebuild them if the server refuses the change. */
function describeForm(form) {
  const fields = [];
  for (const element of form.elements) {
    if (!element.name || element.name.startsWith("_") || element.type === "hidden" || element.type === "file") continue;
    if (!["SELECT", "TEXTAREA", "INPUT"].includes(element.tagName) || element.type === "submit") continue;
    fields.push({
      name: element.name,
      label: form.querySelector(`label[for="${element.id}"]`)?.textContent.replace("*", "").trim() || element.name,
      tag: element.tagName.toLowerCase(),
      type: element.type,
      int: element.hasAttribute("data-int"),
      nullable: element.hasAttribute("data-nullable") || element.hasAttribute("data-int"),
      options: element.tagName === "SELECT" ? [...element.options].map((o) => [o.value, o.text]) : null,
    });
  }
  return fields;
}
