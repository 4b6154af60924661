import { useRef, useState } from "react";
import { Icon } from "../../components/Icon";
import { cx } from "../../components/cx";
import { useI18n } from "../../i18n/useI18n";
import { MAX_REFERENCES, type RefItem } from "./references";

export interface ReferenceStripProps {
  refs: readonly RefItem[];
  selected: string | null;
  onSelect: (id: string) => void;
  onRemove: (id: string) => void;
  onMove: (from: number, to: number) => void;
  onAddClick: () => void;
  maskTarget: boolean;
}

/** Thumbnails in request order: drag to reorder, or use the move buttons. */
export function ReferenceStrip({ refs, selected, onSelect, onRemove, onMove, onAddClick, maskTarget }: ReferenceStripProps) {
  const { t } = useI18n();
  const dragFrom = useRef<number | null>(null);
  const [over, setOver] = useState<number | null>(null);

  return (
    <div className="ref-strip">
      <div className="ref-strip__head">
        <span className="field-label">{t("edit.references")}</span>
        <span className="counter" data-testid="ref-count">
          {refs.length} / {MAX_REFERENCES}
        </span>
      </div>
      <ol className="ref-strip__list" aria-label={t("edit.references")}>
        {refs.map((ref, i) => (
          <li
            key={ref.id}
            className={cx("ref-thumb", selected === ref.id && "is-selected", over === i && "is-over")}
            draggable
            onDragStart={(e) => {
              dragFrom.current = i;
              e.dataTransfer.effectAllowed = "move";
              e.dataTransfer.setData("application/x-gpt2-ref", ref.id);
            }}
            onDragOver={(e) => {
              if (dragFrom.current === null) return;
              e.preventDefault();
              setOver(i);
            }}
            onDragLeave={() => setOver((o) => (o === i ? null : o))}
            onDrop={(e) => {
              if (dragFrom.current === null) return;
              e.preventDefault();
              e.stopPropagation();
              onMove(dragFrom.current, i);
              dragFrom.current = null;
              setOver(null);
            }}
            onDragEnd={() => {
              dragFrom.current = null;
              setOver(null);
            }}
            data-testid="ref-thumb"
          >
            <button
              type="button"
              className="ref-thumb__image"
              onClick={() => onSelect(ref.id)}
              aria-pressed={selected === ref.id}
              aria-label={`${t("edit.ref_label", { n: i + 1, name: ref.name })}${i === 0 && maskTarget ? ` (${t("edit.target")})` : ""}`}
            >
              <img src={ref.url} alt="" draggable={false} />
            </button>
            <span className="ref-thumb__index" aria-hidden="true">
              {i + 1}
            </span>
            {i === 0 && maskTarget ? (
              <span className="ref-thumb__badge" aria-hidden="true">
                {t("edit.target")}
              </span>
            ) : null}
            <div className="ref-thumb__actions">
              <button type="button" className="mini-btn" onClick={() => onMove(i, i - 1)} disabled={i === 0} aria-label={t("edit.move_left", { n: i + 1 })}>
                <Icon name="chevronLeft" size={14} />
              </button>
              <button type="button" className="mini-btn" onClick={() => onRemove(ref.id)} aria-label={t("edit.remove", { n: i + 1 })}>
                <Icon name="x" size={14} />
              </button>
              <button
                type="button"
                className="mini-btn"
                onClick={() => onMove(i, i + 1)}
                disabled={i === refs.length - 1}
                aria-label={t("edit.move_right", { n: i + 1 })}
              >
                <Icon name="chevronRight" size={14} />
              </button>
            </div>
          </li>
        ))}
        {refs.length < MAX_REFERENCES ? (
          <li>
            <button type="button" className="ref-add" onClick={onAddClick} aria-label={t("edit.add_images")}>
              <Icon name="plus" size={20} />
            </button>
          </li>
        ) : null}
      </ol>
    </div>
  );
}
