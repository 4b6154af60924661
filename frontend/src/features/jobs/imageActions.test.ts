import { describe, expect, it } from "vitest";
import { shareData } from "./imageActions";

describe("share data", () => {
  const url = "http://127.0.0.1/api/jobs/j1/outputs/0";
  const file = new File([new Uint8Array([1, 2, 3])], "image.png", { type: "image/png" });

  it("shares the file already fetched when files can be shared", () => {
    expect(shareData(url, "a fox", file, () => true)).toEqual({ files: [file], text: "a fox" });
  });

  it("shares the URL when the file is not fetched yet or files cannot be shared", () => {
    expect(shareData(url, "a fox", undefined, () => true)).toEqual({ url, text: "a fox" });
    expect(shareData(url, undefined, file, () => false)).toEqual({ url, text: undefined });
    expect(shareData(url, "a fox", file, undefined)).toEqual({ url, text: "a fox" });
  });
});
