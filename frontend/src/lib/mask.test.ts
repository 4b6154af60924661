/// <reference types="node" />
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  cursorStart,
  encodePng,
  exportMaskPng,
  hasSelection,
  invertSelection,
  KEY_STEP,
  KEY_STEP_FAST,
  moveCursor,
  paintSelectionHint,
  pngSize,
  selectedPixelCount,
  selectionToMask,
  shapeOutline,
  stampDot,
  zlibStored,
  type Pixels,
} from "./mask";

function blank(width: number, height: number): Pixels {
  return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}

function paint(p: Pixels, x: number, y: number, alpha = 255): void {
  const i = (y * p.width + x) * 4;
  p.data[i] = 34;
  p.data[i + 1] = 197;
  p.data[i + 2] = 94;
  p.data[i + 3] = alpha;
}

/** Decode our own PNGs (8-bit RGBA, filter 0) to check what we wrote. */
function decodePng(png: Uint8Array): Pixels {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let p = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  while (p < png.length) {
    const len = view.getUint32(p);
    const type = new TextDecoder().decode(png.subarray(p + 4, p + 8));
    const body = png.subarray(p + 8, p + 8 + len);
    if (type === "IHDR") {
      width = view.getUint32(p + 8);
      height = view.getUint32(p + 12);
      expect(body[8]).toBe(8);
      expect(body[9]).toBe(6);
    }
    if (type === "IDAT") idat.push(body);
    p += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    const row = y * (width * 4 + 1);
    expect(raw[row]).toBe(0);
    data.set(raw.subarray(row + 1, row + 1 + width * 4), y * width * 4);
  }
  return { width, height, data };
}

describe("selectionToMask", () => {
  it("makes painted pixels transparent and everything else opaque white", () => {
    const sel = blank(3, 2);
    paint(sel, 1, 0);
    paint(sel, 2, 1, 200);
    paint(sel, 0, 1, 5); // faint anti-aliasing: below the threshold
    const mask = selectionToMask(sel);
    const alpha = [...mask.data].filter((_, i) => i % 4 === 3);
    expect(alpha).toEqual([255, 0, 255, 255, 255, 0]);
    const rgb = [...mask.data].filter((_, i) => i % 4 !== 3);
    expect(new Set(rgb)).toEqual(new Set([255]));
  });

  it("rejects a buffer of the wrong length", () => {
    expect(() => selectionToMask({ width: 2, height: 2, data: new Uint8ClampedArray(12) })).toThrow(/expected 16/);
    expect(() => selectionToMask({ width: 0, height: 2, data: new Uint8ClampedArray(0) })).toThrow(/Invalid/);
  });
});

describe("selection helpers", () => {
  it("counts and detects a selection", () => {
    const sel = blank(4, 4);
    expect(hasSelection(sel)).toBe(false);
    paint(sel, 0, 0);
    paint(sel, 3, 3);
    expect(hasSelection(sel)).toBe(true);
    expect(selectedPixelCount(sel)).toBe(2);
  });

  it("invert swaps selected and unselected pixels", () => {
    const sel = blank(2, 2);
    paint(sel, 0, 0);
    invertSelection(sel);
    expect(selectedPixelCount(sel)).toBe(3);
    expect(sel.data[3]).toBe(0);
    invertSelection(sel);
    expect(selectedPixelCount(sel)).toBe(1);
    expect(sel.data[3]).toBe(255);
  });
});

describe("PNG export", () => {
  it("exports a mask PNG of the selection's size that decodes to the mask", async () => {
    const sel = blank(37, 21);
    for (let x = 5; x < 20; x += 1) for (let y = 3; y < 9; y += 1) paint(sel, x, y);
    for (const compress of [true, false]) {
      const png = await exportMaskPng(sel, { compress });
      expect(pngSize(png)).toEqual({ width: 37, height: 21 });
      const decoded = decodePng(png);
      expect([...decoded.data]).toEqual([...selectionToMask(sel).data]);
      // The region to edit is transparent, the rest opaque.
      const at = (x: number, y: number) => decoded.data[(y * 37 + x) * 4 + 3];
      expect(at(10, 5)).toBe(0);
      expect(at(0, 0)).toBe(255);
      expect(at(36, 20)).toBe(255);
    }
  });

  it("compresses a mostly uniform mask well", async () => {
    const sel = blank(512, 512);
    paint(sel, 100, 100);
    const png = await exportMaskPng(sel);
    expect(png.length).toBeLessThan(20_000);
  });

  it("writes valid stored zlib streams across block boundaries", () => {
    const data = new Uint8Array(70_000).map((_, i) => i % 251);
    expect([...inflateSync(zlibStored(data))]).toEqual([...data]);
    expect([...inflateSync(zlibStored(new Uint8Array(0)))]).toEqual([]);
  });

  it("pngSize rejects non-PNG bytes", async () => {
    expect(pngSize(new Uint8Array([1, 2, 3]))).toBeNull();
    const png = await encodePng(blank(2, 3));
    expect(pngSize(png)).toEqual({ width: 2, height: 3 });
  });
});

describe("paintSelectionHint", () => {
  it("lays green over the selected pixels only and makes the result opaque", () => {
    const target: Pixels = { width: 2, height: 1, data: new Uint8ClampedArray([100, 50, 200, 128, 10, 20, 30, 255]) };
    const selection: Pixels = { width: 2, height: 1, data: new Uint8ClampedArray([0, 0, 0, 255, 0, 0, 0, 5]) };
    const hint = paintSelectionHint(target, selection);
    expect(Array.from(hint.data)).toEqual([40, 173, 80, 255, 10, 20, 30, 255]);
  });

  it("refuses a selection of another size", () => {
    const a: Pixels = { width: 1, height: 1, data: new Uint8ClampedArray(4) };
    const b: Pixels = { width: 2, height: 1, data: new Uint8ClampedArray(8) };
    expect(() => paintSelectionHint(a, b)).toThrow(/same size/);
  });
});

