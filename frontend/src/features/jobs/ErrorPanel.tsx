import type { JobError } from "../../api/types";
import { Icon } from "../../components/Icon";
import { useI18n } from "../../i18n/useI18n";
import { errorText } from "./errorText";

export interface ErrorPanelProps {
  title: string;
  error: Pick<JobError, "message"> & { code?: string | null; detail?: unknown };
  /** Announce to screen readers (for errors that appear while the user waits). */
  live?: boolean;
}

function detailText(detail: unknown): string | null {
  if (detail === undefined || detail === null || detail === "") return null;
  if (typeof detail === "string") return detail;
  try {
    return JSON.stringify(detail, null, 2);
  } catch {
    return String(detail);
  }
}

export function ErrorPanel({ title, error, live = false }: ErrorPanelProps) {
  const { t } = useI18n();
  const detail = detailText(error.detail);
  const text = errorText(error);
  return (
    <div className="error-panel" role={live ? "alert" : undefined}>
      <Icon name="alert" size={20} className="error-panel__icon" />
      <div className="error-panel__body">
        <p className="error-panel__title">
          {title}
          {error.code ? (
            <code className="error-panel__code" title={t("error.code")}>
              {error.code}
            </code>
          ) : null}
        </p>
        <p className="error-panel__message">{text.message}</p>
        {text.context || text.upstreamCode ? (
          <p className="error-panel__context">
            {[text.context, text.upstreamCode].filter(Boolean).join(" · ")}
          </p>
        ) : null}
        {detail ? (
          <details className="error-panel__detail">
            <summary>{t("error.details")}</summary>
            <pre>{detail}</pre>
          </details>
        ) : null}
      </div>
    </div>
  );
}
