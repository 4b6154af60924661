/**
 * Why the Edit screen's Apply button is disabled, as pure data: the first
 * problem that would make the request fail, or null when it can go.
 */
import type { MessageKey } from "../../i18n/translate";
import type { RegionMode } from "../config/providers";
import { commonParams, type GenerateDraft } from "../generate/draft";
import { MAX_REFERENCES } from "./references";

export type EditBlocker =
  | "no_reference"
  | "region_unsupported"
  | "too_many_references"
  | "size"
  | "background"
  | "prompt";

/** The message each reason shows under the button. */
export const BLOCKER_MESSAGE = {
  no_reference: "edit.need_reference",
  region_unsupported: "edit.region_unsupported",
  too_many_references: "edit.blocked.too_many",
  size: "edit.blocked.size",
  background: "edit.blocked.background",
  prompt: "edit.blocked.prompt",
} as const satisfies Record<EditBlocker, MessageKey>;

export interface EditState {
  draft: GenerateDraft;
  refCount: number;
  mode: "references" | "region";
  /** The chosen provider's region method (spec/ui.md §5.4). */
  regionMode: RegionMode;
}

/** How many references a request can carry: soft selection sends the hint as one more. */
export function referenceLimit(state: Pick<EditState, "mode" | "regionMode">): number {
  return state.mode === "region" && state.regionMode === "reference-hint" ? MAX_REFERENCES - 1 : MAX_REFERENCES;
}

/**
 * The first reason the edit cannot be submitted, in the order a user fixes
 * them: images, the region method, the parameters, then the prompt. Whether
 * anything is painted is checked on submit (spec/ui.md §5.4: "no selection"
 * is a toast, not a disabled button).
 */
export function editBlocker(state: EditState): EditBlocker | null {
  if (state.refCount === 0) return "no_reference";
  if (state.mode === "region" && state.regionMode === "none") return "region_unsupported";
  if (state.refCount > referenceLimit(state)) return "too_many_references";
  const common = commonParams(state.draft);
  if (!common.ok) return common.problem === "background" ? "background" : "size";
  if (!state.draft.prompt.trim()) return "prompt";
  return null;
}
