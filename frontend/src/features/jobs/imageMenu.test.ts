import { describe, expect, it } from "vitest";
import { IMAGE_ACTIONS, imageMenuActions, opensContextMenu, shortcutHint, imageAction } from "./imageMenu";

const all = { quickLook: true, prompt: true, canDelete: true, canShare: true, inHistory: false };
const ids = (ctx: typeof all) => imageMenuActions(ctx).map((a) => a.id);

describe("image menu", () => {
  it("offers every action for an image with a prompt on a full server", () => {
    expect(ids(all)).toEqual(IMAGE_ACTIONS.map((a) => a.id));
    expect(ids(all)).toContain("edit-with-prompt");
  });

  it("leaves out what the image, the server or the browser cannot do", () => {
    const none = ids({ quickLook: false, prompt: false, canDelete: false, canShare: false, inHistory: true });
    expect(none).toEqual(["open-tab", "copy-image", "copy-link", "save-as", "use-as-reference"]);
  });

  it("keeps each group together and the destructive one last", () => {
    const groups = imageMenuActions(all).map((a) => a.group);
    const seen = groups.filter((g, i) => i === 0 || groups[i - 1] !== g);
    expect(new Set(seen).size).toBe(seen.length);
    expect(groups[groups.length - 1]).toBe("destructive");
    expect(imageAction("delete").danger).toBe(true);
  });

  it("shows platform shortcut hints", () => {
    expect(shortcutHint(imageAction("copy-image"), true)).toBe("⌘C");
    expect(shortcutHint(imageAction("copy-image"), false)).toBe("Ctrl+C");
    expect(shortcutHint(imageAction("use-as-reference"), false)).toBeUndefined();
  });

  it("opens from the keyboard on Shift+F10 and the menu key only", () => {
    const key = (k: string, mods: Partial<Record<"shiftKey" | "ctrlKey" | "metaKey" | "altKey", boolean>> = {}) => ({
      key: k,
      shiftKey: false,
      ctrlKey: false,
      metaKey: false,
      altKey: false,
      ...mods,
    });
    expect(opensContextMenu(key("F10", { shiftKey: true }))).toBe(true);
    expect(opensContextMenu(key("ContextMenu"))).toBe(true);
    expect(opensContextMenu(key("F10"))).toBe(false);
    expect(opensContextMenu(key("F10", { shiftKey: true, ctrlKey: true }))).toBe(false);
    expect(opensContextMenu(key(" "))).toBe(false);
  });
});
