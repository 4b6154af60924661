import { useState, type CSSProperties } from "react";
import type { Job, JobOutput } from "../../api/types";
import { outputUrl } from "../../api/urls";
import { Icon } from "../../components/Icon";
import { cx } from "../../components/cx";
import { formatBytes } from "../../i18n/format";
import { useI18n } from "../../i18n/useI18n";
import { jobParams } from "../../lib/jobs";
import { dimensionsOf } from "../../lib/size";
import { seededGradient } from "./placeholder";
import { useImageActions, type ImageActions } from "./imageActions";
import { useImageTarget, type ImageTarget } from "./imageFocus";
import { useImageMenu, type ImageMenu } from "./ImageMenu";
import { ImageToolbar } from "./ImageToolbar";
import { useQuickLook } from "./QuickLook";

function extensionOf(output: JobOutput, fallback: string | null): string {
  const match = /\.([a-z0-9]+)$/i.exec(output.path ?? "");
  return (match?.[1] ?? fallback ?? "png").toLowerCase().replace("jpeg", "jpg");
}

/** Frame style keeping the image's aspect ratio within the frame's max height. */
function frameStyle(dims: { width: number; height: number } | null, background?: string): CSSProperties {
  const ratio = dims ? dims.width / dims.height : 1;
  return {
    aspectRatio: dims ? `${dims.width} / ${dims.height}` : "1 / 1",
    ["--ratio" as string]: String(ratio),
    backgroundImage: background,
  } as CSSProperties;
}

interface OutputImageProps {
  job: Job;
  output: JobOutput;
  total: number;
  actions: ImageActions;
  menu: ImageMenu;
  onQuickLook: () => void;
}

function OutputImage({ job, output, total, actions, menu, onQuickLook }: OutputImageProps) {
  const { t, locale } = useI18n();
  const [attempt, setAttempt] = useState(0);
  const [loaded, setLoaded] = useState(false);
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null);
  const params = jobParams(job);
  const dims = dimensionsOf(params.size);
  const base = outputUrl(job.id, output.index);
  const src = attempt === 0 ? base : `${base}?retry=${attempt}`;
  const broken = attempt > 1;
  const label = total > 1 ? t("output.numbered", { n: output.index + 1 }) : t("output.single");
  const alt = params.prompt ? `${label}: ${params.prompt}` : label;
  const fileName = `${job.id}-${output.index + 1}.${extensionOf(output, params.format)}`;
  const width = natural?.w ?? dims?.width;
  const height = natural?.h ?? dims?.height;
  const image: ImageTarget | null = broken ? null : { job, output, actions, quickLook: onQuickLook };
  const target = useImageTarget(image);

  return (
    <figure className="output" {...target} {...menu.bind(image)}>
      <div
        className={cx("output__frame", loaded && "is-loaded")}
        style={frameStyle(natural ? { width: natural.w, height: natural.h } : dims, loaded ? undefined : seededGradient(job.id))}
      >
        {broken ? (
          <div className="output__broken">
            <Icon name="image" size={28} />
            <span>{t("output.unavailable")}</span>
          </div>
        ) : (
          <button type="button" className="output__link" title={t("image.quick_look")} onClick={onQuickLook} data-image-target="" aria-keyshortcuts="Space">
            <img
              src={src}
              alt={alt}
              decoding="async"
              width={dims?.width}
              height={dims?.height}
              onLoad={(e) => {
                setLoaded(true);
                setNatural({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight });
              }}
              onError={() => setAttempt((a) => a + 1)}
            />
          </button>
        )}
        {broken ? null : (
          <ImageToolbar
            job={job}
            output={output}
            actions={actions}
            onQuickLook={onQuickLook}
            onMenu={(button) => menu.openFrom({ job, output, actions, quickLook: onQuickLook }, button)}
            menuAnchor={menu.anchor}
            className="output__toolbar"
          />
        )}
      </div>
      <figcaption className="output__caption">
        <span className="output__facts">
          {label}
          {width && height ? <span>{`${width} × ${height}`}</span> : null}
          {typeof output.bytes === "number" && output.bytes > 0 ? <span>{formatBytes(output.bytes, locale)}</span> : null}
        </span>
        <span className="output__actions">
          <a className="icon-btn" href={base} download={fileName} title={t("output.download")} aria-label={t("output.download_named", { label })}>
            <Icon name="download" size={16} />
          </a>
        </span>
      </figcaption>
    </figure>
  );
}

export function JobOutputs({ job }: { job: Job }) {
  const actions = useImageActions();
  const quickLook = useQuickLook();
  const menu = useImageMenu();
  const outputs = [...job.outputs].sort((a, b) => a.index - b.index);
  if (outputs.length === 0) return null;
  return (
    <div className={cx("outputs", outputs.length > 1 && "outputs--grid")}>
      {outputs.map((output, i) => (
        <OutputImage key={output.index} job={job} output={output} total={outputs.length} actions={actions} menu={menu} onQuickLook={() => quickLook.open(job, i)} />
      ))}
      {quickLook.element}
      {menu.element}
    </div>
  );
}

/** A shimmering frame in the shape of the requested image, shown while it renders. */
export function OutputPlaceholder({ job }: { job: Job }) {
  const { t } = useI18n();
  const dims = dimensionsOf(jobParams(job).size);
  return (
    <div
      className="output__frame output__frame--pending"
      style={frameStyle(dims, seededGradient(job.id))}
      aria-hidden="true"
    >
      <span className="output__pending-label">
        <Icon name="sparkles" size={18} />
        {t("output.rendering")}
      </span>
    </div>
  );
}
