import { describe, expect, it } from "vitest";
import { en } from "../../i18n/messages/en";
import { DEFAULT_DRAFT, type GenerateDraft } from "../generate/draft";
import { BLOCKER_MESSAGE, editBlocker, referenceLimit, type EditState } from "./submit";

const ready: EditState = {
  draft: { ...DEFAULT_DRAFT, prompt: "make it snow" },
  refCount: 1,
  mode: "references",
  regionMode: "native-mask",
};
const withDraft = (draft: Partial<GenerateDraft>, rest: Partial<EditState> = {}): EditState => ({
  ...ready,
  ...rest,
  draft: { ...ready.draft, ...draft },
});

describe("editBlocker", () => {
  it("lets a complete edit go", () => {
    expect(editBlocker(ready)).toBeNull();
    expect(editBlocker({ ...ready, mode: "region" })).toBeNull();
    expect(editBlocker({ ...ready, mode: "region", regionMode: "reference-hint" })).toBeNull();
    // a provider without region edits can still edit whole images
    expect(editBlocker({ ...ready, regionMode: "none" })).toBeNull();
  });

  it("needs a reference image first", () => {
    expect(editBlocker({ ...ready, refCount: 0 })).toBe("no_reference");
    expect(editBlocker(withDraft({ prompt: "" }, { refCount: 0 }))).toBe("no_reference");
  });

  it("blocks region mode on a provider that cannot edit regions", () => {
    expect(editBlocker({ ...ready, mode: "region", regionMode: "none" })).toBe("region_unsupported");
  });

  it("keeps one slot free for the soft selection hint", () => {
    expect(referenceLimit({ mode: "references", regionMode: "reference-hint" })).toBe(16);
    expect(referenceLimit({ mode: "region", regionMode: "native-mask" })).toBe(16);
    expect(referenceLimit({ mode: "region", regionMode: "reference-hint" })).toBe(15);
    expect(editBlocker({ ...ready, refCount: 16, mode: "region", regionMode: "reference-hint" })).toBe("too_many_references");
    expect(editBlocker({ ...ready, refCount: 15, mode: "region", regionMode: "reference-hint" })).toBeNull();
    expect(editBlocker({ ...ready, refCount: 16, mode: "region", regionMode: "native-mask" })).toBeNull();
    expect(editBlocker({ ...ready, refCount: 16 })).toBeNull();
  });

  it("blocks an invalid custom size and a transparent JPEG", () => {
    expect(editBlocker(withDraft({ size: "custom", customWidth: "1000", customHeight: "1000" }))).toBe("size");
    expect(editBlocker(withDraft({ size: "custom", customWidth: "", customHeight: "1024" }))).toBe("size");
    expect(editBlocker(withDraft({ size: "custom", customWidth: "1536", customHeight: "864" }))).toBeNull();
    expect(editBlocker(withDraft({ background: "transparent", format: "jpeg" }))).toBe("background");
    expect(editBlocker(withDraft({ background: "transparent", format: "png" }))).toBeNull();
  });

  it("needs a prompt last", () => {
    expect(editBlocker(withDraft({ prompt: "   " }))).toBe("prompt");
    expect(editBlocker(withDraft({ prompt: "" }, { mode: "region", regionMode: "none" }))).toBe("region_unsupported");
    expect(editBlocker(withDraft({ prompt: "", size: "custom", customWidth: "7", customHeight: "7" }))).toBe("size");
  });

  it("has a message for every reason", () => {
    for (const key of Object.values(BLOCKER_MESSAGE)) expect(en[key]).toBeTruthy();
  });
});
