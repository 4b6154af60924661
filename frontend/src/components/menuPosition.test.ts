import { describe, expect, it } from "vitest";
import { anchorPoint, clampMenuPosition, menuStep } from "./menuPosition";

const viewport = { width: 1000, height: 800 };
const menu = { width: 220, height: 300 };

describe("clampMenuPosition", () => {
  it("opens at the point when the menu fits", () => {
    expect(clampMenuPosition({ x: 100, y: 120 }, menu, viewport)).toEqual({ x: 100, y: 120 });
  });

  it("flips to the left of and above the point near the right and bottom edges", () => {
    expect(clampMenuPosition({ x: 900, y: 700 }, menu, viewport)).toEqual({ x: 680, y: 400 });
  });

  it("clamps to the margin when neither side of the point has room", () => {
    const tall = { width: 220, height: 700 };
    // 700 px below 400 overflows, above does not fit either: pinned at the bottom margin.
    expect(clampMenuPosition({ x: 10, y: 400 }, tall, viewport)).toEqual({ x: 10, y: 92 });
  });

  it("keeps a menu larger than the viewport at the top-left margin", () => {
    expect(clampMenuPosition({ x: 500, y: 500 }, { width: 2000, height: 2000 }, viewport, 8)).toEqual({ x: 8, y: 8 });
  });

  it("never starts left of or above the margin", () => {
    expect(clampMenuPosition({ x: -40, y: 2 }, menu, viewport)).toEqual({ x: 8, y: 8 });
  });

  it("stays fully inside the viewport for any point", () => {
    for (const x of [0, 1, 250, 779, 780, 781, 999, 1000]) {
      for (const y of [0, 499, 500, 799]) {
        const p = clampMenuPosition({ x, y }, menu, viewport);
        expect(p.x).toBeGreaterThanOrEqual(8);
        expect(p.y).toBeGreaterThanOrEqual(8);
        expect(p.x + menu.width).toBeLessThanOrEqual(viewport.width - 8);
        expect(p.y + menu.height).toBeLessThanOrEqual(viewport.height - 8);
      }
    }
  });
});

describe("anchorPoint", () => {
  it("opens under a small anchor's bottom-left corner", () => {
    expect(anchorPoint({ left: 40, top: 60, bottom: 90, width: 30, height: 30 }, viewport)).toEqual({ x: 40, y: 90 });
  });

  it("opens from the middle of a tall anchor", () => {
    expect(anchorPoint({ left: 40, top: 0, bottom: 700, width: 600, height: 700 }, viewport)).toEqual({ x: 64, y: 350 });
  });

  it("keeps the point on screen for an anchor scrolled partly out", () => {
    expect(anchorPoint({ left: -50, top: -200, bottom: -10, width: 100, height: 190 }, viewport)).toEqual({ x: 0, y: 0 });
  });
});

describe("menuStep", () => {
  const all = [true, true, true];
  it("moves down and up, wrapping", () => {
    expect(menuStep(0, all, "ArrowDown")).toBe(1);
    expect(menuStep(2, all, "ArrowDown")).toBe(0);
    expect(menuStep(0, all, "ArrowUp")).toBe(2);
    expect(menuStep(-1, all, "ArrowUp")).toBe(2);
  });

  it("skips disabled items and finds the ends", () => {
    const some = [false, true, false, true, false];
    expect(menuStep(1, some, "ArrowDown")).toBe(3);
    expect(menuStep(3, some, "ArrowDown")).toBe(1);
    expect(menuStep(1, some, "ArrowUp")).toBe(3);
    expect(menuStep(3, some, "Home")).toBe(1);
    expect(menuStep(1, some, "End")).toBe(3);
  });

  it("ignores other keys and menus without enabled items", () => {
    expect(menuStep(0, all, "a")).toBeNull();
    expect(menuStep(0, [false, false], "ArrowDown")).toBeNull();
    expect(menuStep(0, [], "Home")).toBeNull();
  });
});
