/**
 * A minimal "stored" (uncompressed) ZIP writer for exporting images.
 *
 * Why not a library: PNG, JPEG and WebP are already compressed, so deflate
 * would cost CPU for almost no gain; a store-only writer is ~100 lines with
 * no dependency, and it is what the reference UI ships (spec/ui.md §8.5).
 * Limits: classic ZIP (no ZIP64), so under 65,535 entries and 4 GiB — far
 * beyond a browser-side export. Names are stored as UTF-8 (flag bit 11).
 */

export interface ZipEntry {
  name: string;
  data: Uint8Array;
  /** Modification time stored in the entry (DOS format, local time). */
  date?: Date;
}

let crcTable: Uint32Array | null = null;

function table(): Uint32Array {
  if (crcTable) return crcTable;
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  crcTable = t;
  return t;
}

/** CRC-32 (IEEE 802.3), as ZIP and PNG use it. */
export function crc32(data: Uint8Array, seed = 0): number {
  const t = table();
  let c = (seed ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i += 1) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.min(Math.max(date.getFullYear(), 1980), 2107);
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/** Make entry names safe and unique: no absolute paths, no `..`, no duplicates. */
export function safeEntryNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((raw) => {
    const parts = raw
      .replace(/\\/g, "/")
      .split("/")
      .map((p) => p.replace(/[\u0000-\u001f<>:"|?*]/g, "-").trim())
      .filter((p) => p && p !== "." && p !== "..");
    let name = parts.join("/") || "file";
    if (seen.has(name.toLowerCase())) {
      const dot = name.lastIndexOf(".");
      const stem = dot > name.lastIndexOf("/") ? name.slice(0, dot) : name;
      const ext = dot > name.lastIndexOf("/") ? name.slice(dot) : "";
      let k = 2;
      while (seen.has(`${stem}-${k}${ext}`.toLowerCase())) k += 1;
      name = `${stem}-${k}${ext}`;
    }
    seen.add(name.toLowerCase());
    return name;
  });
}

/** Build a ZIP archive (method 0, "stored") from the entries, in order. */
export function buildZip(entries: readonly ZipEntry[]): Uint8Array {
  if (entries.length > 0xffff) throw new Error("Too many files for a ZIP archive.");
  const encoder = new TextEncoder();
  const names = safeEntryNames(entries.map((e) => e.name)).map((n) => encoder.encode(n));
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;

  entries.forEach((entry, i) => {
    const name = names[i]!;
    const { time, date } = dosDateTime(entry.date ?? new Date());
    const crc = crc32(entry.data);
    const size = entry.data.length;
    if (offset + 30 + name.length + size > 0xffffffff) throw new Error("ZIP archive too large.");

    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true); // version needed
    lv.setUint16(6, 0x0800, true); // UTF-8 names
    lv.setUint16(8, 0, true); // stored
    lv.setUint16(10, time, true);
    lv.setUint16(12, date, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, size, true);
    lv.setUint32(22, size, true);
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, 0, true);
    local.set(name, 30);

    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true); // version made by
    cv.setUint16(6, 20, true);
    cv.setUint16(8, 0x0800, true);
    cv.setUint16(10, 0, true);
    cv.setUint16(12, time, true);
    cv.setUint16(14, date, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, size, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);

    locals.push(local, entry.data);
    centrals.push(central);
    offset += local.length + size;
  });

  const centralSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);

  const out = new Uint8Array(offset + centralSize + end.length);
  let pos = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

/** Read back a stored ZIP's entries (for tests and sanity checks). */
export function readStoredZip(zip: Uint8Array): { name: string; data: Uint8Array; crc: number }[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = -1;
  for (let i = zip.length - 22; i >= 0; i -= 1) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("Not a ZIP archive.");
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const decoder = new TextDecoder();
  const out: { name: string; data: Uint8Array; crc: number }[] = [];
  for (let i = 0; i < count; i += 1) {
    if (view.getUint32(p, true) !== 0x02014b50) throw new Error("Bad central directory.");
    const crc = view.getUint32(p + 16, true);
    const size = view.getUint32(p + 20, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const localOffset = view.getUint32(p + 42, true);
    const name = decoder.decode(zip.subarray(p + 46, p + 46 + nameLen));
    const localNameLen = view.getUint16(localOffset + 26, true);
    const localExtra = view.getUint16(localOffset + 28, true);
    const start = localOffset + 30 + localNameLen + localExtra;
    out.push({ name, data: zip.subarray(start, start + size), crc });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
