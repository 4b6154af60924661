/**
 * Quick Look (spec/ui.md §8.3): a full-screen viewer for a job's images.
 * A modal <dialog> (focus stays inside, the page behind is inert, focus
 * returns on close); Esc or Space closes, ←/→ switch between the job's
 * images, and the shown image is the target of the image shortcuts and
 * carries the image menu.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import type { Job } from "../../api/types";
import { outputUrl } from "../../api/urls";
import { Dialog } from "../../components/Dialog";
import { cx } from "../../components/cx";
import { useI18n } from "../../i18n/useI18n";
import { jobParams } from "../../lib/jobs";
import { useImageActions } from "./imageActions";
import { clearFocusedImage, setFocusedImage, useImageShortcuts, type ImageTarget } from "./imageFocus";
import { useImageMenu } from "./ImageMenu";
import { ImageNav } from "./ImageNav";
import { ImageToolbar } from "./ImageToolbar";

/** A, B, C… then #27, #28… */
export const outputLetter = (i: number) => (i < 26 ? String.fromCharCode(65 + i) : `#${i + 1}`);

/** The next index for a Quick Look key (←/→ wrap around), or null. */
export function quickLookStep(index: number, count: number, key: string): number | null {
  if (count < 2) return null;
  if (key === "ArrowLeft") return (index - 1 + count) % count;
  if (key === "ArrowRight") return (index + 1) % count;
  if (key === "Home") return 0;
  if (key === "End") return count - 1;
  return null;
}

const FOCUSABLE = 'button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Keep Tab and Shift+Tab cycling inside the viewer instead of leaving for the browser's toolbar. */
function trapTab(dialog: HTMLDialogElement, e: KeyboardEvent): void {
  const items = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
  const first = items[0];
  const last = items[items.length - 1];
  if (!first || !last) return;
  const focus = document.activeElement;
  const inside = focus instanceof HTMLElement && items.includes(focus);
  if (e.shiftKey && (!inside || focus === first)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (!inside || focus === last)) {
    e.preventDefault();
    first.focus();
  }
}

interface QuickLookProps {
  job: Job | null;
  index: number;
  open: boolean;
  onIndex: (index: number) => void;
  onClose: () => void;
}

function QuickLook({ job, index, open, onIndex, onClose }: QuickLookProps) {
  const { t } = useI18n();
  const actions = useImageActions();
  const menu = useImageMenu();
  const panel = useRef<HTMLDivElement>(null);
  const outputs = job ? [...job.outputs].sort((a, b) => a.index - b.index) : [];
  const i = Math.min(index, Math.max(0, outputs.length - 1));
  const output = outputs[i];
  const latest = useRef({ i, count: outputs.length, onIndex, onClose });
  latest.current = { i, count: outputs.length, onIndex, onClose };
  useImageShortcuts();

  // The shown image is the focused image while the viewer is open.
  useEffect(() => {
    if (!open || !job || !output) return undefined;
    const key = `quick-look:${job.id}:${output.index}`;
    setFocusedImage(key, () => ({ job, output, actions, onDeleted: () => latest.current.onClose() }), panel.current);
    return () => clearFocusedImage(key);
  }, [open, job, output, actions]);

  // Space and the arrows, before the page's own handlers; only while focus is in the viewer.
  useEffect(() => {
    if (!open) return undefined;
    const onKey = (e: KeyboardEvent) => {
      const dialog = panel.current?.closest("dialog");
      const focus = document.activeElement;
      if (e.defaultPrevented || !dialog || !(focus === document.body || dialog.contains(focus))) return;
      // The image menu handles its own keys.
      if (focus instanceof Element && focus.closest('[role="menu"]')) return;
      if (e.key === "Tab" && !e.ctrlKey && !e.metaKey && !e.altKey) {
        trapTab(dialog, e);
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
      const { i, count, onIndex, onClose } = latest.current;
      // Space closes, except on a button or link, which it presses.
      if (e.key === " " && !(focus instanceof HTMLAnchorElement || focus instanceof HTMLButtonElement)) {
        e.preventDefault();
        e.stopPropagation();
        onClose();
        return;
      }
      const next = quickLookStep(i, count, e.key);
      if (next === null) return;
      e.preventDefault();
      e.stopPropagation();
      onIndex(next);
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [open]);

  // Start on the image itself, so Space closes and the arrows switch at once.
  const stage = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) stage.current?.focus({ preventScroll: true });
  }, [open]);

  const prompt = job ? (jobParams(job).prompt ?? "") : "";
  const target: ImageTarget | null =
    job && output ? { job, output, actions, onDeleted: () => latest.current.onClose(), onNavigate: () => latest.current.onClose() } : null;
  return (
    <Dialog
      open={open && job !== null && output !== undefined}
      onClose={onClose}
      title={t("quicklook.title")}
      description={outputs.length > 1 ? t("drawer.title_n", { letter: outputLetter(i), i: i + 1, n: outputs.length }) : prompt.slice(0, 120) || undefined}
      closeLabel={t("action.close")}
      className="quick-look"
      headerExtra={
        job && output && target ? (
          <ImageToolbar job={job} output={output} actions={actions} onMenu={(button) => menu.openFrom(target, button)} menuAnchor={menu.anchor} className="quick-look__toolbar" />
        ) : null
      }
    >
      {job && output ? (
        <div ref={panel} className="quick-look__body" data-testid="quick-look" data-index={i}>
          <div ref={stage} className="quick-look__stage checkerboard" tabIndex={-1} {...menu.bind(target)}>
            <img
              key={output.index}
              src={outputUrl(job.id, output.index)}
              alt={prompt ? `${t("drawer.image_alt", { letter: outputLetter(i) })}: ${prompt}` : t("drawer.image_alt", { letter: outputLetter(i) })}
              className="quick-look__img"
            />
            <ImageNav index={i} count={outputs.length} onIndex={onIndex} size="lg" arrowKeys />
          </div>
          {outputs.length > 1 ? (
            <div className="quick-look__thumbs" role="group" aria-label={t("drawer.outputs")}>
              {outputs.map((o, j) => (
                <button
                  key={o.index}
                  type="button"
                  className={cx("quick-look__thumb", j === i && "is-active")}
                  onClick={() => onIndex(j)}
                  aria-pressed={j === i}
                  aria-label={t("drawer.image_alt", { letter: outputLetter(j) })}
                >
                  <img src={outputUrl(job.id, o.index)} alt="" loading="lazy" />
                  <span aria-hidden="true">{outputLetter(j)}</span>
                </button>
              ))}
            </div>
          ) : null}
          <p className="quick-look__hint muted">{outputs.length > 1 ? t("quicklook.hint_many") : t("quicklook.hint")}</p>
        </div>
      ) : null}
      {menu.element}
    </Dialog>
  );
}

/** `open(job, index)` shows Quick Look; render `element` once where it is used. */
export function useQuickLook(): { open: (job: Job, index?: number) => void; element: ReactNode } {
  const [state, setState] = useState<{ job: Job | null; index: number; open: boolean }>({ job: null, index: 0, open: false });
  const open = useCallback((job: Job, index = 0) => setState({ job, index, open: true }), []);
  const close = useCallback(() => setState((s) => ({ ...s, open: false })), []);
  const setIndex = useCallback((index: number) => setState((s) => ({ ...s, index })), []);
  return {
    open,
    element: <QuickLook job={state.job} index={state.index} open={state.open} onIndex={setIndex} onClose={close} />,
  };
}
