/**
 * Toasts: short messages in a polite live region (errors are assertive).
 * `useToast()` returns `show`, which replaces a toast with the same id —
 * so "Preparing ZIP…" can turn into "ZIP downloaded" in place. A toast
 * about an image (a finished job) can show it as its icon.
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from "react";
import { cx } from "./cx";
import { Icon, type IconName } from "./Icon";
import { Spinner } from "./Spinner";
import "./Toast.css";

export type ToastTone = "info" | "success" | "error" | "loading";

export interface ToastInput {
  id?: string;
  tone?: ToastTone;
  title: string;
  description?: string;
  /** Milliseconds; loading toasts stay until replaced. */
  duration?: number;
  action?: { label: string; onClick: () => void };
  /** A thumbnail shown instead of the tone's icon (decorative: the text says what it is). */
  image?: string;
}

interface ToastItem extends ToastInput {
  id: string;
  tone: ToastTone;
}

interface ToastApi {
  show: (toast: ToastInput) => string;
  dismiss: (id: string) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

const TONE_ICON: Record<Exclude<ToastTone, "loading">, IconName> = {
  info: "bell",
  success: "check",
  error: "alert",
};

export function ToastProvider({ children, closeLabel }: { children: ReactNode; closeLabel: string }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const timers = useRef(new Map<string, number>());
  const counter = useRef(0);

  const dismiss = useCallback((id: string) => {
    const timer = timers.current.get(id);
    if (timer) window.clearTimeout(timer);
    timers.current.delete(id);
    setItems((list) => list.filter((t) => t.id !== id));
  }, []);

  const show = useCallback(
    (input: ToastInput) => {
      counter.current += 1;
      const id = input.id ?? `toast-${counter.current}`;
      const item: ToastItem = { ...input, id, tone: input.tone ?? "info" };
      setItems((list) => [...list.filter((t) => t.id !== id), item].slice(-3));
      const old = timers.current.get(id);
      if (old) window.clearTimeout(old);
      if (item.tone !== "loading") {
        const ms = input.duration ?? (item.tone === "error" ? 8000 : item.tone === "success" ? 3500 : 4500);
        timers.current.set(id, window.setTimeout(() => dismiss(id), ms));
      }
      return id;
    },
    [dismiss],
  );

  const value = useMemo(() => ({ show, dismiss }), [show, dismiss]);
  const polite = items.filter((t) => t.tone !== "error");
  const assertive = items.filter((t) => t.tone === "error");

  const render = (t: ToastItem) => (
    <div key={t.id} className={cx("toast", `toast--${t.tone}`)} data-testid="toast">
      {t.image ? (
        <ToastThumb src={t.image} fallback={<Icon name={t.tone === "loading" ? "image" : TONE_ICON[t.tone]} size={17} />} />
      ) : (
        <span className="toast__icon">{t.tone === "loading" ? <Spinner size={16} /> : <Icon name={TONE_ICON[t.tone]} size={17} />}</span>
      )}
      <div className="toast__body">
        <p className="toast__title">{t.title}</p>
        {t.description ? <p className="toast__text">{t.description}</p> : null}
      </div>
      {t.action ? (
        <button
          type="button"
          className="toast__action"
          onClick={() => {
            t.action?.onClick();
            dismiss(t.id);
          }}
        >
          {t.action.label}
        </button>
      ) : null}
      <button type="button" className="icon-btn toast__close" aria-label={closeLabel} onClick={() => dismiss(t.id)}>
        <Icon name="x" size={14} />
      </button>
    </div>
  );

  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts">
        <div aria-live="polite" className="toasts__region">
          {polite.map(render)}
        </div>
        <div aria-live="assertive" className="toasts__region">
          {assertive.map(render)}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

/** The image as the toast's icon; the tone's icon again if it cannot load. */
function ToastThumb({ src, fallback }: { src: string; fallback: ReactNode }) {
  const [broken, setBroken] = useState(false);
  if (broken) return <span className="toast__icon">{fallback}</span>;
  return (
    <span className="toast__icon toast__thumb checkerboard">
      <img src={src} alt="" decoding="async" onError={() => setBroken(true)} />
    </span>
  );
}

export function useToast(): ToastApi {
  const value = useContext(ToastContext);
  if (!value) throw new Error("useToast must be used inside <ToastProvider>");
  return value;
}
