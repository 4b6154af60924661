/**
 * The image context menu (spec/ui.md §8.1, §8.6): right-click, Shift+F10 or
 * the menu key on an image surface (gallery card, job output, drawer image,
 * Quick Look) opens the registry's actions for that image; the hover
 * toolbar's "…" opens the same menu. Text fields inside keep the browser's
 * own menu; in development builds Alt+right-click shows it too.
 */
import { useCallback, useEffect, useMemo, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from "react";
import { outputUrl } from "../../api/urls";
import { ContextMenu, type ContextMenuItem } from "../../components/ContextMenu";
import { anchorPoint, type Point } from "../../components/menuPosition";
import { useI18n } from "../../i18n/useI18n";
import { jobParams } from "../../lib/jobs";
import { isApplePlatform } from "../../lib/platform";
import { isEditable, type ImageTarget } from "./imageFocus";
import { imageMenuActions, opensContextMenu, shortcutHint, type ImageActionId } from "./imageMenu";

export interface ImageSurfaceProps {
  onContextMenu: (e: MouseEvent<HTMLElement>) => void;
  onKeyDown: (e: KeyboardEvent<HTMLElement>) => void;
}

export interface ImageMenu {
  /** Props for an image surface; `null` leaves the browser's menu alone. */
  bind: (target: ImageTarget | null) => ImageSurfaceProps;
  /** Open the menu under an element (the toolbar's "…" button). */
  openFrom: (target: ImageTarget, element: Element) => void;
  /** Render once where the hook is used. */
  element: ReactNode;
  /** The element the open menu was opened for (null: closed), for the "…" button's aria-expanded. */
  anchor: Element | null;
}

interface MenuState {
  target: ImageTarget;
  at: Point;
  anchor: Element;
}

const viewport = () => ({ width: window.innerWidth, height: window.innerHeight });

/** Run a menu action on its image. */
async function runImageAction(id: ImageActionId, target: ImageTarget): Promise<void> {
  const { job, output, actions } = target;
  const before = window.location.hash;
  switch (id) {
    case "quick-look":
      target.quickLook?.();
      return;
    case "open-tab":
      window.open(outputUrl(job.id, output.index), "_blank", "noopener,noreferrer");
      return;
    case "copy-image":
      return actions.copyImage(job, output);
    case "copy-prompt":
      await actions.copyPrompt(job);
      return;
    case "copy-link":
      return actions.copyLink(job, output);
    case "save-as":
      return actions.download(job, output);
    case "share":
      return actions.share(job, output);
    case "use-as-reference":
      await actions.useAsReference(job, output);
      break;
    case "edit-with-prompt":
      await actions.editWithPrompt(job, output);
      break;
    case "reveal-job-in-history":
      actions.revealInHistory(job);
      break;
    case "delete":
      if (await actions.deleteJob(job)) target.onDeleted?.();
      return;
  }
  if (window.location.hash !== before) target.onNavigate?.();
}

/**
 * One menu for a set of image surfaces. `inHistory`: the surfaces are the
 * job's own drawer, so "Show in history" is left out.
 */
export function useImageMenu({ inHistory = false }: { inHistory?: boolean } = {}): ImageMenu {
  const { t } = useI18n();
  const [state, setState] = useState<MenuState | null>(null);

  // The image a share would send is fetched as the menu opens, so Share can call
  // navigator.share straight from the click.
  useEffect(() => {
    if (state) state.target.actions.prepareShare(state.target.job, state.target.output);
  }, [state]);

  const openFrom = useCallback((target: ImageTarget, element: Element) => {
    setState({ target, at: anchorPoint(element.getBoundingClientRect(), viewport()), anchor: element });
  }, []);

  const bind = useCallback(
    (target: ImageTarget | null): ImageSurfaceProps => ({
      onContextMenu: (e) => {
        if (!target || e.defaultPrevented || isEditable(e.target) || (import.meta.env.DEV && e.altKey)) return;
        e.preventDefault();
        // A keyboard-made contextmenu event has no pointer position: open under the surface.
        const keyboard = e.clientX === 0 && e.clientY === 0 && e.detail === 0;
        const at = keyboard ? anchorPoint(e.currentTarget.getBoundingClientRect(), viewport()) : { x: e.clientX, y: e.clientY };
        setState({ target, at, anchor: e.currentTarget });
      },
      onKeyDown: (e) => {
        if (!target || e.defaultPrevented || !opensContextMenu(e) || isEditable(e.target)) return;
        e.preventDefault();
        e.stopPropagation();
        const from = e.target instanceof Element ? (e.target.closest("[data-image-target]") ?? e.currentTarget) : e.currentTarget;
        setState({ target, at: anchorPoint(from.getBoundingClientRect(), viewport()), anchor: e.currentTarget });
      },
    }),
    [],
  );

  const target = state?.target ?? null;
  const items = useMemo<ContextMenuItem[]>(() => {
    if (!target) return [];
    const apple = isApplePlatform();
    return imageMenuActions({
      quickLook: target.quickLook !== undefined,
      prompt: Boolean(jobParams(target.job).prompt),
      canDelete: target.actions.canDelete,
      canShare: typeof navigator !== "undefined" && typeof navigator.share === "function",
      inHistory,
    }).map((a) => ({
      id: a.id,
      label: t(a.label),
      icon: a.icon,
      hint: shortcutHint(a, apple),
      keyshortcuts: a.keys,
      danger: a.danger,
      group: a.group,
    }));
  }, [target, inHistory, t]);

  const close = useCallback(() => setState(null), []);
  const element = (
    <ContextMenu
      at={state?.at ?? null}
      anchor={state?.anchor}
      items={items}
      label={t("image.menu")}
      onClose={close}
      onSelect={(id) => {
        if (target) void runImageAction(id as ImageActionId, target);
      }}
    />
  );
  return { bind, openFrom, element, anchor: state?.anchor ?? null };
}
