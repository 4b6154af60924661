/**
 * The transparent-PNG pipeline as the UI sees it (spec/transparent.md):
 * profiles, material presets, the verification report and how to explain it.
 * Field names follow the spec; the web routes are `/api/transparent/*`.
 */
import type { MessageKey } from "../../i18n/translate";

export const PROFILES = ["generic", "icon", "product", "sticker", "seal", "translucent", "glow", "shadow", "effect"] as const;
export type Profile = (typeof PROFILES)[number];

export const MATERIALS = ["", "standard", "soft-3d", "flat-icon", "sticker", "glow"] as const;
export type Material = (typeof MATERIALS)[number];

/** Chroma settings per material (spec §1.3); "" = defaults (= standard). */
export const MATERIAL_PRESETS: Readonly<Record<Material, { threshold: number; softness: number; spill_suppression: number }>> = {
  "": { threshold: 28, softness: 34, spill_suppression: 0.85 },
  standard: { threshold: 28, softness: 34, spill_suppression: 0.85 },
  "soft-3d": { threshold: 60, softness: 40, spill_suppression: 0.2 },
  "flat-icon": { threshold: 32, softness: 28, spill_suppression: 0.75 },
  sticker: { threshold: 45, softness: 38, spill_suppression: 0.45 },
  glow: { threshold: 18, softness: 62, spill_suppression: 0.15 },
};

export interface Verification {
  width?: number;
  height?: number;
  is_png?: boolean;
  has_alpha?: boolean;
  alpha_min?: number;
  alpha_max?: number;
  transparent_ratio?: number;
  partial_ratio?: number;
  opaque_ratio?: number;
  touches_edge?: boolean;
  component_count?: number;
  stray_pixel_count?: number;
  matte_residue_score?: number | null;
  halo_score?: number;
  alpha_health_score?: number;
  residue_score?: number;
  quality_score?: number;
  bbox?: { x: number; y: number; width: number; height: number } | null;
  passed?: boolean;
  failure_reasons?: string[];
  warnings?: string[];
  profile?: string;
}

const REASONS: Readonly<Record<string, MessageKey>> = {
  not_png: "tp.reason.not_png",
  missing_alpha_channel: "tp.reason.missing_alpha_channel",
  checkerboard_detected: "tp.reason.checkerboard_detected",
  empty_subject: "tp.reason.empty_subject",
  no_fully_transparent_pixels: "tp.reason.no_fully_transparent_pixels",
  alpha_range_too_low: "tp.reason.alpha_range_too_low",
  transparent_area_too_small: "tp.reason.transparent_area_too_small",
  transparent_rgb_not_scrubbed: "tp.reason.transparent_rgb_not_scrubbed",
  profile_requires_opaque_pixels: "tp.reason.profile_requires_opaque_pixels",
  profile_transparent_area_too_small: "tp.reason.profile_transparent_area_too_small",
  subject_touches_edge: "tp.reason.subject_touches_edge",
  too_many_stray_pixels: "tp.reason.too_many_stray_pixels",
  matte_residue_too_high: "tp.reason.matte_residue_too_high",
  effect_touches_edge: "tp.reason.effect_touches_edge",
  profile_requires_partial_alpha: "tp.reason.profile_requires_partial_alpha",
};

/** Warnings are exact English sentences in the spec (§2.5); match on a stable fragment. */
const WARNINGS: readonly [RegExp, MessageKey][] = [
  [/reach the image edge/, "tp.warn.edge"],
  [/no semi-transparent pixels/, "tp.warn.no_partial"],
  [/checkerboard-like pattern/, "tp.warn.checkerboard"],
  [/contain non-zero RGB/, "tp.warn.not_scrubbed"],
  [/possible matte-color residue/, "tp.warn.residue"],
  [/matte residue was not checked/, "tp.warn.residue_unchecked"],
];

export type Explained = { key: MessageKey } | { text: string };

export function explainReason(code: string): Explained {
  const key = REASONS[code];
  return key ? { key } : { text: code.replace(/_/g, " ") };
}

export function explainWarning(text: string): Explained {
  const hit = WARNINGS.find(([re]) => re.test(text));
  return hit ? { key: hit[1] } : { text };
}

/** A 0..1 score as a rounded percentage, tolerant of float noise (0.6000000000000001). */
export function scorePercent(score: unknown): number | null {
  if (typeof score !== "number" || !Number.isFinite(score)) return null;
  return Math.round(Math.min(1, Math.max(0, score)) * 100);
}

export function scoreTone(percent: number | null): "good" | "fair" | "poor" {
  if (percent === null) return "poor";
  return percent >= 80 ? "good" : percent >= 50 ? "fair" : "poor";
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Find the verification object in any of the shapes the routes may return. */
export function findVerification(result: unknown): Verification | null {
  if (!isRecord(result)) return null;
  if (isRecord(result.verification)) return result.verification as Verification;
  if (isRecord(result.detail) && isRecord(result.detail.verification)) return result.detail.verification as Verification;
  if (isRecord(result.metadata) && isRecord(result.metadata.verification)) return result.metadata.verification as Verification;
  if (isRecord(result.job)) return findVerification(result.job);
  return null;
}

/** Where the result PNG can be loaded from: inline base64, a URL, or a job output. */
export function findResultImage(result: unknown, outputUrl: (jobId: string, index: number) => string): string | null {
  if (!isRecord(result)) return null;
  const b64 = [result.image_base64, isRecord(result.output) ? result.output.data_base64 : undefined].find(
    (v): v is string => typeof v === "string" && v.length > 0,
  );
  if (b64) return b64.startsWith("data:") ? b64 : `data:image/png;base64,${b64}`;
  const url = [result.output_url, isRecord(result.output) ? result.output.url : undefined].find(
    (v): v is string => typeof v === "string" && v.length > 0,
  );
  if (url) return url;
  const jobId = [result.job_id, isRecord(result.history) ? result.history.job_id : undefined, isRecord(result.job) ? result.job.id : undefined].find(
    (v): v is string => typeof v === "string" && v.length > 0,
  );
  return jobId ? outputUrl(jobId, 0) : null;
}

/** "#00ff00" from user input: #rgb, #rrggbb or rrggbb; null if not a colour. */
export function normalizeHex(input: string): string | null {
  const s = input.trim().replace(/^#/, "").toLowerCase();
  if (/^[0-9a-f]{3}$/.test(s)) return `#${[...s].map((c) => c + c).join("")}`;
  if (/^[0-9a-f]{6}$/.test(s)) return `#${s}`;
  return null;
}
