import { describe, expect, it } from "vitest";
import { buildGenerateRequest, DEFAULT_DRAFT, draftSize, restoreDraft } from "./draft";

describe("generate draft", () => {
  it("builds the request body with a normalised size", () => {
    const result = buildGenerateRequest({ ...DEFAULT_DRAFT, prompt: "  a red fox  ", size: "2k", quality: "high", format: "webp" });
    expect(result).toEqual({
      ok: true,
      body: { prompt: "a red fox", size: "2048x2048", quality: "high", format: "webp", n: 1 },
    });
  });

  it("sends auto as auto", () => {
    const result = buildGenerateRequest({ ...DEFAULT_DRAFT, prompt: "x", size: "auto" });
    expect(result.ok && result.body.size).toBe("auto");
  });

  it("requires a prompt", () => {
    expect(buildGenerateRequest({ ...DEFAULT_DRAFT, prompt: "   " })).toEqual({ ok: false, problem: "prompt" });
  });

  it("validates custom sizes", () => {
    const custom = { ...DEFAULT_DRAFT, prompt: "x", size: "custom" as const };
    expect(buildGenerateRequest({ ...custom, customWidth: "1792", customHeight: "1024" })).toMatchObject({
      ok: true,
      body: { size: "1792x1024" },
    });
    expect(buildGenerateRequest({ ...custom, customWidth: "1000", customHeight: "1000" })).toEqual({ ok: false, problem: "size" });
    expect(draftSize({ ...custom, customWidth: "", customHeight: "1024" })).toEqual({ ok: false, error: "empty" });
    expect(draftSize({ ...custom, customWidth: "1e3", customHeight: "1024" })).toEqual({ ok: false, error: "format" });
    expect(draftSize({ ...custom, customWidth: "4096", customHeight: "1024" })).toEqual({ ok: false, error: "max_edge" });
  });

  it("restores stored drafts defensively", () => {
    expect(restoreDraft(null)).toEqual(DEFAULT_DRAFT);
    expect(restoreDraft({ prompt: "hi", size: "bogus", quality: "high", format: "gif" })).toEqual({
      ...DEFAULT_DRAFT,
      prompt: "hi",
      quality: "high",
    });
  });
});