describe("keyboard cursor", () => {
  it("starts in the middle of the image", () => {
    expect(cursorStart(640, 480)).toEqual({ x: 320, y: 240 });
    expect(cursorStart(1, 1)).toEqual({ x: 0, y: 0 });
  });

  it("moves 16 image pixels per arrow key and 48 with Shift", () => {
    const at = { x: 100, y: 100 };
    expect(KEY_STEP).toBe(16);
    expect(KEY_STEP_FAST).toBe(48);
    expect(moveCursor(at, "ArrowRight", false, 640, 640)).toEqual({ x: 116, y: 100 });
    expect(moveCursor(at, "ArrowLeft", false, 640, 640)).toEqual({ x: 84, y: 100 });
    expect(moveCursor(at, "ArrowUp", false, 640, 640)).toEqual({ x: 100, y: 84 });
    expect(moveCursor(at, "ArrowDown", true, 640, 640)).toEqual({ x: 100, y: 148 });
    expect(moveCursor(at, "ArrowLeft", true, 640, 640)).toEqual({ x: 52, y: 100 });
  });

  it("stays on the image", () => {
    expect(moveCursor({ x: 5, y: 630 }, "ArrowLeft", true, 640, 640)).toEqual({ x: 0, y: 630 });
    expect(moveCursor({ x: 5, y: 630 }, "ArrowDown", false, 640, 640)).toEqual({ x: 5, y: 639 });
    expect(moveCursor({ x: 639, y: 0 }, "ArrowRight", false, 640, 480)).toEqual({ x: 639, y: 0 });
    expect(moveCursor({ x: 0, y: 0 }, "ArrowUp", false, 640, 480)).toEqual({ x: 0, y: 0 });
  });

  it("ignores keys that are not arrows", () => {
    expect(moveCursor({ x: 1, y: 1 }, "Enter", false, 8, 8)).toBeNull();
    expect(moveCursor({ x: 1, y: 1 }, "a", true, 8, 8)).toBeNull();
  });
});

describe("stampDot", () => {
  const alphaAt = (p: Pixels, x: number, y: number) => p.data[(y * p.width + x) * 4 + 3];

  it("paints a round dot of the given diameter around the cursor in the paint colour", () => {
    const sel = blank(40, 40);
    const covered = stampDot(sel, { x: 20, y: 20 }, 10, "brush", [1, 2, 3]);
    expect(covered).toBe(selectedPixelCount(sel));
    // a disc of radius 5: about pi * 25 pixels
    expect(covered).toBeGreaterThan(70);
    expect(covered).toBeLessThan(88);
    expect(alphaAt(sel, 20, 20)).toBe(255);
    expect([...sel.data.subarray((20 * 40 + 20) * 4, (20 * 40 + 20) * 4 + 3)]).toEqual([1, 2, 3]);
    expect(alphaAt(sel, 24, 20)).toBe(255); // inside the radius
    expect(alphaAt(sel, 26, 20)).toBe(0); // outside
    expect(alphaAt(sel, 24, 24)).toBe(0); // the corner of the bounding box is not round
    expect(alphaAt(sel, 0, 0)).toBe(0);
  });

  it("erases a dot back to clear", () => {
    const sel = blank(20, 20);
    invertSelection(sel); // everything selected
    stampDot(sel, { x: 10, y: 10 }, 6, "eraser");
    expect(alphaAt(sel, 10, 10)).toBe(0);
    expect(alphaAt(sel, 12, 10)).toBe(0);
    expect(alphaAt(sel, 14, 10)).toBe(255);
    expect(selectedPixelCount(sel)).toBe(400 - 29); // lattice points with dx² + dy² <= 3²
  });

  it("clips at the edges and always covers the pixel under the cursor", () => {
    const sel = blank(8, 8);
    expect(stampDot(sel, { x: 0, y: 0 }, 4, "brush")).toBeGreaterThan(0);
    expect(alphaAt(sel, 0, 0)).toBe(255);
    const tiny = blank(3, 3);
    expect(stampDot(tiny, { x: 1, y: 1 }, 0.2, "brush")).toBe(1);
    expect(alphaAt(tiny, 1, 1)).toBe(255);
  });
});

describe("shapeOutline", () => {
  it("is the box between the two corners, dragged either way", () => {
    const a = shapeOutline("rect", { x: 10, y: 20 }, { x: 110, y: 70 }, 12);
    const b = shapeOutline("rect", { x: 110, y: 70 }, { x: 10, y: 20 }, 12);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ kind: "rect", x: 10, y: 20, width: 100, height: 50, lineWidth: 12 });
  });

  it("inscribes the ellipse in the box", () => {
    const o = shapeOutline("ellipse", { x: 100, y: 100 }, { x: 40, y: 140 }, 8);
    expect(o).toMatchObject({ kind: "ellipse", cx: 70, cy: 120, rx: 30, ry: 20, lineWidth: 8 });
  });

  it("squares the box on the longer side, keeping the drag's direction", () => {
    const o = shapeOutline("ellipse", { x: 100, y: 100 }, { x: 40, y: 120 }, 8, true);
    expect(o).toMatchObject({ x: 40, y: 100, width: 60, height: 60, rx: 30, ry: 30 });
  });

  it("draws nothing for a click, and at least a pixel-wide line", () => {
    expect(shapeOutline("rect", { x: 5, y: 5 }, { x: 5.5, y: 5.2 }, 12)).toBeNull();
    expect(shapeOutline("rect", { x: 5, y: 5 }, { x: 5, y: 50 }, 0.2)?.lineWidth).toBe(1);
  });
});
