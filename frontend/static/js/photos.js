// Photos (DESIGN "Offline model" 7): resized on the phone to at most 1600 px, kept as blobs in
// IndexedDB while offline, uploaded content-addressed before the mutation that references them.

import { storeBlob } from "./outbox.js";

export const MAX_SIDE = 1600;

export class NotAnImage extends Error {}

/** A JPEG of at most `maxSide` pixels on its longer side. */
export async function resizePhoto(file, maxSide = MAX_SIDE, quality = 0.85) {
  if (!file.type.startsWith("image/")) throw new NotAnImage(file.name);
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new NotAnImage(file.name); // says image/*, but is not one this browser can read
  }
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return canvas.convertToBlob({ type: "image/jpeg", quality });
}

/** Resize and store every photo of a file input; returns their SHA-256 names. */
export async function storePhotos(input) {
  const max = Number(input.dataset.max || 4);
  const files = [...(input.files || [])];
  if (files.length > max) throw new RangeError(String(max));
  const names = [];
  for (const file of files) names.push(await storeBlob(await resizePhoto(file)));
  return names;
}
