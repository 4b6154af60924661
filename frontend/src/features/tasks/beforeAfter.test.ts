import { describe, expect, it } from "vitest";
import { sliderKey } from "./BeforeAfter";

describe("before/after slider keys", () => {
  it("moves by 5 with the arrows and 25 with Page Up/Down, within 0–100", () => {
    expect(sliderKey(50, "ArrowLeft")).toBe(45);
    expect(sliderKey(50, "ArrowDown")).toBe(45);
    expect(sliderKey(50, "ArrowRight")).toBe(55);
    expect(sliderKey(50, "ArrowUp")).toBe(55);
    expect(sliderKey(50, "PageUp")).toBe(75);
    expect(sliderKey(10, "PageDown")).toBe(0);
    expect(sliderKey(98, "ArrowRight")).toBe(100);
    expect(sliderKey(40, "Home")).toBe(0);
    expect(sliderKey(40, "End")).toBe(100);
    expect(sliderKey(40, "Enter")).toBeNull();
  });
});
