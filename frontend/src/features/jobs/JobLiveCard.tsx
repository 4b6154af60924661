import { useId } from "react";
import type { Job, JobEvent } from "../../api/types";
import { Icon } from "../../components/Icon";
import { useI18n } from "../../i18n/useI18n";
import { jobParams } from "../../lib/jobs";
import { JobProgressBody } from "./JobProgressBody";
import { jobMetaLine } from "./meta";
import { StatusBadge } from "./StatusBadge";
import { useJobProgress } from "./useJobProgress";

export interface JobLiveCardProps {
  job: Job;
  events?: readonly JobEvent[];
  onDismiss?: () => void;
}

/** A just-submitted job followed live over SSE, then its result. */
export function JobLiveCard({ job, events, onDismiss }: JobLiveCardProps) {
  const { t } = useI18n();
  const promptId = useId();
  const state = useJobProgress(job.id, { job, events });
  const current = state.job ?? job;
  const prompt = jobParams(current).prompt ?? jobParams(job).prompt;
  return (
    <article
      className="card live-card"
      data-job-id={job.id}
      data-status={state.status}
      aria-labelledby={promptId}
    >
      <header className="live-card__header">
        <div className="live-card__heading">
          <p id={promptId} className="live-card__prompt">{prompt ?? t("job.no_prompt")}</p>
          <p className="live-card__meta">{jobMetaLine(current, t)}</p>
        </div>
        <StatusBadge status={state.status} />
        {onDismiss ? (
          <button type="button" className="icon-btn" onClick={onDismiss} aria-label={t("live.dismiss")} title={t("live.dismiss")}>
            <Icon name="x" size={16} />
          </button>
        ) : null}
      </header>
      <JobProgressBody state={state} job={job} live />
    </article>
  );
}
