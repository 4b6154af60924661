import { useState } from "react";
import type { Job } from "../../api/types";
import { outputUrl } from "../../api/urls";
import { Icon } from "../../components/Icon";
import { Spinner } from "../../components/Spinner";
import { cx } from "../../components/cx";
import { normalizeStatus } from "../../lib/jobs";
import { seededGradient } from "./placeholder";

/** Square thumbnail of a job's first output, or a status glyph on a soft gradient. */
export function JobThumb({ job, size = 56 }: { job: Job; size?: number }) {
  const [broken, setBroken] = useState(false);
  const status = normalizeStatus(job.status);
  const first = [...job.outputs].sort((a, b) => a.index - b.index)[0];
  const showImage = first !== undefined && !broken;
  return (
    <span
      className={cx("thumb", `thumb--${status}`)}
      style={{ width: size, height: size, backgroundImage: showImage ? undefined : seededGradient(job.id) }}
      aria-hidden="true"
    >
      {showImage ? (
        <img src={outputUrl(job.id, first.index)} alt="" loading="lazy" decoding="async" onError={() => setBroken(true)} />
      ) : status === "running" || status === "uploading" ? (
        <Spinner size={18} />
      ) : status === "queued" ? (
        <Icon name="clock" size={20} />
      ) : status === "failed" ? (
        <Icon name="alert" size={20} />
      ) : (
        <Icon name="image" size={20} />
      )}
      {job.outputs.length > 1 ? <span className="thumb__count">{job.outputs.length}</span> : null}
    </span>
  );
}
