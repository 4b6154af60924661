/**
 * The image action registry's descriptions (spec/ui.md §8.1): id, label,
 * icon, shortcut hint and group of every image action, and which of them an
 * image's menu offers. The hover toolbar, the context menu and the keyboard
 * shortcuts (imageFocus.ts) all name actions by these ids; what an action
 * does lives in imageActions.ts.
 */
import type { IconName } from "../../components/Icon";
import type { MessageKey } from "../../i18n/translate";

export type ImageActionId =
  | "quick-look"
  | "open-tab"
  | "copy-image"
  | "copy-prompt"
  | "copy-link"
  | "save-as"
  | "share"
  | "use-as-reference"
  | "edit-with-prompt"
  | "reveal-job-in-history"
  | "delete";

export type ImageActionGroup = "view" | "transfer" | "export" | "generate" | "manage" | "destructive";

export interface ImageActionSpec {
  id: ImageActionId;
  label: MessageKey;
  icon: IconName;
  group: ImageActionGroup;
  /** Display hint [Apple, others]; bound keys also get `keys` (aria-keyshortcuts). */
  hint?: readonly [string, string];
  keys?: string;
  danger?: boolean;
}

const spec = (s: ImageActionSpec) => s;

/** In menu order. */
export const IMAGE_ACTIONS: readonly ImageActionSpec[] = [
  spec({ id: "quick-look", label: "image.quick_look", icon: "eye", group: "view", hint: ["Space", "Space"], keys: "Space" }),
  spec({ id: "open-tab", label: "image.open_tab", icon: "external", group: "view" }),
  spec({ id: "copy-image", label: "image.copy", icon: "copy", group: "transfer", hint: ["⌘C", "Ctrl+C"], keys: "Control+C Meta+C" }),
  spec({ id: "copy-prompt", label: "image.copy_prompt", icon: "copy", group: "transfer", hint: ["⇧⌘C", "Shift+Ctrl+C"], keys: "Shift+Control+C Shift+Meta+C" }),
  spec({ id: "copy-link", label: "image.copy_link", icon: "link", group: "transfer", hint: ["⌥⌘C", "Alt+Ctrl+C"] }),
  spec({ id: "save-as", label: "image.download", icon: "download", group: "export", hint: ["⌘S", "Ctrl+S"] }),
  spec({ id: "share", label: "image.share", icon: "upload", group: "export" }),
  spec({ id: "use-as-reference", label: "image.use_as_reference", icon: "edit", group: "generate" }),
  spec({ id: "edit-with-prompt", label: "image.edit_with_prompt", icon: "wand", group: "generate" }),
  spec({ id: "reveal-job-in-history", label: "image.reveal_in_history", icon: "tasks", group: "manage" }),
  spec({ id: "delete", label: "image.delete_job", icon: "trash", group: "destructive", hint: ["⌘⌫", "Ctrl+Delete"], keys: "Control+Delete Meta+Backspace", danger: true }),
];

export function imageAction(id: ImageActionId): ImageActionSpec {
  const found = IMAGE_ACTIONS.find((a) => a.id === id);
  if (!found) throw new Error(`unknown image action ${id}`);
  return found;
}

export interface ImageMenuContext {
  /** The image can open in Quick Look (not when it is Quick Look). */
  quickLook: boolean;
  /** The job has a prompt. */
  prompt: boolean;
  /** DELETE /api/jobs/{id} exists. */
  canDelete: boolean;
  /** navigator.share exists. */
  canShare: boolean;
  /** The job's own drawer already shows it in the history. */
  inHistory: boolean;
}

/** Is `id` in the menu for an image in `ctx`? */
export function imageActionAvailable(id: ImageActionId, ctx: ImageMenuContext): boolean {
  switch (id) {
    case "quick-look":
      return ctx.quickLook;
    case "copy-prompt":
    case "edit-with-prompt":
      return ctx.prompt;
    case "share":
      return ctx.canShare;
    case "reveal-job-in-history":
      return !ctx.inHistory;
    case "delete":
      return ctx.canDelete;
    default:
      return true;
  }
}

/** The menu's actions for an image, in order. */
export function imageMenuActions(ctx: ImageMenuContext): ImageActionSpec[] {
  return IMAGE_ACTIONS.filter((a) => imageActionAvailable(a.id, ctx));
}

/** The hint to show for an action on this platform. */
export function shortcutHint(action: ImageActionSpec, apple: boolean): string | undefined {
  return action.hint?.[apple ? 0 : 1];
}

/** Does this key press open the context menu from the keyboard (Shift+F10, the menu key)? */
export function opensContextMenu(e: { key: string; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  return e.key === "ContextMenu" || (e.shiftKey && e.key === "F10");
}
