/**
 * Edit masks, framework-free (no DOM, no canvas): the editor paints a
 * *selection* layer, and this module turns it into the PNG the API expects.
 *
 * OpenAI semantics: the mask has the same width and height as the first
 * reference image; pixels whose alpha is 0 (transparent) mark the region the
 * model may repaint, opaque pixels are kept. We export opaque white with
 * alpha 0 wherever the selection was painted (selection alpha > threshold).
 *
 * Pixel buffers are RGBA, 8 bits per channel, row-major, `width*height*4`
 * bytes long — the layout of canvas `ImageData`.
 */

export interface Pixels {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

/** Painted selection alpha above this counts as selected (ignores faint anti-aliasing). */
export const SELECTION_THRESHOLD = 8;

function assertPixels(p: Pixels): void {
  if (!Number.isInteger(p.width) || !Number.isInteger(p.height) || p.width <= 0 || p.height <= 0) {
    throw new Error(`Invalid mask size ${p.width}x${p.height}.`);
  }
  if (p.data.length !== p.width * p.height * 4) {
    throw new Error(`Pixel buffer has ${p.data.length} bytes, expected ${p.width * p.height * 4}.`);
  }
}

/** The API mask: white everywhere, alpha 0 where selected, 255 elsewhere. */
export function selectionToMask(selection: Pixels, threshold = SELECTION_THRESHOLD): Pixels {
  assertPixels(selection);
  const src = selection.data;
  const out = new Uint8ClampedArray(src.length);
  for (let i = 0; i < src.length; i += 4) {
    out[i] = 255;
    out[i + 1] = 255;
    out[i + 2] = 255;
    out[i + 3] = src[i + 3]! > threshold ? 0 : 255;
  }
  return { width: selection.width, height: selection.height, data: out };
}

/** Count of selected pixels (selection alpha above the threshold). */
export function selectedPixelCount(selection: Pixels, threshold = SELECTION_THRESHOLD): number {
  assertPixels(selection);
  let n = 0;
  for (let i = 3; i < selection.data.length; i += 4) if (selection.data[i]! > threshold) n += 1;
  return n;
}

export function hasSelection(selection: Pixels, threshold = SELECTION_THRESHOLD): boolean {
  assertPixels(selection);
  for (let i = 3; i < selection.data.length; i += 4) if (selection.data[i]! > threshold) return true;
  return false;
}

/**
 * Swap selected and unselected areas, in place. Selected pixels become clear;
 * the rest is filled with `color` (the editor's paint colour) at full alpha.
 */
export function invertSelection(selection: Pixels, color: readonly [number, number, number] = [34, 197, 94]): void {
  assertPixels(selection);
  const d = selection.data;
  for (let i = 0; i < d.length; i += 4) {
    const a = 255 - d[i + 3]!;
    d[i] = color[0];
    d[i + 1] = color[1];
    d[i + 2] = color[2];
    d[i + 3] = a;
  }
}

// --- Keyboard painting (spec/ui.md §5.3) ------------------------------------

/** How far an arrow key moves the virtual cursor, in image pixels (Shift: the larger step). */
export const KEY_STEP = 16;
export const KEY_STEP_FAST = 48;

export interface Point {
  x: number;
  y: number;
}

const ARROWS: Readonly<Record<string, readonly [number, number]>> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/** Where the virtual cursor starts: the middle of the image. */
export function cursorStart(width: number, height: number): Point {
  return { x: Math.floor(width / 2), y: Math.floor(height / 2) };
}

/**
 * The virtual cursor after an arrow key, kept on the image (0..width-1,
 * 0..height-1); null when ``key`` is not an arrow key.
 */
export function moveCursor(at: Point, key: string, shift: boolean, width: number, height: number): Point | null {
  const dir = ARROWS[key];
  if (!dir) return null;
  const step = shift ? KEY_STEP_FAST : KEY_STEP;
  const clamp = (v: number, max: number) => Math.min(Math.max(0, max - 1), Math.max(0, v));
  return { x: clamp(at.x + dir[0] * step, width), y: clamp(at.y + dir[1] * step, height) };
}

/**
 * Stamp a round dot of ``diameter`` image pixels centred on ``at``, in place:
 * ``"brush"`` paints ``color`` at full alpha, ``"eraser"`` clears to alpha 0.
 * A pixel belongs to the dot when its centre lies within the radius (a
 * diameter under 1 still covers the pixel under the cursor). Returns how many
 * pixels the dot covers.
 */
export function stampDot(
  selection: Pixels,
  at: Point,
  diameter: number,
  tool: "brush" | "eraser",
  color: readonly [number, number, number] = [34, 197, 94],
): number {
  assertPixels(selection);
  const r = Math.max(0.5, diameter / 2);
  const cx = at.x + 0.5;
  const cy = at.y + 0.5;
  const { width, height, data } = selection;
  const x0 = Math.max(0, Math.floor(cx - r));
  const x1 = Math.min(width - 1, Math.ceil(cx + r));
  const y0 = Math.max(0, Math.floor(cy - r));
  const y1 = Math.min(height - 1, Math.ceil(cy + r));
  let covered = 0;
  for (let y = y0; y <= y1; y += 1) {
    const dy = y + 0.5 - cy;
    for (let x = x0; x <= x1; x += 1) {
      const dx = x + 0.5 - cx;
      if (dx * dx + dy * dy > r * r) continue;
      const i = (y * width + x) * 4;
      if (tool === "brush") {
        data[i] = color[0];
        data[i + 1] = color[1];
        data[i + 2] = color[2];
        data[i + 3] = 255;
      } else {
        data[i] = 0;
        data[i + 1] = 0;
        data[i + 2] = 0;
        data[i + 3] = 0;
      }
      covered += 1;
    }
  }
  return covered;
}

// --- PNG encoding -----------------------------------------------------------

let crcTable: Uint32Array | null = null;
function crc32(parts: readonly Uint8Array[]): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n += 1) {
      let c = n;
      for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const p of parts) for (let i = 0; i < p.length; i += 1) c = crcTable[(c ^ p[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; ) {
    const end = Math.min(i + 5552, data.length);
    for (; i < end; i += 1) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** zlib stream with stored (uncompressed) deflate blocks: the fallback without CompressionStream. */
export function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let p = 2;
  for (let b = 0; b < blocks; b += 1) {
    const start = b * 65535;
    const len = Math.min(65535, data.length - start);
    out[p] = b === blocks - 1 ? 1 : 0;
    out[p + 1] = len & 0xff;
    out[p + 2] = len >>> 8;
    out[p + 3] = ~len & 0xff;
    out[p + 4] = (~len >>> 8) & 0xff;
    out.set(data.subarray(start, start + len), p + 5);
    p += 5 + len;
  }
  const ad = adler32(data);
  out[p] = ad >>> 24;
  out[p + 1] = (ad >>> 16) & 0xff;
  out[p + 2] = (ad >>> 8) & 0xff;
  out[p + 3] = ad & 0xff;
  return out;
}

async function zlibDeflate(data: Uint8Array): Promise<Uint8Array> {
  if (typeof CompressionStream === "undefined") return zlibStored(data);
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  const typeBytes = new TextEncoder().encode(type);
  out.set(typeBytes, 4);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32([typeBytes, body]));
  return out;
}

/** Encode RGBA pixels as an 8-bit RGBA PNG (colour type 6, no filtering). */
export async function encodePng(pixels: Pixels, options: { compress?: boolean } = {}): Promise<Uint8Array> {
  assertPixels(pixels);
  const { width, height, data } = pixels;
  const raw = new Uint8Array(height * (width * 4 + 1));
  for (let y = 0; y < height; y += 1) {
    const row = y * (width * 4 + 1);
    raw[row] = 0; // filter: none
    raw.set(data.subarray(y * width * 4, (y + 1) * width * 4), row + 1);
  }
  const ihdr = new Uint8Array(13);
  const iv = new DataView(ihdr.buffer);
  iv.setUint32(0, width);
  iv.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const idat = options.compress === false ? zlibStored(raw) : await zlibDeflate(raw);
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", idat),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Colour of the painted selection on a soft-selection hint (spec/ui.md §5.4). */
export const HINT_RGB = [0, 255, 0] as const;

/**
 * The selection hint a soft-selection provider gets: ``target`` with the painted
 * selection laid over it in green (60 % where selected, untouched elsewhere). Both
 * are RGBA at the same size; the result is opaque.
 */
export function paintSelectionHint(target: Pixels, selection: Pixels, threshold = SELECTION_THRESHOLD): Pixels {
  assertPixels(target);
  assertPixels(selection);
  if (target.width !== selection.width || target.height !== selection.height) {
    throw new Error("target and selection must have the same size");
  }
  const out = new Uint8ClampedArray(target.data.length);
  const t = target.data;
  const s = selection.data;
  for (let i = 0; i < t.length; i += 4) {
    const on = s[i + 3]! > threshold;
    for (let c = 0; c < 3; c++) {
      out[i + c] = on ? Math.round(t[i + c]! * 0.4 + HINT_RGB[c]! * 0.6) : t[i + c]!;
    }
    out[i + 3] = 255;
  }
  return { width: target.width, height: target.height, data: out };
}

/** The mask PNG for a painted selection (same size as the selection layer). */
export async function exportMaskPng(selection: Pixels, options: { compress?: boolean } = {}): Promise<Uint8Array> {
  return encodePng(selectionToMask(selection), options);
}

/** Width and height from a PNG's IHDR, or null if the bytes are not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } | null {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || sig.some((b, i) => png[i] !== b)) return null;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

// --- Selection shapes (spec/ui.md §5.3) --------------------------------------

export type ShapeKind = "rect" | "ellipse";

/**
 * A rectangle or ellipse selection drawn as an outline: the boundary is marked
 * with a line ``lineWidth`` image pixels wide, centred on the shape's edge,
 * and the inside is left as it was. ``x, y, width, height`` is the bounding
 * box (the rectangle itself); ``cx, cy, rx, ry`` the ellipse inscribed in it.
 */
export interface ShapeOutline {
  kind: ShapeKind;
  x: number;
  y: number;
  width: number;
  height: number;
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  lineWidth: number;
}

/**
 * The outline dragged from ``from`` to ``to`` (image pixels, either corner
 * first). With ``square`` the box is a square (a circle for the ellipse) whose
 * side is the longer drag. Null for a drag shorter than a pixel both ways
 * (a click draws nothing).
 */
export function shapeOutline(
  kind: ShapeKind,
  from: Point,
  to: Point,
  lineWidth: number,
  square = false,
): ShapeOutline | null {
  let dx = to.x - from.x;
  let dy = to.y - from.y;
  if (Math.abs(dx) < 1 && Math.abs(dy) < 1) return null;
  if (square) {
    const side = Math.max(Math.abs(dx), Math.abs(dy));
    dx = (dx < 0 ? -1 : 1) * side;
    dy = (dy < 0 ? -1 : 1) * side;
  }
  const x = Math.min(from.x, from.x + dx);
  const y = Math.min(from.y, from.y + dy);
  const width = Math.abs(dx);
  const height = Math.abs(dy);
  return {
    kind,
    x,
    y,
    width,
    height,
    cx: x + width / 2,
    cy: y + height / 2,
    rx: width / 2,
    ry: height / 2,
    lineWidth: Math.max(1, lineWidth),
  };
}
