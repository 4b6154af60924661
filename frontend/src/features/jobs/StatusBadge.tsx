import { Icon } from "../../components/Icon";
import { Spinner } from "../../components/Spinner";
import { useI18n } from "../../i18n/useI18n";
import type { JobStatus } from "../../lib/jobs";
import { STATUS_LABEL, STATUS_TONE } from "./labels";

export function StatusBadge({ status }: { status: JobStatus }) {
  const { t } = useI18n();
  const tone = STATUS_TONE[status];
  return (
    <span className={`badge badge--${tone}`} data-status={status}>
      {status === "running" || status === "uploading" ? (
        <Spinner size={11} />
      ) : status === "queued" ? (
        <Icon name="clock" size={13} />
      ) : status === "completed" ? (
        <Icon name="check" size={13} />
      ) : status === "failed" || status === "partial_failed" ? (
        <Icon name="alert" size={13} />
      ) : status === "cancelled" ? (
        <Icon name="ban" size={13} />
      ) : null}
      {t(STATUS_LABEL[status])}
    </span>
  );
}
