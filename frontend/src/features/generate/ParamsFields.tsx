/**
 * The request parameters shared by Generate and Edit: provider, count, size,
 * quality, format, background and compression.
 */
import { useId } from "react";
import { SegmentedControl } from "../../components/SegmentedControl";
import { useI18n } from "../../i18n/useI18n";
import { useProviders } from "../config/api";
import {
  BACKGROUNDS,
  backgroundProblem,
  clampCount,
  COUNT_MAX,
  FORMATS,
  QUALITIES,
  type GenerateDraft,
} from "./draft";
import { SizeField } from "./SizeField";

export interface ParamsFieldsProps {
  draft: GenerateDraft;
  update: <K extends keyof GenerateDraft>(key: K, value: GenerateDraft[K]) => void;
}

export function ParamsFields({ draft, update }: ParamsFieldsProps) {
  const { t } = useI18n();
  const id = useId();
  const providers = useProviders();
  const known = providers.providers.some((p) => p.name === draft.provider);
  const bgInvalid = backgroundProblem(draft);

  return (
    <div className="params">
      <div className="params__row">
        <div className="field">
          <label htmlFor={`${id}-provider`} className="field-label">
            {t("field.provider")}
          </label>
          <div className="select">
            <select id={`${id}-provider`} value={draft.provider} onChange={(e) => update("provider", e.target.value)} data-testid="provider-select">
              <option value="">
                {providers.effectiveDefault ? t("provider.default_named", { name: providers.effectiveDefault }) : t("provider.default")}
              </option>
              {providers.providers.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                  {p.model ? ` · ${p.model}` : ""}
                </option>
              ))}
              {draft.provider && !known ? <option value={draft.provider}>{draft.provider}</option> : null}
            </select>
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-count`} className="field-label">
            {t("field.count")}
          </label>
          <div className="stepper">
            <button type="button" className="stepper__btn" onClick={() => update("n", clampCount(draft.n - 1))} disabled={draft.n <= 1} aria-label={t("count.less")}>
              −
            </button>
            <input
              id={`${id}-count`}
              className="input stepper__input"
              type="number"
              inputMode="numeric"
              min={1}
              max={COUNT_MAX}
              value={draft.n}
              onChange={(e) => update("n", clampCount(e.target.value))}
            />
            <button type="button" className="stepper__btn" onClick={() => update("n", clampCount(draft.n + 1))} disabled={draft.n >= COUNT_MAX} aria-label={t("count.more")}>
              +
            </button>
          </div>
        </div>
      </div>

      <SizeField draft={draft} onChange={update} />

      <SegmentedControl
        legend={t("field.quality")}
        className="segmented--wrap"
        options={QUALITIES.map((q) => ({ value: q, label: t(`quality.${q}`) }))}
        value={draft.quality}
        onChange={(v) => update("quality", v)}
      />

      <div className="params__stack">
        <SegmentedControl
          legend={t("field.format")}
          options={FORMATS.map((f) => ({ value: f, label: f === "webp" ? "WebP" : f.toUpperCase() }))}
          value={draft.format}
          onChange={(v) => update("format", v)}
        />
        <SegmentedControl
          legend={t("field.background")}
          options={BACKGROUNDS.map((b) => ({ value: b, label: t(`background.${b}`) }))}
          value={draft.background}
          onChange={(v) => update("background", v)}
        />
      </div>
      {bgInvalid ? (
        <p className="field-error" role="alert">
          {t("background.needs_alpha")}
        </p>
      ) : null}

      {draft.format !== "png" ? (
        <div className="field">
          <div className="field-head">
            <label htmlFor={`${id}-compression`} className="field-label">
              {t("field.compression")}
            </label>
            <span className="counter">{draft.compression}%</span>
          </div>
          <input
            id={`${id}-compression`}
            className="range"
            type="range"
            min={0}
            max={100}
            step={5}
            value={draft.compression}
            onChange={(e) => update("compression", Number(e.target.value))}
          />
        </div>
      ) : null}
    </div>
  );
}
