import "./jobs.css";
import { useEffect, useId, useRef } from "react";
import type { Job } from "../../api/types";
import { Icon } from "../../components/Icon";
import { TimeAgo } from "../../components/TimeAgo";
import { cx } from "../../components/cx";
import { formatFullDateTime } from "../../i18n/format";
import { useI18n } from "../../i18n/useI18n";
import { jobParams, normalizeStatus, parseJobTime } from "../../lib/jobs";
import { useImageActions } from "./imageActions";
import { useImageMenu } from "./ImageMenu";
import { JobProgressBody } from "./JobProgressBody";
import { JobThumb } from "./JobThumb";
import { jobMetaLine } from "./meta";
import { StatusBadge } from "./StatusBadge";
import { useJobProgress } from "./useJobProgress";

function JobDetails({ job }: { job: Job }) {
  const { t, locale } = useI18n();
  const state = useJobProgress(job.id, { job });
  const current = state.job ?? job;
  const params = jobParams(current);
  const created = parseJobTime(current.created_at);
  return (
    <div className="job-details">
      <JobProgressBody state={state} job={job} />
      <dl className="facts">
        {params.prompt ? (
          <div className="facts__row facts__row--wide">
            <dt>{t("field.prompt")}</dt>
            <dd className="facts__prompt">{params.prompt}</dd>
          </div>
        ) : null}
        <div className="facts__row">
          <dt>{t("job.id")}</dt>
          <dd>
            <code>{current.id}</code>
          </dd>
        </div>
        {created ? (
          <div className="facts__row">
            <dt>{t("job.created")}</dt>
            <dd>{formatFullDateTime(created, locale)}</dd>
          </div>
        ) : null}
        <div className="facts__row">
          <dt>{t("job.provider")}</dt>
          <dd>{current.provider || "—"}</dd>
        </div>
        <div className="facts__row">
          <dt>{t("job.parameters")}</dt>
          <dd>{jobMetaLine(current, t) || "—"}</dd>
        </div>
      </dl>
    </div>
  );
}

export interface JobRowProps {
  job: Job;
  expanded: boolean;
  onToggle: () => void;
  /** Scroll the row into view when it is expanded from a link. */
  focusOnMount?: boolean;
}

export function JobRow({ job, expanded, onToggle, focusOnMount = false }: JobRowProps) {
  const { t } = useI18n();
  const detailsId = useId();
  const ref = useRef<HTMLLIElement>(null);
  const params = jobParams(job);
  const status = normalizeStatus(job.status);
  // The row's thumbnail carries the image menu for the job's first image.
  const actions = useImageActions();
  const menu = useImageMenu();
  const first = [...job.outputs].sort((a, b) => a.index - b.index)[0];

  useEffect(() => {
    if (focusOnMount) ref.current?.scrollIntoView({ block: "center", behavior: "smooth" });
  }, [focusOnMount]);

  return (
    <li ref={ref} className={cx("job-row", expanded && "is-expanded")} data-job-id={job.id} data-status={status}>
      <button
        type="button"
        className="job-row__summary"
        aria-expanded={expanded}
        aria-controls={detailsId}
        onClick={onToggle}
        {...menu.bind(first ? { job, output: first, actions } : null)}
      >
        <JobThumb job={job} />
        <span className="job-row__main">
          <span className="job-row__prompt">{params.prompt ?? t("job.no_prompt")}</span>
          <span className="job-row__meta">{jobMetaLine(job, t)}</span>
        </span>
        <span className="job-row__side">
          <StatusBadge status={status} />
          <TimeAgo className="job-row__time" date={parseJobTime(job.created_at)} />
        </span>
        <Icon name="chevronDown" size={18} className="job-row__chevron" />
      </button>
      {expanded ? (
        <div id={detailsId} className="job-row__details">
          <JobDetails job={job} />
        </div>
      ) : null}
      {menu.element}
    </li>
  );
}
