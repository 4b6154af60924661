/**
 * An app context menu (spec/ui.md §8.6): role="menu" with menuitems in
 * groups, opened at a point and kept inside the viewport. Arrow keys,
 * Home/End move, Enter/Space choose, Esc and Tab close (focus goes back to
 * where it was); a press outside, scrolling, a resize or leaving the window
 * close it too (all but the press give focus back as well: the press puts it
 * where it lands). It renders in the top layer (popover) inside the nearest
 * open <dialog> of its anchor, so it works over modal dialogs as well.
 */
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from "react";
import { createPortal } from "react-dom";
import { cx } from "./cx";
import { Icon, type IconName } from "./Icon";
import { clampMenuPosition, menuStep, type Point } from "./menuPosition";
import "./ContextMenu.css";

export interface ContextMenuItem {
  id: string;
  label: string;
  icon?: IconName;
  /** Shown on the right, e.g. "Ctrl+C". */
  hint?: string;
  /** For assistive technology, e.g. "Control+C Meta+C". */
  keyshortcuts?: string;
  danger?: boolean;
  disabled?: boolean;
  /** Items of one group sit together, groups apart. */
  group?: string;
}

export interface ContextMenuProps {
  /** Where it opens (viewport coordinates); null: closed. */
  at: Point | null;
  items: readonly ContextMenuItem[];
  label: string;
  /** The element it was opened for: the menu renders in its dialog, if any. */
  anchor?: Element | null;
  onSelect: (id: string) => void;
  onClose: () => void;
}

function groupsOf(items: readonly ContextMenuItem[]): ContextMenuItem[][] {
  const groups: ContextMenuItem[][] = [];
  let last: string | undefined;
  for (const item of items) {
    const current = groups[groups.length - 1];
    if (current && item.group === last) current.push(item);
    else groups.push([item]);
    last = item.group;
  }
  return groups;
}

export function ContextMenu(props: ContextMenuProps) {
  if (!props.at || props.items.length === 0) return null;
  const container = props.anchor?.closest("dialog[open]") ?? document.body;
  return createPortal(<MenuPanel {...props} at={props.at} />, container);
}

function MenuPanel({ at, items, label, anchor, onSelect, onClose }: ContextMenuProps & { at: Point }) {
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState<Point | null>(null);
  const [active, setActive] = useState(-1);
  const returnFocus = useRef<Element | null>(null);
  const latest = useRef(onClose);
  latest.current = onClose;
  const enabled = items.map((item) => !item.disabled);

  // Into the top layer, then measured and moved inside the viewport; the first item gets focus.
  useLayoutEffect(() => {
    const menu = ref.current;
    if (!menu) return;
    returnFocus.current = document.activeElement;
    if (typeof menu.showPopover === "function" && !menu.matches(":popover-open")) menu.showPopover();
    const rect = menu.getBoundingClientRect();
    setPosition(clampMenuPosition(at, { width: rect.width, height: rect.height }, { width: window.innerWidth, height: window.innerHeight }));
    setActive(menuStep(-1, enabled, "Home") ?? -1);
    // Only when it opens somewhere new (`enabled` follows the items of that opening).
  }, [at]);

  useEffect(() => {
    if (active < 0) return;
    ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[active]?.focus({ preventScroll: true });
  }, [active, position]);

  // Dismissal from outside: a press elsewhere, a wheel or touch scroll, the anchor scrolling
  // away (layout shifts that leave it in place do not count), resizing, leaving the window.
  const anchorRef = useRef(anchor);
  anchorRef.current = anchor;
  useEffect(() => {
    // Focus still in the menu goes back to where it was, not to the page's body.
    const close = () => {
      const el = returnFocus.current;
      if (ref.current?.contains(document.activeElement) && el instanceof HTMLElement && el.isConnected) el.focus({ preventScroll: true });
      latest.current();
    };
    const outside = (e: Event) => !(e.target instanceof Node && ref.current?.contains(e.target));
    const startRect = anchorRef.current?.getBoundingClientRect();
    const onPointer = (e: Event) => {
      if (outside(e)) latest.current();
    };
    const onWheel = (e: Event) => {
      if (outside(e)) close();
    };
    const onScroll = (e: Event) => {
      if (!outside(e)) return;
      const el = anchorRef.current;
      if (!el || !startRect || !el.isConnected) return close();
      const now = el.getBoundingClientRect();
      if (Math.abs(now.top - startRect.top) > 2 || Math.abs(now.left - startRect.left) > 2) close();
    };
    document.addEventListener("pointerdown", onPointer, true);
    window.addEventListener("wheel", onWheel, { capture: true, passive: true });
    window.addEventListener("touchmove", onWheel, { capture: true, passive: true });
    window.addEventListener("scroll", onScroll, true);
    window.addEventListener("resize", close);
    window.addEventListener("blur", close);
    return () => {
      document.removeEventListener("pointerdown", onPointer, true);
      window.removeEventListener("wheel", onWheel, true);
      window.removeEventListener("touchmove", onWheel, true);
      window.removeEventListener("scroll", onScroll, true);
      window.removeEventListener("resize", close);
      window.removeEventListener("blur", close);
    };
  }, []);

  const restoreFocus = () => {
    const el = returnFocus.current;
    if (el instanceof HTMLElement && el.isConnected) el.focus({ preventScroll: true });
  };

  const choose = (item: ContextMenuItem) => {
    if (item.disabled) return;
    restoreFocus();
    onClose();
    onSelect(item.id);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // Keys typed in the menu stay in the menu (no dialog closing, no image shortcuts).
    e.stopPropagation();
    if (e.key === "Escape" || e.key === "Tab" || (e.key === "F10" && e.shiftKey) || e.key === "ContextMenu") {
      e.preventDefault();
      restoreFocus();
      onClose();
      return;
    }
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      const item = items[active];
      if (item) choose(item);
      return;
    }
    const next = menuStep(active, enabled, e.key);
    if (next !== null) {
      e.preventDefault();
      setActive(next);
    }
  };

  let index = -1;
  return (
    <div
      ref={ref}
      role="menu"
      aria-label={label}
      aria-orientation="vertical"
      popover="manual"
      className="context-menu"
      data-testid="context-menu"
      style={{ left: position?.x ?? at.x, top: position?.y ?? at.y, visibility: position ? undefined : "hidden" }}
      onKeyDown={onKeyDown}
      onContextMenu={(e) => {
        e.preventDefault();
        e.stopPropagation();
      }}
      onClick={(e) => e.stopPropagation()}
    >
      {groupsOf(items).map((group) => (
        <div role="group" key={group[0]?.id} className="context-menu__group">
          {group.map((item) => {
            index += 1;
            const i = index;
            return (
              <button
                key={item.id}
                type="button"
                role="menuitem"
                tabIndex={i === active ? 0 : -1}
                aria-disabled={item.disabled || undefined}
                aria-keyshortcuts={item.keyshortcuts}
                className={cx("context-menu__item", item.danger && "is-danger")}
                data-action={item.id}
                onClick={() => choose(item)}
                onPointerMove={() => {
                  if (!item.disabled && i !== active) setActive(i);
                }}
              >
                <span className="context-menu__icon" aria-hidden="true">
                  {item.icon ? <Icon name={item.icon} size={15} /> : null}
                </span>
                <span className="context-menu__label">{item.label}</span>
                {item.hint ? (
                  <span className="context-menu__hint" aria-hidden="true">
                    {item.hint}
                  </span>
                ) : null}
              </button>
            );
          })}
        </div>
      ))}
    </div>
  );
}
