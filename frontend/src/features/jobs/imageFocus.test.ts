import { describe, expect, it } from "vitest";
import { imageShortcut, type KeyLike } from "./imageFocus";
import { outputLetter, quickLookStep } from "./QuickLook";

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe("image shortcuts", () => {
  it("maps the keys of spec/ui.md §8.4", () => {
    expect(imageShortcut(key(" "))).toBe("quick-look");
    expect(imageShortcut(key("c", { ctrlKey: true }))).toBe("copy-image");
    expect(imageShortcut(key("c", { metaKey: true }))).toBe("copy-image");
    expect(imageShortcut(key("C", { metaKey: true, shiftKey: true }))).toBe("copy-prompt");
    expect(imageShortcut(key("Backspace", { metaKey: true }))).toBe("delete");
    expect(imageShortcut(key("Delete", { ctrlKey: true }))).toBe("delete");
  });

  it("ignores other combinations", () => {
    expect(imageShortcut(key("c"))).toBeNull();
    expect(imageShortcut(key(" ", { ctrlKey: true }))).toBeNull();
    expect(imageShortcut(key(" ", { shiftKey: true }))).toBeNull();
    expect(imageShortcut(key("c", { ctrlKey: true, altKey: true }))).toBeNull();
    expect(imageShortcut(key("Delete"))).toBeNull();
    expect(imageShortcut(key("Backspace", { ctrlKey: true, shiftKey: true }))).toBeNull();
  });
});

describe("Quick Look navigation", () => {
  it("wraps around with the arrows and jumps with Home/End", () => {
    expect(quickLookStep(0, 3, "ArrowRight")).toBe(1);
    expect(quickLookStep(2, 3, "ArrowRight")).toBe(0);
    expect(quickLookStep(0, 3, "ArrowLeft")).toBe(2);
    expect(quickLookStep(1, 3, "Home")).toBe(0);
    expect(quickLookStep(1, 3, "End")).toBe(2);
    expect(quickLookStep(0, 1, "ArrowRight")).toBeNull();
    expect(quickLookStep(0, 3, "Enter")).toBeNull();
  });

  it("letters outputs A, B, … then #27", () => {
    expect(outputLetter(0)).toBe("A");
    expect(outputLetter(25)).toBe("Z");
    expect(outputLetter(26)).toBe("#27");
  });
});
