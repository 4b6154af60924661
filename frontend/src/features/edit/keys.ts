/**
 * Keyboard handling of the mask canvas as pure decisions (spec/ui.md §5.3):
 * which keys undo and redo, which keys act on the focused canvas, and which
 * focused elements are text fields that keep their own shortcuts.
 */
import type { KeyLike } from "../../lib/keyLike";

export type { KeyLike };

/** ⌘/Ctrl+Z undoes; ⇧⌘/Ctrl+Z and ⌘/Ctrl+Y redo. */
export function historyShortcut(e: KeyLike): "undo" | "redo" | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const k = e.key.toLowerCase();
  if (k === "z") return e.shiftKey ? "redo" : "undo";
  if (k === "y" && !e.shiftKey) return "redo";
  return null;
}

export type CanvasKeyAction = "move" | "stamp" | "clear" | "blur";

/** What a key does while the canvas itself has focus; null leaves it to the browser. */
export function canvasKeyAction(e: KeyLike): CanvasKeyAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case "ArrowLeft":
    case "ArrowRight":
    case "ArrowUp":
    case "ArrowDown":
      return "move";
    case " ":
    case "Enter":
      return e.shiftKey ? null : "stamp";
    case "Delete":
    case "Backspace":
      return "clear";
    case "Escape":
      return "blur";
    default:
      return null;
  }
}

export interface ElementLike {
  tagName: string;
  type?: string;
  isContentEditable?: boolean;
}

/** Inputs that take no typing (their Ctrl+Z means nothing to them). */
const NON_TEXT_INPUTS = new Set(["button", "checkbox", "color", "file", "image", "radio", "range", "reset", "submit"]);

/** A place where ⌘/Ctrl+Z belongs to the text being typed. */
export function isTextField(el: ElementLike | null | undefined): boolean {
  if (!el) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName.toLowerCase();
  if (tag === "textarea" || tag === "select") return true;
  if (tag !== "input") return false;
  return !NON_TEXT_INPUTS.has((el.type ?? "text").toLowerCase());
}

/** Elements where Space is their own key (it presses or toggles them). */
const SPACE_CONTROLS = new Set(["button", "input", "select", "textarea", "summary", "a", "option"]);
const SPACE_ROLES = new Set(["button", "checkbox", "radio", "switch", "menuitem", "menuitemcheckbox", "menuitemradio", "tab", "option", "slider", "link"]);

export interface FocusLike extends ElementLike {
  /** The element's ARIA role, if any. */
  role?: string | null;
  /** Whether it is the mask canvas itself. */
  isCanvas?: boolean;
}

/**
 * Whether holding Space pans the mask view (spec/ui.md §5.3). Never in text
 * fields (Space types) or on the focused canvas (Space stamps there). On a
 * control that Space presses (a toolbar button just clicked, a radio) it pans
 * only while the pointer is over the stage: a keyboard user's Space keeps
 * pressing the button, a mouse user holding Space over the picture pans.
 */
export function spacePans(focused: FocusLike | null | undefined, pointerOverStage: boolean): boolean {
  if (!focused) return true;
  if (focused.isCanvas || isTextField(focused)) return false;
  const tag = focused.tagName.toLowerCase();
  const control = SPACE_CONTROLS.has(tag) || SPACE_ROLES.has((focused.role ?? "").toLowerCase());
  return !control || pointerOverStage;
}

export type PointerIntent = "pan" | "paint" | "shape" | null;

/**
 * What a pointer press on the stage does: the middle mouse button, the Pan
 * tool and a held Space drag the view; otherwise the primary button (or a
 * touch or pen) paints with the brush or eraser or draws a selection shape.
 */
export function pointerIntent(
  e: { button: number; pointerType: string },
  tool: "brush" | "eraser" | "rect" | "ellipse",
  panning: boolean,
): PointerIntent {
  if (e.pointerType === "mouse" && e.button === 1) return "pan";
  if (e.pointerType === "mouse" && e.button !== 0) return null;
  if (panning) return "pan";
  return tool === "rect" || tool === "ellipse" ? "shape" : "paint";
}
