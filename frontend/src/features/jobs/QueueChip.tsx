import { Icon } from "../../components/Icon";
import { useI18n } from "../../i18n/useI18n";
import { hrefFor } from "../../lib/router";
import { useQueue } from "./api";

/** "2 running · 1 queued" in the top bar while the server has work (GET /api/queue). */
export function QueueChip() {
  const { t } = useI18n();
  const { data } = useQueue();
  if (!data || data.running + data.queued === 0) return null;
  return (
    <a className="queue-chip" href={hrefFor("tasks")} data-testid="queue-chip" title={t("queue.title", { max: data.max_parallel })}>
      <span className="queue-chip__dot" aria-hidden="true" />
      <Icon name="server" size={15} />
      <span>{t("queue.summary", { running: data.running, queued: data.queued })}</span>
    </a>
  );
}
