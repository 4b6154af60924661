import { useId } from "react";
import { useI18n } from "../../i18n/useI18n";
import type { MessageKey } from "../../i18n/translate";
import { aspectRatioLabel, SIZE_RULES, snapToMultiple, type SizeErrorCode } from "../../lib/size";
import { draftSize, isSizeChoice, SIZE_PRESETS, type GenerateDraft } from "./draft";

const ERROR_LABEL: Readonly<Record<SizeErrorCode, MessageKey>> = {
  empty: "size.error.empty",
  format: "size.error.format",
  positive: "size.error.positive",
  multiple: "size.error.multiple",
  max_edge: "size.error.max_edge",
  min_pixels: "size.error.min_pixels",
  max_pixels: "size.error.max_pixels",
  aspect: "size.error.aspect",
};

export interface SizeFieldProps {
  draft: Pick<GenerateDraft, "size" | "customWidth" | "customHeight">;
  onChange: <K extends "size" | "customWidth" | "customHeight">(key: K, value: GenerateDraft[K]) => void;
}

export function SizeField({ draft, onChange }: SizeFieldProps) {
  const { t, locale } = useI18n();
  const id = useId();
  const num = (n: number) => new Intl.NumberFormat(locale).format(n);
  const check = draftSize(draft);
  const custom = draft.size === "custom";

  let hint: string | null = null;
  if (custom && !check.ok) {
    const w = Number.parseInt(draft.customWidth, 10) || 0;
    const h = Number.parseInt(draft.customHeight, 10) || 0;
    hint = t(ERROR_LABEL[check.error], {
      maxEdge: num(SIZE_RULES.maxEdge),
      minPixels: num(SIZE_RULES.minPixels),
      maxPixels: num(SIZE_RULES.maxPixels),
      maxAspect: SIZE_RULES.maxAspect,
      width: snapToMultiple(w),
      height: snapToMultiple(h),
    });
  } else if (custom && check.ok && "width" in check) {
    hint = t("size.summary", {
      width: check.width,
      height: check.height,
      megapixels: new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format((check.width * check.height) / 1e6),
      ratio: aspectRatioLabel(check.width, check.height),
    });
  }

  const invalid = custom && !check.ok;
  return (
    <div className="field size-field">
      <label htmlFor={`${id}-select`} className="field-label">
        {t("field.size")}
      </label>
      <div className="select">
        <select
          id={`${id}-select`}
          value={draft.size}
          onChange={(e) => {
            if (isSizeChoice(e.target.value)) onChange("size", e.target.value);
          }}
        >
          {SIZE_PRESETS.map(({ value, name }) => (
            <option key={value} value={value}>
              {value === "auto" || value === "custom" ? t(name) : `${value.replace("x", " × ")} · ${t(name)}`}
            </option>
          ))}
        </select>
      </div>
      {custom ? (
        <>
          <div className="size-field__custom" role="group" aria-label={t("size.custom_group")}>
            <DimInput
              label={t("size.width")}
              value={draft.customWidth}
              onChange={(v) => onChange("customWidth", v)}
              invalid={invalid}
              hintId={`${id}-hint`}
            />
            <span className="size-field__times" aria-hidden="true">
              ×
            </span>
            <DimInput
              label={t("size.height")}
              value={draft.customHeight}
              onChange={(v) => onChange("customHeight", v)}
              invalid={invalid}
              hintId={`${id}-hint`}
            />
          </div>
          <p id={`${id}-hint`} className={invalid ? "field-error" : "field-hint"} aria-live="polite" data-testid="size-hint">
            {hint}
          </p>
        </>
      ) : null}
    </div>
  );
}

function DimInput(props: { label: string; value: string; onChange: (value: string) => void; invalid: boolean; hintId: string }) {
  return (
    <label className="size-field__dim">
      <span className="size-field__dim-label">{props.label}</span>
      <input
        className="input"
        type="number"
        inputMode="numeric"
        min={16}
        max={SIZE_RULES.maxEdge}
        step={16}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={props.invalid || undefined}
        aria-describedby={props.hintId}
      />
    </label>
  );
}
