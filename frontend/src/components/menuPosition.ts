/**
 * Where a context menu goes: at the pointer (or an anchor's corner), moved
 * back inside the viewport when it would overflow — flipped to the other
 * side of the point first, then clamped to a margin from the edges.
 */

export interface Point {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

/**
 * Top-left corner for a menu of `menu` size opened at `at` in a `viewport`
 * (all in CSS pixels). A menu larger than the viewport sticks to the margin.
 */
export function clampMenuPosition(at: Point, menu: Size, viewport: Size, margin = 8): Point {
  const axis = (start: number, length: number, room: number): number => {
    const max = room - margin - length;
    // Fits to the right of / below the point: keep it there.
    if (start <= max) return Math.max(margin, start);
    // Otherwise open to the left of / above the point when that fits.
    if (start - length >= margin) return Math.min(start - length, max);
    return Math.max(margin, max);
  };
  return { x: axis(at.x, menu.width, viewport.width), y: axis(at.y, menu.height, viewport.height) };
}

/** The point a keyboard-opened menu starts from: the anchor's bottom-left corner, inside the viewport. */
export function anchorPoint(rect: { left: number; top: number; bottom: number; width: number; height: number }, viewport: Size): Point {
  const x = Math.min(Math.max(rect.left, 0), viewport.width);
  const y = Math.min(Math.max(rect.bottom, 0), viewport.height);
  // A tall anchor (a large image) would put the menu far below: open from its middle instead.
  return rect.height > viewport.height / 2 ? { x: x + Math.min(rect.width, 24), y: Math.min(Math.max(rect.top + rect.height / 2, 0), viewport.height) } : { x, y };
}

/** The next enabled item for a navigation key (wrapping), or null for other keys. */
export function menuStep(current: number, enabled: readonly boolean[], key: string): number | null {
  const n = enabled.length;
  if (n === 0 || !enabled.some(Boolean)) return null;
  const find = (from: number, dir: 1 | -1): number => {
    for (let k = 1; k <= n; k += 1) {
      const i = (((from + dir * k) % n) + n) % n;
      if (enabled[i]) return i;
    }
    return current;
  };
  switch (key) {
    case "ArrowDown":
      return find(current, 1);
    case "ArrowUp":
      return find(current < 0 ? 0 : current, -1);
    case "Home":
      return find(-1, 1);
    case "End":
      return find(n, -1);
    default:
      return null;
  }
}
