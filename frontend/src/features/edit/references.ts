/** The Edit screen's reference list as pure data operations. */

export const MAX_REFERENCES = 16;

const IMAGE_EXT = /\.(avif|bmp|gif|heic|heif|jpe?g|png|tiff?|webp)$/i;

export function isImageFile(file: { type: string; name: string }): boolean {
  return file.type.startsWith("image/") || IMAGE_EXT.test(file.name);
}

export interface RefItem {
  id: string;
  name: string;
  blob: Blob;
  url: string;
}

/** Append up to the limit; returns the new list and how many were dropped. */
export function addRefs<T>(list: readonly T[], incoming: readonly T[], max = MAX_REFERENCES): { list: T[]; dropped: number } {
  const room = Math.max(0, max - list.length);
  return { list: [...list, ...incoming.slice(0, room)], dropped: Math.max(0, incoming.length - room) };
}

/** Move the item at `from` to index `to` (clamped). */
export function moveRef<T>(list: readonly T[], from: number, to: number): T[] {
  if (from < 0 || from >= list.length) return [...list];
  const target = Math.max(0, Math.min(list.length - 1, to));
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(target, 0, item as T);
  return next;
}

/** Clipboard files often have generic names: give them a timestamped one. */
export function clipboardName(name: string, type: string, when: Date, k: number): string {
  if (name && !/^image( \(\d+\))?\.\w+$/i.test(name)) return name;
  const ext = (type.split("/")[1] ?? "png").replace("jpeg", "jpg").replace(/\+.*$/, "");
  const p = (n: number) => String(n).padStart(2, "0");
  const stamp = `${when.getFullYear()}${p(when.getMonth() + 1)}${p(when.getDate())}-${p(when.getHours())}${p(when.getMinutes())}${p(when.getSeconds())}`;
  return `clipboard-${stamp}-${k}.${ext}`;
}
