import { describe, expect, it } from "vitest";
import { canvasKeyAction, historyShortcut, isTextField, type KeyLike } from "./keys";

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe("historyShortcut", () => {
  it("undoes with Ctrl+Z or ⌘Z", () => {
    expect(historyShortcut(key("z", { ctrlKey: true }))).toBe("undo");
    expect(historyShortcut(key("z", { metaKey: true }))).toBe("undo");
  });

  it("redoes with Shift+Ctrl/⌘+Z and Ctrl/⌘+Y", () => {
    expect(historyShortcut(key("Z", { ctrlKey: true, shiftKey: true }))).toBe("redo");
    expect(historyShortcut(key("z", { metaKey: true, shiftKey: true }))).toBe("redo");
    expect(historyShortcut(key("y", { ctrlKey: true }))).toBe("redo");
    expect(historyShortcut(key("y", { metaKey: true }))).toBe("redo");
  });

  it("leaves other keys alone", () => {
    expect(historyShortcut(key("z"))).toBeNull();
    expect(historyShortcut(key("z", { shiftKey: true }))).toBeNull();
    expect(historyShortcut(key("z", { ctrlKey: true, altKey: true }))).toBeNull();
    expect(historyShortcut(key("x", { ctrlKey: true }))).toBeNull();
    expect(historyShortcut(key("Y", { ctrlKey: true, shiftKey: true }))).toBeNull();
  });
});

describe("canvasKeyAction", () => {
  it("maps the canvas keys of spec/ui.md §5.3", () => {
    for (const k of ["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"]) {
      expect(canvasKeyAction(key(k))).toBe("move");
      expect(canvasKeyAction(key(k, { shiftKey: true }))).toBe("move");
    }
    expect(canvasKeyAction(key(" "))).toBe("stamp");
    expect(canvasKeyAction(key("Enter"))).toBe("stamp");
    expect(canvasKeyAction(key("Delete"))).toBe("clear");
    expect(canvasKeyAction(key("Backspace"))).toBe("clear");
    expect(canvasKeyAction(key("Escape"))).toBe("blur");
  });

  it("leaves modified keys and Tab to the browser and the page", () => {
    expect(canvasKeyAction(key("Tab"))).toBeNull();
    expect(canvasKeyAction(key("Enter", { ctrlKey: true }))).toBeNull();
    expect(canvasKeyAction(key("ArrowLeft", { metaKey: true }))).toBeNull();
    expect(canvasKeyAction(key("Backspace", { altKey: true }))).toBeNull();
    expect(canvasKeyAction(key("z", { ctrlKey: true }))).toBeNull();
    expect(canvasKeyAction(key("a"))).toBeNull();
  });
});

describe("isTextField", () => {
  it("treats typing places as text fields", () => {
    expect(isTextField({ tagName: "TEXTAREA" })).toBe(true);
    expect(isTextField({ tagName: "INPUT" })).toBe(true);
    expect(isTextField({ tagName: "INPUT", type: "text" })).toBe(true);
    expect(isTextField({ tagName: "INPUT", type: "number" })).toBe(true);
    expect(isTextField({ tagName: "SELECT" })).toBe(true);
    expect(isTextField({ tagName: "DIV", isContentEditable: true })).toBe(true);
  });

  it("lets the editor undo from the canvas, buttons and sliders", () => {
    expect(isTextField(null)).toBe(false);
    expect(isTextField({ tagName: "CANVAS" })).toBe(false);
    expect(isTextField({ tagName: "BUTTON" })).toBe(false);
    expect(isTextField({ tagName: "BODY" })).toBe(false);
    expect(isTextField({ tagName: "INPUT", type: "range" })).toBe(false);
    expect(isTextField({ tagName: "INPUT", type: "radio" })).toBe(false);
  });
});
