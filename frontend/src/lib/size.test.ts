import { describe, expect, it } from "vitest";
import { aspectRatioLabel, checkDimensions, checkSize, dimensionsOf, snapToMultiple } from "./size";

describe("checkSize", () => {
  it.each([
    ["auto", "auto"],
    [" AUTO ", "auto"],
    ["2K", "2048x2048"],
    [" 2k ", "2048x2048"],
    ["4K", "3840x2160"],
    ["1024x1024", "1024x1024"],
    ["1536x1024", "1536x1024"],
    ["1024X1536", "1024x1536"],
    ["1024×1024", "1024x1024"],
    ["01024x1024", "1024x1024"],
    ["+1024x1024", "1024x1024"],
    ["816x816", "816x816"],
    ["512x1280", "512x1280"],
    ["2880x2880", "2880x2880"],
    ["3840x2160", "3840x2160"],
    ["3840x1280", "3840x1280"],
  ])("accepts %j as %s", (input, value) => {
    const result = checkSize(input);
    expect(result).toMatchObject({ ok: true, value });
  });

  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["1k", "format"],
    ["abc", "format"],
    ["1024", "format"],
    ["1024x1024x1", "format"],
    ["1024 x 1024", "format"],
    ["-1024x1024", "format"],
    ["1024.0x1024", "format"],
    ["0x1024", "positive"],
    ["1024x0", "positive"],
    ["1000x1000", "multiple"],
    ["100x100", "multiple"],
    ["4000x1000", "multiple"],
    ["4096x1024", "max_edge"],
    ["3856x1024", "max_edge"],
    ["800x800", "min_pixels"],
    ["640x1008", "min_pixels"],
    ["2896x2896", "max_pixels"],
    ["3840x2176", "max_pixels"],
    ["2048x512", "aspect"],
    ["3840x1264", "aspect"],
  ])("rejects %j with %s", (input, error) => {
    expect(checkSize(input)).toEqual({ ok: false, error });
  });

  it("accepts the pixel bounds inclusively", () => {
    // 1024x640 = 655,360 exactly; 3840x2160 = 8,294,400 exactly.
    expect(checkSize("1024x640")).toMatchObject({ ok: true, value: "1024x640" });
    expect(checkSize("3840x2160").ok).toBe(true);
    expect(checkSize("1008x640")).toEqual({ ok: false, error: "min_pixels" });
  });

  it("accepts exactly 3:1 but not beyond", () => {
    expect(checkSize("2304x768").ok).toBe(true);
    expect(checkSize("768x2304").ok).toBe(true);
    expect(checkSize("2320x768")).toEqual({ ok: false, error: "aspect" });
  });
});

describe("checkDimensions", () => {
  it("rejects non-integers", () => {
    expect(checkDimensions(1024.5, 1024)).toEqual({ ok: false, error: "format" });
    expect(checkDimensions(Number.NaN, 1024)).toEqual({ ok: false, error: "format" });
  });
  it("returns the normalised value", () => {
    expect(checkDimensions(1792, 1024)).toEqual({ ok: true, value: "1792x1024", width: 1792, height: 1024 });
  });
});

describe("helpers", () => {
  it("dimensionsOf reads WxH and ignores auto", () => {
    expect(dimensionsOf("1536x1024")).toEqual({ width: 1536, height: 1024 });
    expect(dimensionsOf("auto")).toBeNull();
    expect(dimensionsOf(undefined)).toBeNull();
    expect(dimensionsOf("2K")).toEqual({ width: 2048, height: 2048 });
  });
  it("aspectRatioLabel reduces ratios", () => {
    expect(aspectRatioLabel(1024, 1024)).toBe("1:1");
    expect(aspectRatioLabel(1536, 1024)).toBe("3:2");
    expect(aspectRatioLabel(3840, 2160)).toBe("16:9");
    expect(aspectRatioLabel(1792, 1024)).toBe("7:4");
    expect(aspectRatioLabel(1008, 1024)).toBe("1:1.02");
    expect(aspectRatioLabel(2000, 1008)).toBe("1.98:1");
  });
  it("snapToMultiple rounds to 16", () => {
    expect(snapToMultiple(1000)).toBe(1008);
    expect(snapToMultiple(1)).toBe(16);
    expect(snapToMultiple(1024)).toBe(1024);
  });
});
