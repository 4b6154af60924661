import { useState } from "react";
import { toApiError } from "../../api/errors";
import { Button } from "../../components/Button";
import { Icon } from "../../components/Icon";
import { useI18n } from "../../i18n/useI18n";
import { hrefFor } from "../../lib/router";
import { useOnScreenShown, useScreenVisible } from "../../lib/screen";
import { useJobList } from "../jobs/api";
import { ErrorPanel } from "../jobs/ErrorPanel";
import { JobRow } from "../jobs/JobRow";
import { JobListSkeleton } from "../jobs/JobListSkeleton";

export const RECENT_LIMIT = 8;

export function RecentJobs() {
  const { t } = useI18n();
  const jobs = useJobList({ limit: RECENT_LIMIT }, useScreenVisible());
  const [expanded, setExpanded] = useState<string | null>(null);
  useOnScreenShown(() => void jobs.refetch());

  return (
    <section className="recent" aria-labelledby="recent-title">
      <div className="section-head">
        <h2 id="recent-title" className="section-title">
          {t("recent.title")}
        </h2>
        <a className="link-arrow" href={hrefFor("tasks")}>
          {t("recent.view_all")}
          <Icon name="arrowRight" size={16} />
        </a>
      </div>
      {jobs.isPending ? (
        <JobListSkeleton rows={3} />
      ) : jobs.isError ? (
        <div className="stack">
          <ErrorPanel title={t("recent.load_failed")} error={toApiError(jobs.error)} />
          <Button size="sm" icon="refresh" onClick={() => void jobs.refetch()}>
            {t("action.retry")}
          </Button>
        </div>
      ) : jobs.data.jobs.length === 0 ? (
        <p className="empty-line">{t("recent.empty")}</p>
      ) : (
        <ul className="job-list" aria-label={t("recent.title")}>
          {jobs.data.jobs.map((job) => (
            <JobRow
              key={job.id}
              job={job}
              expanded={expanded === job.id}
              onToggle={() => setExpanded((current) => (current === job.id ? null : job.id))}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
