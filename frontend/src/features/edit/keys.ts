/**
 * Keyboard handling of the mask canvas as pure decisions (spec/ui.md §5.3):
 * which keys undo and redo, which keys act on the focused canvas, and which
 * focused elements are text fields that keep their own shortcuts.
 */

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

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
