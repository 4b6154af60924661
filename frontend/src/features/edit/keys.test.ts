import { describe, expect, it } from "vitest";
import { canvasKeyAction, historyShortcut, isTextField, pointerIntent, spacePans, type KeyLike } from "./keys";

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

describe("spacePans", () => {
  it("pans with nothing focused or focus on the page", () => {
    expect(spacePans(null, false)).toBe(true);
    expect(spacePans({ tagName: "BODY" }, false)).toBe(true);
    expect(spacePans({ tagName: "DIV" }, true)).toBe(true);
  });

  it("never in text fields or on the canvas, where Space types or stamps", () => {
    expect(spacePans({ tagName: "TEXTAREA" }, true)).toBe(false);
    expect(spacePans({ tagName: "INPUT", type: "text" }, true)).toBe(false);
    expect(spacePans({ tagName: "DIV", isContentEditable: true }, true)).toBe(false);
    expect(spacePans({ tagName: "CANVAS", isCanvas: true }, true)).toBe(false);
  });

  it("on a control Space presses, only while the pointer is over the stage", () => {
    expect(spacePans({ tagName: "BUTTON", type: "button" }, false)).toBe(false);
    expect(spacePans({ tagName: "BUTTON", type: "button" }, true)).toBe(true);
    expect(spacePans({ tagName: "INPUT", type: "radio" }, false)).toBe(false);
    expect(spacePans({ tagName: "DIV", role: "tab" }, false)).toBe(false);
  });
});

describe("pointerIntent", () => {
  const mouse = (button: number) => ({ button, pointerType: "mouse" });

  it("pans with the middle button whatever the tool", () => {
    expect(pointerIntent(mouse(1), "brush", false)).toBe("pan");
    expect(pointerIntent(mouse(1), "rect", false)).toBe("pan");
  });

  it("pans with the primary button in pan mode or while Space is held", () => {
    expect(pointerIntent(mouse(0), "brush", true)).toBe("pan");
    expect(pointerIntent({ button: 0, pointerType: "touch" }, "ellipse", true)).toBe("pan");
  });

  it("paints or draws a shape with the primary button, ignores the others", () => {
    expect(pointerIntent(mouse(0), "brush", false)).toBe("paint");
    expect(pointerIntent(mouse(0), "eraser", false)).toBe("paint");
    expect(pointerIntent(mouse(0), "rect", false)).toBe("shape");
    expect(pointerIntent({ button: 0, pointerType: "pen" }, "ellipse", false)).toBe("shape");
    expect(pointerIntent(mouse(2), "brush", false)).toBe(null);
  });
});
