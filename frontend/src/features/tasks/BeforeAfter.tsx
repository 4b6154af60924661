import { useId, useState } from "react";
import { useI18n } from "../../i18n/useI18n";

/** A wipe slider: the input on the left of the handle, the output on the right. */
export function BeforeAfter({ before, after }: { before: string; after: string }) {
  const { t } = useI18n();
  const [pos, setPos] = useState(50);
  const id = useId();
  return (
    <div className="before-after">
      <div className="before-after__stage checkerboard">
        <img src={after} alt={t("compare.after")} className="before-after__img" />
        <div className="before-after__before" style={{ clipPath: `inset(0 ${100 - pos}% 0 0)` }}>
          <img src={before} alt={t("compare.before")} className="before-after__img" />
        </div>
        <span className="before-after__handle" style={{ left: `${pos}%` }} aria-hidden="true" />
        <span className="before-after__tag before-after__tag--left" aria-hidden="true">
          {t("compare.before")}
        </span>
        <span className="before-after__tag before-after__tag--right" aria-hidden="true">
          {t("compare.after")}
        </span>
      </div>
      <label htmlFor={id} className="visually-hidden">
        {t("compare.slider")}
      </label>
      <input id={id} type="range" min={0} max={100} value={pos} onChange={(e) => setPos(Number(e.target.value))} className="range before-after__range" />
    </div>
  );
}
