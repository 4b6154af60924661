import { describe, expect, it } from "vitest";
import {
  canZoom,
  clampZoom,
  clientToImage,
  fitZoom,
  scrollForPan,
  scrollForZoom,
  stepZoom,
  wheelZoom,
  zoomPercent,
  ZOOM_MAX,
  ZOOM_MIN,
} from "./viewport";

describe("zoom", () => {
  it("stays within 8 %–400 %", () => {
    expect(clampZoom(0.01)).toBe(ZOOM_MIN);
    expect(clampZoom(9)).toBe(ZOOM_MAX);
    expect(clampZoom(1.5)).toBe(1.5);
    expect(clampZoom(Number.NaN)).toBe(1);
  });

  it("steps ×1.14 in and ×0.88 out, clamped", () => {
    expect(stepZoom(1, "in")).toBeCloseTo(1.14);
    expect(stepZoom(1, "out")).toBeCloseTo(0.88);
    expect(stepZoom(3.9, "in")).toBe(4);
    expect(stepZoom(0.085, "out")).toBe(0.08);
  });

  it("zooms ×1.08 per wheel step up and ×0.92 per step down", () => {
    expect(wheelZoom(1, -100)).toBeCloseTo(1.08);
    expect(wheelZoom(1, 3)).toBeCloseTo(0.92);
    expect(wheelZoom(2, 0)).toBe(2);
  });

  it("fits the whole image in the box", () => {
    expect(fitZoom({ width: 2000, height: 1000 }, { width: 500, height: 500 })).toBeCloseTo(0.25);
    expect(fitZoom({ width: 640, height: 640 }, { width: 900, height: 480 })).toBeCloseTo(0.75);
    expect(fitZoom({ width: 10, height: 10 }, { width: 1000, height: 1000 })).toBe(4);
    expect(fitZoom({ width: 20000, height: 100 }, { width: 300, height: 300 })).toBe(ZOOM_MIN);
    expect(fitZoom({ width: 640, height: 640 }, { width: 0, height: 0 })).toBe(1);
  });

  it("labels and limits the buttons", () => {
    expect(zoomPercent(1.14)).toBe(114);
    expect(zoomPercent(0.0801)).toBe(8);
    expect(canZoom(4, "in")).toBe(false);
    expect(canZoom(4, "out")).toBe(true);
    expect(canZoom(0.08, "out")).toBe(false);
  });
});

describe("clientToImage", () => {
  const image = { width: 640, height: 480 };

  it("maps the pointer to image pixels at fit", () => {
    const rect = { left: 100, top: 50, width: 320, height: 240 };
    expect(clientToImage({ x: 100, y: 50 }, rect, image)).toEqual({ x: 0, y: 0, scale: 2 });
    expect(clientToImage({ x: 260, y: 170 }, rect, image)).toEqual({ x: 320, y: 240, scale: 2 });
  });

  it("stays right when zoomed and scrolled (the rect starts off screen)", () => {
    // 300 % and scrolled: the canvas' left edge is 900 CSS px left of the screen's
    const rect = { left: -900, top: -300, width: 1920, height: 1440 };
    const p = clientToImage({ x: 60, y: 180 }, rect, image);
    expect(p.x).toBeCloseTo(320);
    expect(p.y).toBeCloseTo(160);
    expect(p.scale).toBeCloseTo(1 / 3);
  });

  it("does not divide by zero before layout", () => {
    const p = clientToImage({ x: 10, y: 10 }, { left: 0, top: 0, width: 0, height: 0 }, image);
    expect(p).toEqual({ x: 10, y: 10, scale: 1 });
  });
});

describe("scrolling", () => {
  it("keeps the anchored point still while zooming", () => {
    const scroll = { x: 100, y: 40 };
    const anchor = { x: 200, y: 150 };
    const next = scrollForZoom(scroll, anchor, 1, 2);
    // content at (scroll + anchor) = (300, 190) at zoom 1 is at (600, 380) at zoom 2
    expect(next).toEqual({ x: 400, y: 230 });
    expect(next.x + anchor.x).toBe((scroll.x + anchor.x) * 2);
  });

  it("drags the content with the pointer", () => {
    expect(scrollForPan({ x: 100, y: 100 }, { x: 50, y: 50 }, { x: 80, y: 20 })).toEqual({ x: 70, y: 130 });
  });
});
