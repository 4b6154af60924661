/**
 * The "focused image" and its global shortcuts (spec/ui.md §8.4): hovering
 * or focusing an image tile makes it the target of Space (Quick Look),
 * Ctrl/⌘+C (copy image; not while text is selected), Shift+Ctrl/⌘+C (copy
 * its prompt) and Ctrl/⌘+Backspace/Delete (delete its job, after a
 * confirm). Keys typed into fields, or already handled, are left alone.
 */
import { useEffect, useRef, type FocusEvent, type MouseEvent } from "react";
import type { Job, JobOutput } from "../../api/types";
import type { KeyLike } from "../../lib/keyLike";
import type { ImageActions } from "./imageActions";

export interface ImageTarget {
  job: Job;
  output: JobOutput;
  actions: ImageActions;
  /** Opens Quick Look on this image; absent inside Quick Look itself. */
  quickLook?: () => void;
  /** After the job was deleted through a shortcut or the menu. */
  onDeleted?: () => void;
  /** After a menu action took the user to another screen (Quick Look closes then). */
  onNavigate?: () => void;
}

export type ImageShortcut = "quick-look" | "copy-image" | "copy-prompt" | "delete";

export type { KeyLike };

/** Which image action a key press asks for, if any. */
export function imageShortcut(e: KeyLike): ImageShortcut | null {
  const mod = e.ctrlKey || e.metaKey;
  if (e.altKey) return null;
  if (!mod && !e.shiftKey && e.key === " ") return "quick-look";
  if (mod && e.key.toLowerCase() === "c") return e.shiftKey ? "copy-prompt" : "copy-image";
  if (mod && !e.shiftKey && (e.key === "Backspace" || e.key === "Delete")) return "delete";
  return null;
}

/** Typing places: shortcuts never fire there. */
export function isEditable(el: EventTarget | null): boolean {
  if (!(el instanceof Element)) return false;
  return el.closest("input, textarea, select, [contenteditable]:not([contenteditable='false'])") !== null;
}

/** Space also activates buttons: it means Quick Look only on the page itself or on an image tile. */
function spaceIsOurs(el: EventTarget | null): boolean {
  if (!(el instanceof Element)) return true;
  return el === document.body || el instanceof HTMLDialogElement || el.hasAttribute("data-image-target");
}

let current: { key: string; get: () => ImageTarget | null; element: Element | null } | null = null;

/**
 * A tile hidden since it was hovered (its screen switched away) or behind a
 * modal dialog (the drawer opened over the gallery) is no longer the target.
 */
function reachable(element: Element | null): boolean {
  if (!element) return true;
  if (!element.isConnected || element.getClientRects().length === 0) return false;
  const modals = [...document.querySelectorAll("dialog[open]")].filter((d) => d.matches(":modal"));
  return modals.length === 0 || modals.some((d) => d.contains(element));
}
let listeners = 0;

export function focusedImage(): ImageTarget | null {
  return current?.get() ?? null;
}

function onKeyDown(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.isComposing || !current) return;
  const shortcut = imageShortcut(e);
  if (!shortcut || isEditable(e.target)) return;
  const target = current.get();
  if (!target || !reachable(current.element)) return;
  switch (shortcut) {
    case "quick-look":
      if (!target.quickLook || !spaceIsOurs(e.target)) return;
      e.preventDefault();
      target.quickLook();
      return;
    case "copy-image":
      if (window.getSelection()?.toString()) return; // the user copies text
      e.preventDefault();
      void target.actions.copyImage(target.job, target.output);
      return;
    case "copy-prompt":
      e.preventDefault();
      void target.actions.copyPrompt(target.job);
      return;
    case "delete":
      if (!target.actions.canDelete) return;
      e.preventDefault();
      void target.actions.deleteJob(target.job).then((gone) => {
        if (gone) target.onDeleted?.();
      });
  }
}

/** Make `key` the focused image (its latest target read through `get`). */
export function setFocusedImage(key: string, get: () => ImageTarget | null, element: Element | null = null): void {
  current = { key, get, element };
}

export function clearFocusedImage(key: string): void {
  if (current?.key === key) current = null;
}

/** Listen for the image shortcuts while any image surface is mounted. */
export function useImageShortcuts(): void {
  useEffect(() => {
    if (listeners++ === 0) window.addEventListener("keydown", onKeyDown);
    return () => {
      if (--listeners === 0) window.removeEventListener("keydown", onKeyDown);
    };
  }, []);
}

/**
 * Props for an image tile: hovering or focusing it makes it the focused
 * image; leaving it (or unmounting) clears that. `null` turns it off.
 */
export function useImageTarget(target: ImageTarget | null) {
  useImageShortcuts();
  const latest = useRef(target);
  latest.current = target;
  const key = target ? `${target.job.id}:${target.output.index}:${target.quickLook ? "tile" : "view"}` : "";
  const keyRef = useRef(key);
  keyRef.current = key;
  useEffect(() => () => clearFocusedImage(key), [key]);
  const enter = (element: Element) => {
    if (latest.current) setFocusedImage(keyRef.current, () => latest.current, element);
  };
  const leave = () => clearFocusedImage(keyRef.current);
  return {
    onMouseEnter: (e: MouseEvent) => enter(e.currentTarget),
    onMouseLeave: (_e: MouseEvent) => leave(),
    onFocus: (e: FocusEvent) => enter(e.currentTarget),
    onBlur: (e: FocusEvent) => {
      // Moving focus within the tile (to its toolbar) keeps it focused.
      if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) leave();
    },
  };
}
