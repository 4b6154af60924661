import { Icon } from "../../components/Icon";
import { cx } from "../../components/cx";
import { useI18n } from "../../i18n/useI18n";
import { explainReason, explainWarning, scorePercent, scoreTone, type Explained, type Verification } from "./model";

function Score({ label, value }: { label: string; value: unknown }) {
  const percent = scorePercent(value);
  return (
    <div className={cx("score", `score--${scoreTone(percent)}`)}>
      <div className="score__head">
        <span>{label}</span>
        <strong>{percent === null ? "—" : `${percent}`}</strong>
      </div>
      <div className="score__bar" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent ?? 0}>
        <span style={{ width: `${percent ?? 0}%` }} />
      </div>
    </div>
  );
}

const pct = (v: unknown) => (typeof v === "number" ? `${(v * 100).toFixed(v < 0.01 && v > 0 ? 2 : 1)}%` : "—");

/** Pass/fail, the three scores and every reason in plain language (spec/transparent.md §2). */
export function VerifyReport({ v }: { v: Verification }) {
  const { t } = useI18n();
  const say = (e: Explained) => ("key" in e ? t(e.key) : e.text);
  const passed = v.passed ?? (v.failure_reasons ?? []).length === 0;
  const reasons = v.failure_reasons ?? [];
  const warnings = v.warnings ?? [];
  return (
    <section className={cx("verify", passed ? "is-pass" : "is-fail")} aria-label={t("tp.report")} data-testid="verify-report">
      <header className="verify__head">
        <span className="verify__icon" aria-hidden="true">
          <Icon name={passed ? "check" : "alert"} size={20} />
        </span>
        <div>
          <p className="verify__title">{passed ? t("tp.passed") : t("tp.failed")}</p>
          <p className="verify__sub">
            {t("tp.profile_line", { profile: v.profile ?? "generic" })}
            {v.width && v.height ? ` · ${v.width} × ${v.height}` : ""}
          </p>
        </div>
      </header>
      <div className="verify__scores">
        <Score label={t("tp.score.quality")} value={v.quality_score} />
        <Score label={t("tp.score.alpha")} value={v.alpha_health_score} />
        <Score label={t("tp.score.residue")} value={v.residue_score} />
      </div>
      {reasons.length > 0 ? (
        <div className="verify__list">
          <h3>{t("tp.reasons")}</h3>
          <ul>
            {reasons.map((r) => (
              <li key={r} className="is-bad">
                <Icon name="alert" size={14} />
                <span>
                  {say(explainReason(r))} <code>{r}</code>
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {warnings.length > 0 ? (
        <div className="verify__list">
          <h3>{t("tp.warnings")}</h3>
          <ul>
            {warnings.map((w) => (
              <li key={w} className="is-warn">
                <Icon name="bell" size={14} />
                <span>{say(explainWarning(w))}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <dl className="verify__facts">
        <div>
          <dt>{t("tp.fact.transparent")}</dt>
          <dd>{pct(v.transparent_ratio)}</dd>
        </div>
        <div>
          <dt>{t("tp.fact.partial")}</dt>
          <dd>{pct(v.partial_ratio)}</dd>
        </div>
        <div>
          <dt>{t("tp.fact.opaque")}</dt>
          <dd>{pct(v.opaque_ratio)}</dd>
        </div>
        <div>
          <dt>{t("tp.fact.edge")}</dt>
          <dd>{v.touches_edge ? t("tp.yes") : t("tp.no")}</dd>
        </div>
        <div>
          <dt>{t("tp.fact.components")}</dt>
          <dd>{v.component_count ?? "—"}</dd>
        </div>
        <div>
          <dt>{t("tp.fact.alpha")}</dt>
          <dd>{v.alpha_min !== undefined ? `${v.alpha_min}–${v.alpha_max}` : "—"}</dd>
        </div>
      </dl>
    </section>
  );
}

/** The result over a checkerboard, a dark and a light background. */
export function TransparentPreview({ src }: { src: string }) {
  const { t } = useI18n();
  return (
    <div className="tp-preview" data-testid="tp-preview">
      {(["checker", "dark", "light"] as const).map((bg) => (
        <figure key={bg} className={cx("tp-preview__tile", `tp-preview__tile--${bg}`, bg === "checker" && "checkerboard")}>
          <img src={src} alt={t("tp.preview_alt", { background: t(`tp.bg.${bg}`) })} />
          <figcaption>{t(`tp.bg.${bg}`)}</figcaption>
        </figure>
      ))}
    </div>
  );
}
