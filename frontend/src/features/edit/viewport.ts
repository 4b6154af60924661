/**
 * The mask editor's view as pure arithmetic (spec/ui.md §5.3): the zoom range
 * and steps, the zoom that fits the image in the stage, where a pointer lands
 * on the image whatever the zoom and scroll, and the scroll that keeps a point
 * still while zooming.
 */
import type { Point } from "../../lib/mask";

export const ZOOM_MIN = 0.08;
export const ZOOM_MAX = 4;
/** Toolbar buttons. */
export const ZOOM_OUT_STEP = 0.88;
export const ZOOM_IN_STEP = 1.14;
/** ⌘/Ctrl + mouse wheel, per wheel event. */
export const WHEEL_IN_STEP = 1.08;
export const WHEEL_OUT_STEP = 0.92;

export interface Size {
  width: number;
  height: number;
}

export interface Rect extends Size {
  left: number;
  top: number;
}

/** A zoom kept within 8 %–400 % (1 when it is not a number). */
export function clampZoom(zoom: number): number {
  if (!Number.isFinite(zoom)) return 1;
  return Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, zoom));
}

/** One press of Zoom in / Zoom out. */
export function stepZoom(zoom: number, direction: "in" | "out"): number {
  return clampZoom(zoom * (direction === "in" ? ZOOM_IN_STEP : ZOOM_OUT_STEP));
}

/** One ⌘/Ctrl + wheel event: scrolling up (negative deltaY) zooms in. */
export function wheelZoom(zoom: number, deltaY: number): number {
  if (deltaY === 0 || !Number.isFinite(deltaY)) return clampZoom(zoom);
  return clampZoom(zoom * (deltaY < 0 ? WHEEL_IN_STEP : WHEEL_OUT_STEP));
}

/** The zoom that shows the whole image in ``box`` (1 while either size is unknown). */
export function fitZoom(image: Size, box: Size): number {
  if (image.width <= 0 || image.height <= 0 || box.width <= 0 || box.height <= 0) return 1;
  return clampZoom(Math.min(box.width / image.width, box.height / image.height));
}

/** The percentage shown beside the zoom buttons. */
export function zoomPercent(zoom: number): number {
  return Math.round(clampZoom(zoom) * 100);
}

export function canZoom(zoom: number, direction: "in" | "out"): boolean {
  return direction === "in" ? zoom < ZOOM_MAX - 1e-9 : zoom > ZOOM_MIN + 1e-9;
}

/**
 * The image pixel under a pointer: ``rect`` is where the canvas is drawn on
 * screen (its bounding client rect, which already includes zoom and scroll),
 * ``image`` its size in image pixels. ``scale`` is image pixels per CSS pixel,
 * the factor that turns a brush size in CSS pixels into image pixels.
 */
export function clientToImage(client: Point, rect: Rect, image: Size): Point & { scale: number } {
  const width = rect.width > 0 ? rect.width : image.width;
  const height = rect.height > 0 ? rect.height : image.height;
  return {
    x: ((client.x - rect.left) / width) * image.width,
    y: ((client.y - rect.top) / height) * image.height,
    scale: image.width / width,
  };
}

/**
 * The scroll position after zooming from ``from`` to ``to`` that keeps the
 * content under ``anchor`` (a point in the scroll viewport, CSS pixels) where
 * it is. The browser clamps the result to the scrollable range.
 */
export function scrollForZoom(scroll: Point, anchor: Point, from: number, to: number): Point {
  const k = from > 0 ? to / from : 1;
  return { x: (scroll.x + anchor.x) * k - anchor.x, y: (scroll.y + anchor.y) * k - anchor.y };
}

/** The scroll position while dragging the view: the content follows the pointer. */
export function scrollForPan(startScroll: Point, startPointer: Point, pointer: Point): Point {
  return { x: startScroll.x - (pointer.x - startPointer.x), y: startScroll.y - (pointer.y - startPointer.y) };
}
