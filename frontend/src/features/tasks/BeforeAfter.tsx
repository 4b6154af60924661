import { useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import { cx } from "../../components/cx";
import { useI18n } from "../../i18n/useI18n";

export interface CompareReference {
  index: number;
  src: string;
}

const clamp = (n: number) => Math.min(100, Math.max(0, n));

/** The slider position for a key (arrows ±5, Page Up/Down ±25, Home/End), or null. */
export function sliderKey(pos: number, key: string): number | null {
  switch (key) {
    case "ArrowLeft":
    case "ArrowDown":
      return clamp(pos - 5);
    case "ArrowRight":
    case "ArrowUp":
      return clamp(pos + 5);
    case "PageDown":
      return clamp(pos - 25);
    case "PageUp":
      return clamp(pos + 25);
    case "Home":
      return 0;
    case "End":
      return 100;
    default:
      return null;
  }
}

/**
 * A wipe slider: the chosen input reference on the left of the handle, the
 * output on the right. Drag anywhere on the image or use the handle's keys.
 */
export function BeforeAfter({ references, after }: { references: readonly CompareReference[]; after: string }) {
  const { t } = useI18n();
  const [pos, setPos] = useState(50);
  const [chosen, setChosen] = useState(0);
  const stage = useRef<HTMLDivElement>(null);
  const handle = useRef<HTMLSpanElement>(null);
  const dragging = useRef(false);
  const reference = references[Math.min(chosen, references.length - 1)];
  if (!reference) return null;

  const fromPointer = (e: PointerEvent<HTMLDivElement>) => {
    const rect = stage.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return;
    setPos(Math.round(clamp(((e.clientX - rect.left) / rect.width) * 100)));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLSpanElement>) => {
    const next = sliderKey(pos, e.key);
    if (next === null) return;
    e.preventDefault();
    setPos(next);
  };

  return (
    <div className="before-after" data-testid="before-after">
      {references.length > 1 ? (
        <div className="before-after__picker" role="group" aria-label={t("compare.pick")}>
          {references.map((r, i) => (
            <button
              key={r.index}
              type="button"
              className={cx("before-after__pick", i === chosen && "is-active")}
              aria-pressed={i === chosen}
              aria-label={t("compare.with_ref", { n: r.index + 1 })}
              onClick={() => setChosen(i)}
            >
              <img src={r.src} alt="" loading="lazy" />
              <span aria-hidden="true">{r.index + 1}</span>
            </button>
          ))}
        </div>
      ) : null}
      <div
        ref={stage}
        className="before-after__stage checkerboard"
        onPointerDown={(e) => {
          if (e.button !== 0) return;
          // No mousedown follows, so focus lands on the handle and no text or image drag starts.
          e.preventDefault();
          dragging.current = true;
          e.currentTarget.setPointerCapture?.(e.pointerId);
          fromPointer(e);
          handle.current?.focus({ preventScroll: true });
        }}
        onPointerMove={(e) => {
          if (dragging.current) fromPointer(e);
        }}
        onPointerUp={() => {
          dragging.current = false;
        }}
        onPointerCancel={() => {
          dragging.current = false;
        }}
      >
        <img src={after} alt={t("compare.after")} className="before-after__img" draggable={false} />
        <div className="before-after__before" style={{ clipPath: `inset(0 ${100 - pos}% 0 0)` }}>
          <img src={reference.src} alt={t("compare.before_n", { n: reference.index + 1 })} className="before-after__img" draggable={false} />
        </div>
        <span
          ref={handle}
          className="before-after__handle"
          style={{ left: `${pos}%` }}
          role="slider"
          tabIndex={0}
          aria-label={t("compare.slider")}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pos}
          aria-valuetext={t("compare.value", { before: pos, after: 100 - pos })}
          aria-orientation="horizontal"
          onKeyDown={onKeyDown}
        >
          <span className="before-after__knob" aria-hidden="true" />
        </span>
        <span className="before-after__tag before-after__tag--left" aria-hidden="true">
          {t("compare.before")}
        </span>
        <span className="before-after__tag before-after__tag--right" aria-hidden="true">
          {t("compare.after")}
        </span>
      </div>
    </div>
  );
}
