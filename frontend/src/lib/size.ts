/**
 * Image size parsing and validation, mirroring the server's rules exactly
 * (spec/providers.md §6.1) so the form can reject a size before submitting.
 *
 * Accepted input (trimmed, case-insensitive): `auto`, `2K` (2048x2048),
 * `4K` (3840x2160) or `WIDTHxHEIGHT` (the UI also accepts `×`). Checks run in
 * the server's order, so the first failing rule is the one reported.
 */

export const SIZE_RULES = {
  multiple: 16,
  maxEdge: 3840,
  minPixels: 655_360,
  maxPixels: 8_294_400,
  maxAspect: 3,
} as const;

export const SIZE_ALIASES: Readonly<Record<string, string>> = {
  "2k": "2048x2048",
  "4k": "3840x2160",
};

export type SizeErrorCode =
  | "empty"
  | "format"
  | "positive"
  | "multiple"
  | "max_edge"
  | "min_pixels"
  | "max_pixels"
  | "aspect";

export type SizeCheck =
  | { ok: true; value: "auto" }
  | { ok: true; value: string; width: number; height: number }
  | { ok: false; error: SizeErrorCode };

const UNSIGNED = /^\+?\d+$/;

/** Parse and validate a size string; `value` is the normalised form to send. */
export function checkSize(input: string): SizeCheck {
  const text = input.trim().toLowerCase().replace(/×/g, "x");
  if (text === "") return { ok: false, error: "empty" };
  if (text === "auto") return { ok: true, value: "auto" };
  const expanded = SIZE_ALIASES[text] ?? text;
  const cut = expanded.indexOf("x");
  if (cut < 0) return { ok: false, error: "format" };
  const rawW = expanded.slice(0, cut);
  const rawH = expanded.slice(cut + 1);
  if (!UNSIGNED.test(rawW) || !UNSIGNED.test(rawH)) return { ok: false, error: "format" };
  return checkDimensions(Number.parseInt(rawW, 10), Number.parseInt(rawH, 10));
}

/** Validate explicit pixel dimensions with the server's rules. */
export function checkDimensions(width: number, height: number): SizeCheck {
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height)) {
    return { ok: false, error: "format" };
  }
  if (width <= 0 || height <= 0) return { ok: false, error: "positive" };
  if (width % SIZE_RULES.multiple !== 0 || height % SIZE_RULES.multiple !== 0) {
    return { ok: false, error: "multiple" };
  }
  if (Math.max(width, height) > SIZE_RULES.maxEdge) return { ok: false, error: "max_edge" };
  const pixels = width * height;
  if (pixels < SIZE_RULES.minPixels) return { ok: false, error: "min_pixels" };
  if (pixels > SIZE_RULES.maxPixels) return { ok: false, error: "max_pixels" };
  if (Math.max(width, height) / Math.min(width, height) > SIZE_RULES.maxAspect) {
    return { ok: false, error: "aspect" };
  }
  return { ok: true, value: `${width}x${height}`, width, height };
}

/** Width and height of a `WxH` size string, or null for `auto`/unparseable. */
export function dimensionsOf(size: unknown): { width: number; height: number } | null {
  if (typeof size !== "string") return null;
  const check = checkSize(size);
  return check.ok && "width" in check ? { width: check.width, height: check.height } : null;
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y) [x, y] = [y, x % y];
  return x;
}

/** Reduced aspect ratio such as `16:9`; falls back to a decimal for odd ratios. */
export function aspectRatioLabel(width: number, height: number): string {
  const d = gcd(width, height);
  const w = width / d;
  const h = height / d;
  if (w <= 32 && h <= 32) return `${w}:${h}`;
  const ratio = width / height;
  return ratio >= 1 ? `${ratio.toFixed(2)}:1` : `1:${(1 / ratio).toFixed(2)}`;
}

/** Nearest multiple of 16 (at least 16), to suggest a fix for odd dimensions. */
export function snapToMultiple(value: number): number {
  return Math.max(SIZE_RULES.multiple, Math.round(value / SIZE_RULES.multiple) * SIZE_RULES.multiple);
}
