/**
 * The Generate form as plain data, and the pure step that turns it into the
 * request body (validated with the same size rules as the server).
 */
import type { GenerateRequest } from "../../api/types";
import { checkDimensions, checkSize, type SizeCheck } from "../../lib/size";

export const PROMPT_MAX = 4000;

export const SIZE_CHOICES = ["auto", "1024x1024", "1536x1024", "1024x1536", "2k", "4k", "custom"] as const;
export type SizeChoice = (typeof SIZE_CHOICES)[number];

export const QUALITIES = ["auto", "low", "medium", "high"] as const;
export type Quality = (typeof QUALITIES)[number];

export const FORMATS = ["png", "jpeg", "webp"] as const;
export type Format = (typeof FORMATS)[number];

export interface GenerateDraft {
  prompt: string;
  size: SizeChoice;
  customWidth: string;
  customHeight: string;
  quality: Quality;
  format: Format;
}

export const DEFAULT_DRAFT: GenerateDraft = {
  prompt: "",
  size: "1024x1024",
  customWidth: "1536",
  customHeight: "864",
  quality: "auto",
  format: "png",
};

const oneOf =
  <T extends string>(values: readonly T[]) =>
  (value: unknown): value is T =>
    typeof value === "string" && (values as readonly string[]).includes(value);

export const isSizeChoice = oneOf(SIZE_CHOICES);
export const isQuality = oneOf(QUALITIES);
export const isFormat = oneOf(FORMATS);

/** Accept a stored draft only field by field, falling back to defaults. */
export function restoreDraft(value: unknown): GenerateDraft {
  if (typeof value !== "object" || value === null) return DEFAULT_DRAFT;
  const v = value as Record<string, unknown>;
  return {
    prompt: typeof v.prompt === "string" ? v.prompt.slice(0, PROMPT_MAX) : DEFAULT_DRAFT.prompt,
    size: isSizeChoice(v.size) ? v.size : DEFAULT_DRAFT.size,
    customWidth: typeof v.customWidth === "string" ? v.customWidth : DEFAULT_DRAFT.customWidth,
    customHeight: typeof v.customHeight === "string" ? v.customHeight : DEFAULT_DRAFT.customHeight,
    quality: isQuality(v.quality) ? v.quality : DEFAULT_DRAFT.quality,
    format: isFormat(v.format) ? v.format : DEFAULT_DRAFT.format,
  };
}

/** The size the draft asks for, validated. */
export function draftSize(draft: GenerateDraft): SizeCheck {
  if (draft.size !== "custom") return checkSize(draft.size);
  const w = draft.customWidth.trim();
  const h = draft.customHeight.trim();
  if (!w || !h) return { ok: false, error: "empty" };
  if (!/^\d+$/.test(w) || !/^\d+$/.test(h)) return { ok: false, error: "format" };
  return checkDimensions(Number.parseInt(w, 10), Number.parseInt(h, 10));
}

export type DraftProblem = "prompt" | "size";

export type BuiltRequest =
  | { ok: true; body: GenerateRequest }
  | { ok: false; problem: DraftProblem };

export function buildGenerateRequest(draft: GenerateDraft): BuiltRequest {
  const prompt = draft.prompt.trim();
  if (!prompt) return { ok: false, problem: "prompt" };
  const size = draftSize(draft);
  if (!size.ok) return { ok: false, problem: "size" };
  return {
    ok: true,
    body: { prompt, size: size.value, quality: draft.quality, format: draft.format, n: 1 },
  };
}
