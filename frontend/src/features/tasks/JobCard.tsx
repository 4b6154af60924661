import { useState } from "react";
import type { Job } from "../../api/types";
import { outputUrl } from "../../api/urls";
import { Icon } from "../../components/Icon";
import { Spinner } from "../../components/Spinner";
import { TimeAgo } from "../../components/TimeAgo";
import { cx } from "../../components/cx";
import { useI18n } from "../../i18n/useI18n";
import { jobParams, normalizeStatus, parseJobTime } from "../../lib/jobs";
import { KIND_ICON, KIND_LABEL, jobKind } from "../jobs/kind";
import { jobMetaLine } from "../jobs/meta";
import { seededGradient } from "../jobs/placeholder";
import { StatusBadge } from "../jobs/StatusBadge";
import type { ImageActions } from "../jobs/imageActions";
import { useImageTarget, type ImageTarget } from "../jobs/imageFocus";
import type { ImageMenu } from "../jobs/ImageMenu";
import { ImageToolbar } from "../jobs/ImageToolbar";

export interface JobCardProps {
  job: Job;
  selecting: boolean;
  selected: boolean;
  onOpen: () => void;
  onToggleSelect: () => void;
  actions: ImageActions;
  /** Quick Look on the job's images from its first one. */
  onQuickLook: () => void;
  /** The page's image menu (right-click, Shift+F10, the toolbar's "…"). */
  menu: ImageMenu;
}

/** A gallery tile: the first image (or a status glyph), the prompt and the facts. */
export function JobCard({ job, selecting, selected, onOpen, onToggleSelect, actions, onQuickLook, menu }: JobCardProps) {
  const { t } = useI18n();
  const [broken, setBroken] = useState(false);
  const status = normalizeStatus(job.status);
  const params = jobParams(job);
  const kind = jobKind(job);
  const first = [...job.outputs].sort((a, b) => a.index - b.index)[0];
  const prompt = params.prompt ?? t("job.no_prompt");
  const hasImage = first !== undefined && !broken;
  const image: ImageTarget | null = hasImage && !selecting ? { job, output: first, actions, quickLook: onQuickLook } : null;
  const target = useImageTarget(image);
  // The toolbar exists only while the card is hovered or holds keyboard focus (Tab reaches it from the card).
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  const tools = hasImage && !selecting && (hovered || focused);

  return (
    <li
      className={cx("job-card", selected && "is-selected")}
      data-job-id={job.id}
      data-status={status}
      onMouseEnter={(e) => {
        // Touch screens emulate hover on tap: a toolbar appearing then would catch the tap.
        if (window.matchMedia?.("(hover: hover)").matches) setHovered(true);
        target.onMouseEnter(e);
      }}
      onMouseLeave={(e) => {
        setHovered(false);
        target.onMouseLeave(e);
      }}
      onFocus={(e) => {
        if (e.target instanceof Element && e.target.matches(":focus-visible")) setFocused(true);
        target.onFocus(e);
      }}
      onBlur={(e) => {
        if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) setFocused(false);
        target.onBlur(e);
      }}
      {...menu.bind(image)}
    >
      <button
        type="button"
        className="job-card__button"
        onClick={selecting ? onToggleSelect : onOpen}
        aria-pressed={selecting ? selected : undefined}
        data-image-target={hasImage && !selecting ? "" : undefined}
        aria-keyshortcuts={hasImage && !selecting ? "Space" : undefined}
      >
        <span className="job-card__media" style={{ backgroundImage: first && !broken ? undefined : seededGradient(job.id) }}>
          {first && !broken ? (
            <img src={outputUrl(job.id, first.index)} alt="" loading="lazy" decoding="async" onError={() => setBroken(true)} />
          ) : (
            <span className="job-card__glyph">
              {status === "running" || status === "uploading" ? (
                <Spinner size={22} />
              ) : status === "queued" ? (
                <Icon name="clock" size={24} />
              ) : status === "failed" ? (
                <Icon name="alert" size={24} />
              ) : (
                <Icon name="image" size={24} />
              )}
            </span>
          )}
          <span className="job-card__overlay">
            <StatusBadge status={status} />
            {job.outputs.length > 1 ? <span className="job-card__count">+{job.outputs.length - 1}</span> : null}
          </span>
          {selecting ? (
            <span className={cx("job-card__check", selected && "is-on")} aria-hidden="true">
              <Icon name={selected ? "check" : "square"} size={16} />
            </span>
          ) : null}
        </span>
        <span className="job-card__body">
          <span className="job-card__prompt">{prompt}</span>
          <span className="job-card__meta">
            <span className="job-card__kind" title={t(KIND_LABEL[kind])}>
              <Icon name={KIND_ICON[kind]} size={13} />
              {t(KIND_LABEL[kind])}
              {job.reference_images.length > 0 ? ` · ⤷${job.reference_images.length}` : ""}
            </span>
            <TimeAgo className="job-card__time" date={parseJobTime(job.created_at)} />
          </span>
          <span className="job-card__params">{[job.provider, jobMetaLine(job, t)].filter(Boolean).join(" · ")}</span>
        </span>
      </button>
      {tools ? (
        <div className="job-card__tools">
          <ImageToolbar job={job} output={first} actions={actions} onQuickLook={onQuickLook} onMenu={image ? (button) => menu.openFrom(image, button) : undefined} menuAnchor={menu.anchor} />
        </div>
      ) : null}
    </li>
  );
}
