import { describe, expect, it } from "vitest";
import { addRefs, clipboardName, isImageFile, moveRef } from "./references";

describe("references", () => {
  it("accepts images by MIME type or extension", () => {
    expect(isImageFile({ type: "image/png", name: "x" })).toBe(true);
    expect(isImageFile({ type: "", name: "photo.HEIC" })).toBe(true);
    expect(isImageFile({ type: "text/plain", name: "notes.txt" })).toBe(false);
  });
  it("caps the list at 16", () => {
    const full = Array.from({ length: 15 }, (_, i) => i);
    expect(addRefs(full, [100, 101, 102])).toEqual({ list: [...full, 100], dropped: 2 });
    expect(addRefs([], [1, 2]).dropped).toBe(0);
  });
  it("moves items", () => {
    expect(moveRef(["a", "b", "c"], 2, 0)).toEqual(["c", "a", "b"]);
    expect(moveRef(["a", "b", "c"], 0, 9)).toEqual(["b", "c", "a"]);
    expect(moveRef(["a", "b"], 5, 0)).toEqual(["a", "b"]);
  });
  it("names clipboard images", () => {
    const when = new Date(2026, 4, 6, 7, 8, 9);
    expect(clipboardName("image.png", "image/png", when, 1)).toBe("clipboard-20260506-070809-1.png");
    expect(clipboardName("", "image/jpeg", when, 2)).toBe("clipboard-20260506-070809-2.jpg");
    expect(clipboardName("shot.png", "image/png", when, 1)).toBe("shot.png");
  });
});
