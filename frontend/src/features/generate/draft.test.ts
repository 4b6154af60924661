import { describe, expect, it } from "vitest";
import { buildGenerateRequest, clampCount, DEFAULT_DRAFT, draftSize, restoreDraft, SIZE_PRESETS, sizeFields } from "./draft";
import { checkSize } from "../../lib/size";

describe("generate draft", () => {
  it("builds the request body with a normalised size", () => {
    const result = buildGenerateRequest({ ...DEFAULT_DRAFT, prompt: "  a red fox  ", size: "2048x2048", quality: "high", format: "webp" });
    expect(result).toEqual({
      ok: true,
      body: { prompt: "a red fox", size: "2048x2048", quality: "high", format: "webp", n: 1, compression: 90 },
    });
  });

  it("sends provider, count, background and compression only when they matter", () => {
    const result = buildGenerateRequest({ ...DEFAULT_DRAFT, prompt: "x", provider: "my-api", n: 4, background: "transparent", quality: "xhigh" });
    expect(result).toEqual({
      ok: true,
      body: { prompt: "x", provider: "my-api", size: "1024x1024", quality: "xhigh", format: "png", n: 4, background: "transparent" },
    });
    expect(buildGenerateRequest({ ...DEFAULT_DRAFT, prompt: "x", format: "jpeg", background: "transparent" })).toEqual({
      ok: false,
      problem: "background",
    });
  });

  it("sends auto as auto", () => {
    const result = buildGenerateRequest({ ...DEFAULT_DRAFT, prompt: "x", size: "auto" });
    expect(result.ok && result.body.size).toBe("auto");
  });

  it("requires a prompt", () => {
    expect(buildGenerateRequest({ ...DEFAULT_DRAFT, prompt: "   " })).toEqual({ ok: false, problem: "prompt" });
  });

  it("only offers presets the server accepts", () => {
    for (const preset of SIZE_PRESETS.filter((p) => p.value !== "custom")) {
      expect(checkSize(preset.value).ok, preset.value).toBe(true);
    }
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

  it("maps stored sizes back onto the form", () => {
    expect(sizeFields("1536x1024").size).toBe("1536x1024");
    expect(sizeFields("2K").size).toBe("2048x2048");
    expect(sizeFields("1792x1024")).toMatchObject({ size: "custom", customWidth: "1792", customHeight: "1024" });
    expect(sizeFields("nonsense").size).toBe(DEFAULT_DRAFT.size);
  });

  it("clamps the count", () => {
    expect(clampCount(0)).toBe(1);
    expect(clampCount(99)).toBe(16);
    expect(clampCount("3")).toBe(3);
    expect(clampCount("x")).toBe(1);
  });

  it("restores stored drafts defensively", () => {
    expect(restoreDraft(null)).toEqual(DEFAULT_DRAFT);
    expect(restoreDraft({ prompt: "hi", size: "bogus", quality: "high", format: "gif", n: 40, compression: 300 })).toEqual({
      ...DEFAULT_DRAFT,
      prompt: "hi",
      quality: "high",
      n: 16,
    });
    expect(restoreDraft({ size: "2k" }).size).toBe("2048x2048");
  });
});
