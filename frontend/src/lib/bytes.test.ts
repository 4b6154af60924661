/// <reference types="node" />
import { describe, expect, it } from "vitest";
import { bytesToBase64, slug } from "./bytes";

describe("bytes", () => {
  it("encodes base64 across chunk boundaries", () => {
    const data = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    expect(bytesToBase64(data)).toBe(Buffer.from(data).toString("base64"));
    expect(bytesToBase64(new Uint8Array())).toBe("");
  });
  it("makes file-name slugs", () => {
    expect(slug("A lighthouse: on a cliff?")).toBe("A-lighthouse-on-a-cliff");
    expect(slug("  ")).toBe("image");
    expect(slug("灯塔 / 黎明")).toBe("灯塔-黎明");
    expect(slug("x".repeat(100)).length).toBe(48);
  });
});
