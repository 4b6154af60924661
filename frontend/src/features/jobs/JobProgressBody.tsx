import "./jobs.css";
import type { Job } from "../../api/types";
import { ProgressBar } from "../../components/ProgressBar";
import { formatDuration } from "../../i18n/format";
import { useI18n } from "../../i18n/useI18n";
import { asJobError, parseJobTime } from "../../lib/jobs";
import { useNow } from "../../lib/useNow";
import { ErrorPanel } from "./ErrorPanel";
import { JobOutputs, OutputPlaceholder } from "./JobOutputs";
import { CONNECTION_NOTE, phaseText } from "./labels";
import type { ProgressState } from "./progress";

export interface JobProgressBodyProps {
  state: ProgressState;
  /** The job as known before any live update (used until a snapshot arrives). */
  job: Job;
  /** Announce failures (the user is waiting on this job). */
  live?: boolean;
}

/** Progress while a job runs; its images or its error once it is done. */
export function JobProgressBody({ state, job: fallback, live = false }: JobProgressBodyProps) {
  const { t } = useI18n();
  const job = state.job ?? fallback;
  const now = useNow(1000, !state.terminal);

  if (!state.terminal) {
    const created = parseJobTime(job.created_at);
    const elapsed = created ? formatDuration(now.getTime() - created.getTime()) : null;
    const note = CONNECTION_NOTE[state.connection];
    const phase = phaseText(state.phase, state.message, state.status);
    const label = "key" in phase ? t(phase.key) : phase.text;
    // 0% is "request sent" rather than real progress: animate until there is some.
    const percent = state.percent !== null && state.percent > 0 ? state.percent : null;
    return (
      <div className="job-progress">
        <OutputPlaceholder job={job} />
        <div className="job-progress__status">
          <div className="job-progress__line">
            <span className="job-progress__phase" aria-live="polite" data-testid="job-phase" title={state.message ?? undefined}>
              {label}
            </span>
            <span className="job-progress__numbers">
              {percent !== null ? <span>{Math.round(percent)}%</span> : null}
              {elapsed ? <span title={t("progress.elapsed")}>{elapsed}</span> : null}
            </span>
          </div>
          <ProgressBar value={percent} label={t("progress.label")} />
          {note ? <p className="job-progress__note">{t(note)}</p> : null}
        </div>
      </div>
    );
  }

  const error = state.error ?? asJobError(job.error);
  switch (state.status) {
    case "completed":
    case "partial_failed":
      return (
        <div className="job-result">
          {job.outputs.length > 0 ? <JobOutputs job={job} /> : <p className="muted">{t("output.none")}</p>}
          {state.status === "partial_failed" && error ? (
            <ErrorPanel title={t("error.partial_title")} error={error} live={live} />
          ) : null}
        </div>
      );
    case "cancelled":
      return <p className="job-result__note">{t("job.cancelled_note")}</p>;
    default:
      return (
        <ErrorPanel
          title={t("error.failed_title")}
          error={error ?? { code: null, message: t("error.unknown") }}
          live={live}
        />
      );
  }
}
