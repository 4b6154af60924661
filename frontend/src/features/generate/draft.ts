/**
 * The Generate form as plain data, and the pure step that turns it into the
 * request body (validated with the same size rules as the server).
 */
import type { GenerateRequest } from "../../api/types";
import type { MessageKey } from "../../i18n/translate";
import { checkDimensions, checkSize, type SizeCheck } from "../../lib/size";

export const PROMPT_MAX = 4000;
export const COUNT_MAX = 16;

/** Size presets (spec/ui.md §4.2; only sizes that pass the server's rules). */
export const SIZE_PRESETS: readonly { value: string; name: MessageKey }[] = [
  { value: "auto", name: "size.name.auto" },
  { value: "1024x1024", name: "size.name.square" },
  { value: "1536x1024", name: "size.name.landscape" },
  { value: "1024x1536", name: "size.name.portrait" },
  { value: "2048x2048", name: "size.name.square_2k" },
  { value: "2048x1152", name: "size.name.wide_2k" },
  { value: "1152x2048", name: "size.name.tall_2k" },
  { value: "1280x720", name: "size.name.hd" },
  { value: "3840x2160", name: "size.name.wide_4k" },
  { value: "2160x3840", name: "size.name.tall_4k" },
  { value: "3360x1440", name: "size.name.ultrawide" },
  { value: "custom", name: "size.name.custom" },
];
export type SizeChoice = string;

export const QUALITIES = ["auto", "low", "medium", "high", "xhigh", "max"] as const;
export type Quality = (typeof QUALITIES)[number];

export const FORMATS = ["png", "jpeg", "webp"] as const;
export type Format = (typeof FORMATS)[number];

export const BACKGROUNDS = ["auto", "opaque", "transparent"] as const;
export type Background = (typeof BACKGROUNDS)[number];

export interface GenerateDraft {
  prompt: string;
  /** "" = the server's default provider. */
  provider: string;
  size: SizeChoice;
  customWidth: string;
  customHeight: string;
  quality: Quality;
  format: Format;
  background: Background;
  /** 0..100, sent for JPEG and WebP only. */
  compression: number;
  n: number;
}

export const DEFAULT_DRAFT: GenerateDraft = {
  prompt: "",
  provider: "",
  size: "1024x1024",
  customWidth: "1536",
  customHeight: "864",
  quality: "auto",
  format: "png",
  background: "auto",
  compression: 90,
  n: 1,
};

const oneOf =
  <T extends string>(values: readonly T[]) =>
  (value: unknown): value is T =>
    typeof value === "string" && (values as readonly string[]).includes(value);

const LEGACY_SIZES: Readonly<Record<string, string>> = { "2k": "2048x2048", "4k": "3840x2160" };

export const isSizeChoice = (value: unknown): value is SizeChoice =>
  typeof value === "string" && SIZE_PRESETS.some((p) => p.value === value);
export const isQuality = oneOf(QUALITIES);
export const isFormat = oneOf(FORMATS);
export const isBackground = oneOf(BACKGROUNDS);

export function clampCount(value: unknown): number {
  const n = typeof value === "number" ? value : Number.parseInt(String(value), 10);
  return Number.isFinite(n) ? Math.min(COUNT_MAX, Math.max(1, Math.round(n))) : 1;
}

/** Accept a stored draft only field by field, falling back to defaults. */
export function restoreDraft(value: unknown): GenerateDraft {
  if (typeof value !== "object" || value === null) return DEFAULT_DRAFT;
  const v = value as Record<string, unknown>;
  const size = typeof v.size === "string" ? (LEGACY_SIZES[v.size] ?? v.size) : undefined;
  return {
    prompt: typeof v.prompt === "string" ? v.prompt.slice(0, PROMPT_MAX) : DEFAULT_DRAFT.prompt,
    provider: typeof v.provider === "string" ? v.provider : DEFAULT_DRAFT.provider,
    size: isSizeChoice(size) ? size : DEFAULT_DRAFT.size,
    customWidth: typeof v.customWidth === "string" ? v.customWidth : DEFAULT_DRAFT.customWidth,
    customHeight: typeof v.customHeight === "string" ? v.customHeight : DEFAULT_DRAFT.customHeight,
    quality: isQuality(v.quality) ? v.quality : DEFAULT_DRAFT.quality,
    format: isFormat(v.format) ? v.format : DEFAULT_DRAFT.format,
    background: isBackground(v.background) ? v.background : DEFAULT_DRAFT.background,
    compression:
      typeof v.compression === "number" && v.compression >= 0 && v.compression <= 100
        ? Math.round(v.compression)
        : DEFAULT_DRAFT.compression,
    n: v.n === undefined ? DEFAULT_DRAFT.n : clampCount(v.n),
  };
}

/** The size the draft asks for, validated. */
export function draftSize(draft: Pick<GenerateDraft, "size" | "customWidth" | "customHeight">): SizeCheck {
  if (draft.size !== "custom") return checkSize(draft.size);
  const w = draft.customWidth.trim();
  const h = draft.customHeight.trim();
  if (!w || !h) return { ok: false, error: "empty" };
  if (!/^\d+$/.test(w) || !/^\d+$/.test(h)) return { ok: false, error: "format" };
  return checkDimensions(Number.parseInt(w, 10), Number.parseInt(h, 10));
}

/** Map a stored size (e.g. from a job being re-run) onto the form's fields. */
export function sizeFields(size: string | null | undefined): Pick<GenerateDraft, "size" | "customWidth" | "customHeight"> {
  const check = size ? checkSize(size) : null;
  if (!check || !check.ok) return { size: DEFAULT_DRAFT.size, customWidth: DEFAULT_DRAFT.customWidth, customHeight: DEFAULT_DRAFT.customHeight };
  const value: string = check.value;
  if (SIZE_PRESETS.some((p) => p.value === value)) return { size: value, customWidth: DEFAULT_DRAFT.customWidth, customHeight: DEFAULT_DRAFT.customHeight };
  const [w = "", h = ""] = value.split("x");
  return { size: "custom", customWidth: w, customHeight: h };
}

export type DraftProblem = "prompt" | "size" | "background";

/** Transparent backgrounds need an alpha-capable format. */
export function backgroundProblem(draft: Pick<GenerateDraft, "background" | "format">): boolean {
  return draft.background === "transparent" && draft.format === "jpeg";
}

export type BuiltRequest =
  | { ok: true; body: GenerateRequest }
  | { ok: false; problem: DraftProblem };

/** The parameters shared by generate and edit requests. */
export function commonParams(draft: GenerateDraft): { ok: true; params: Omit<GenerateRequest, "prompt"> } | { ok: false; problem: DraftProblem } {
  const size = draftSize(draft);
  if (!size.ok) return { ok: false, problem: "size" };
  if (backgroundProblem(draft)) return { ok: false, problem: "background" };
  const params: Omit<GenerateRequest, "prompt"> = {
    size: size.value,
    quality: draft.quality,
    format: draft.format,
    n: clampCount(draft.n),
  };
  if (draft.provider) params.provider = draft.provider;
  if (draft.background !== "auto") params.background = draft.background;
  if (draft.format !== "png") params.compression = draft.compression;
  return { ok: true, params };
}

export function buildGenerateRequest(draft: GenerateDraft): BuiltRequest {
  const prompt = draft.prompt.trim();
  if (!prompt) return { ok: false, problem: "prompt" };
  const common = commonParams(draft);
  if (!common.ok) return common;
  return { ok: true, body: { prompt, ...common.params } };
}
