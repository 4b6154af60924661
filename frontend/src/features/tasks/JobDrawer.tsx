import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { hasRoute, hasRouteLike, useCapabilities } from "../../api/capabilities";
import { api, unwrap } from "../../api/client";
import { toApiError } from "../../api/errors";
import { retryJob } from "../../api/extra";
import type { Job, JobEvent } from "../../api/types";
import { outputUrl, refUrl } from "../../api/urls";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { Spinner } from "../../components/Spinner";
import { useToast } from "../../components/Toast";
import { cx } from "../../components/cx";
import { formatBytes, formatFullDateTime } from "../../i18n/format";
import { useI18n } from "../../i18n/useI18n";
import { asJobError, isJobActive, jobParams, normalizeStatus, parseJobTime, totalOutputBytes } from "../../lib/jobs";
import { navigate } from "../../lib/router";
import { sizeFields } from "../generate/draft";
import { generatePrefill } from "../generate/prefill";
import { downloadZip } from "../jobs/actions";
import { invalidateJobs, useJobDetail } from "../jobs/api";
import { ErrorPanel } from "../jobs/ErrorPanel";
import { useImageActions } from "../jobs/imageActions";
import { useImageTarget, type ImageTarget } from "../jobs/imageFocus";
import { useImageMenu } from "../jobs/ImageMenu";
import { ImageNav } from "../jobs/ImageNav";
import { useQuickLook } from "../jobs/QuickLook";
import { KIND_LABEL, jobKind } from "../jobs/kind";
import { phaseText } from "../jobs/labels";
import { StatusBadge } from "../jobs/StatusBadge";
import { BeforeAfter } from "./BeforeAfter";
import { RecoveryPanel } from "./RecoveryPanel";
import { findVerification } from "../transparent/model";
import { VerifyReport } from "../transparent/VerifyReport";

const letter = (i: number) => (i < 26 ? String.fromCharCode(65 + i) : `#${i + 1}`);

function Timeline({ events }: { events: readonly JobEvent[] }) {
  const { t } = useI18n();
  // Codex forwards its raw upstream stream (kind "sse"): too chatty for a timeline.
  const shown = events.filter((e) => e.kind !== "sse").slice(-30);
  if (shown.length === 0) return <p className="muted">{t("drawer.no_events")}</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {shown.map((event) => {
        const data = (event.data ?? {}) as Record<string, unknown>;
        const phase = phaseText(event.type, null, normalizeStatus(data.status));
        const label = "key" in phase && phase.key !== "phase.working" ? t(phase.key) : event.type;
        const message = typeof data.message === "string" ? data.message : null;
        const percent = typeof data.percent === "number" ? `${Math.round(data.percent)}%` : null;
        const terminal = /^job\.(completed|partial_failed|failed|cancell?ed)$/.test(event.type);
        return (
          <li key={event.seq} className={cx("timeline__item", terminal && `is-${event.type.slice(4)}`)}>
            <span className="timeline__dot" aria-hidden="true" />
            <span className="timeline__label">{label}</span>
            <code className="timeline__type">{event.type}</code>
            {percent ? <span className="timeline__pct">{percent}</span> : null}
            {message && message !== label ? <span className="timeline__msg">{message}</span> : null}
          </li>
        );
      })}
    </ol>
  );
}

export interface JobDrawerProps {
  jobId: string | null;
  /** The row as listed, shown until the detail arrives. */
  listed?: Job;
  onClose: () => void;
}

export function JobDrawer({ jobId, listed, onClose }: JobDrawerProps) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const caps = useCapabilities();
  const detail = useJobDetail(jobId);
  const job = detail.data?.job ?? listed ?? null;
  const events = detail.data?.events ?? [];
  const [index, setIndex] = useState(0);
  const [busy, setBusy] = useState<string | null>(null);
  useEffect(() => setIndex(0), [jobId]);
  const imageActions = useImageActions();
  const quickLook = useQuickLook();
  const shown = job ? [...job.outputs].sort((a, b) => a.index - b.index) : [];
  const shownOutput = shown[Math.min(index, Math.max(0, shown.length - 1))];
  const image: ImageTarget | null =
    jobId && job && shownOutput ? { job, output: shownOutput, actions: imageActions, quickLook: () => quickLook.open(job, index), onDeleted: onClose } : null;
  const imageTarget = useImageTarget(image);
  const imageMenu = useImageMenu({ inHistory: true });

  const canRetry = hasRoute(caps, "post", "/api/jobs/{job_id}/retry");
  const canRefs = hasRouteLike(caps, "get", /^\/api\/jobs\/\{[^}]+\}\/refs\/\{[^}]+\}$/);
  const canDelete = imageActions.canDelete;

  const run = async (name: string, action: () => Promise<void>) => {
    setBusy(name);
    try {
      await action();
    } catch (error) {
      toast.show({ tone: "error", title: t("action.failed"), description: toApiError(error).message });
    } finally {
      setBusy(null);
    }
  };

  if (!jobId) return <Dialog open={false} onClose={onClose} title="" closeLabel={t("action.close")} variant="drawer" />;

  const status = job ? normalizeStatus(job.status) : "unknown";
  const params = job ? jobParams(job) : null;
  const outputs = job ? [...job.outputs].sort((a, b) => a.index - b.index) : [];
  const output = outputs[Math.min(index, Math.max(0, outputs.length - 1))];
  const created = job ? parseJobTime(job.created_at) : null;
  const updated = job ? parseJobTime(job.updated_at) : null;
  const meta = (job?.metadata ?? {}) as Record<string, unknown>;
  const error = job ? asJobError(job.error) : null;
  const refs = job?.reference_images ?? [];
  const title = outputs.length > 1 ? t("drawer.title_n", { letter: letter(index), i: index + 1, n: outputs.length }) : t("drawer.title");

  const facts: [string, string][] = job
    ? [
        [t("field.size"), String(meta.size ?? "—")],
        [t("field.quality"), String(meta.quality ?? "—")],
        [t("field.format"), String(meta.format ?? "—").toUpperCase()],
        [t("field.count"), String(meta.n ?? Math.max(outputs.length, 1))],
        ...(meta.background ? [[t("field.background"), String(meta.background)] as [string, string]] : []),
        ...(typeof meta.compression === "number" ? [[t("field.compression"), `${meta.compression}%`] as [string, string]] : []),
        ...(meta.input_fidelity ? [[t("field.input_fidelity"), String(meta.input_fidelity)] as [string, string]] : []),
        [t("job.provider"), job.provider || "—"],
        [t("drawer.kind"), t(KIND_LABEL[jobKind(job)])],
        [t("drawer.file_size"), totalOutputBytes(job) ? formatBytes(totalOutputBytes(job), locale) : "—"],
        [t("job.created"), created ? formatFullDateTime(created, locale) : "—"],
        [t("drawer.updated"), updated ? formatFullDateTime(updated, locale) : "—"],
        [t("job.id"), job.id],
      ]
    : [];

  const actions = job ? (
    <div className="drawer-actions">
      {output ? (
        <>
          <Button variant="primary" icon="download" busy={busy === "download"} onClick={() => void run("download", () => imageActions.download(job, output))}>
            {t("drawer.download")}
          </Button>
          <Button
            icon="copy"
            busy={busy === "copy"}
            onClick={() => void run("copy", () => imageActions.copyImage(job, output))}
          >
            {t("drawer.copy")}
          </Button>
          {outputs.length > 1 ? (
            <Button
              icon="archive"
              busy={busy === "zip"}
              onClick={() =>
                void run("zip", async () => {
                  const n = await downloadZip([job]);
                  toast.show({ tone: "success", title: t("zip.done", { count: n }) });
                })
              }
            >
              {t("drawer.zip")}
            </Button>
          ) : null}
          <Button
            icon="edit"
            busy={busy === "send"}
            onClick={() => void run("send", () => imageActions.useAsReference(job, output))}
          >
            {t("drawer.send_to_edit")}
          </Button>
        </>
      ) : null}
      {job.command === "images generate" && params?.prompt ? (
        <Button
          icon="sparkles"
          onClick={() => {
            const q = String(meta.quality ?? "auto");
            generatePrefill.put({
              prompt: params.prompt ?? "",
              ...sizeFields(params.size),
              ...(["auto", "low", "medium", "high", "xhigh", "max"].includes(q) ? { quality: q as "auto" } : {}),
              ...(params.format === "png" || params.format === "jpeg" || params.format === "webp" ? { format: params.format } : {}),
              n: typeof meta.n === "number" ? meta.n : 1,
            });
            onClose();
            navigate("generate");
          }}
        >
          {t("drawer.rerun")}
        </Button>
      ) : null}
      {canRetry && !isJobActive(job) && (job.command === "images generate" || job.command === "images edit") ? (
        <Button
          icon="refresh"
          busy={busy === "retry"}
          title={t("drawer.retry_hint")}
          onClick={() =>
            void run("retry", async () => {
              const response = await retryJob(job.id);
              invalidateJobs(queryClient);
              toast.show({ tone: "success", title: t("drawer.retried") });
              navigate("tasks", response.job.id);
            })
          }
        >
          {t("drawer.retry")}
        </Button>
      ) : null}
      {status === "queued" || status === "running" ? (
        <Button
          icon="ban"
          busy={busy === "cancel"}
          onClick={() =>
            void run("cancel", async () => {
              await unwrap(api.POST("/api/jobs/{job_id}/cancel", { params: { path: { job_id: job.id } } }));
              invalidateJobs(queryClient);
              void detail.refetch();
              toast.show({ tone: "success", title: t("drawer.cancelled") });
            })
          }
        >
          {t("drawer.cancel")}
        </Button>
      ) : null}
      {canDelete ? (
        <Button
          variant="ghost"
          icon="trash"
          className="drawer-actions__danger"
          busy={busy === "delete"}
          onClick={() =>
            void run("delete", async () => {
              if (await imageActions.deleteJob(job)) onClose();
            })
          }
        >
          {t("action.delete")}
        </Button>
      ) : null}
    </div>
  ) : null;

  return (
    <Dialog
      open
      onClose={onClose}
      variant="drawer"
      title={title}
      description={params?.prompt ? params.prompt.slice(0, 80) + (params.prompt.length > 80 ? "…" : "") : undefined}
      closeLabel={t("action.close")}
      className="job-drawer"
      footer={actions}
    >
      {!job ? (
        detail.isError ? (
          <ErrorPanel title={t("drawer.load_failed")} error={toApiError(detail.error)} />
        ) : (
          <div className="drawer-loading">
            <Spinner size={20} label={t("boot.loading")} />
          </div>
        )
      ) : (
        <div className="drawer-content" data-testid="job-drawer" data-job-id={job.id}>
          <div className="drawer-status">
            <StatusBadge status={status} />
            <span className="muted">{job.provider}</span>
          </div>
          {output ? (
            <figure className="drawer-image checkerboard" {...imageTarget} {...imageMenu.bind(image)}>
              <button
                type="button"
                className="drawer-image__open"
                onClick={() => quickLook.open(job, index)}
                title={t("image.quick_look")}
                data-image-target=""
                aria-keyshortcuts="Space"
              >
                <img src={outputUrl(job.id, output.index)} alt={t("drawer.image_alt", { letter: letter(index) })} />
              </button>
              <ImageNav index={index} count={outputs.length} onIndex={setIndex} />
            </figure>
          ) : isJobActive(job) ? (
            <div className="drawer-pending">
              <Spinner size={20} />
              <span>{t("drawer.working")}</span>
            </div>
          ) : null}
          {outputs.length > 1 ? (
            <div className="drawer-thumbs" role="group" aria-label={t("drawer.outputs")}>
              {outputs.map((o, i) => (
                <button key={o.index} type="button" className={cx("drawer-thumb", i === index && "is-active")} onClick={() => setIndex(i)} aria-pressed={i === index} aria-label={t("drawer.image_alt", { letter: letter(i) })}>
                  <img src={outputUrl(job.id, o.index)} alt="" loading="lazy" />
                  <span>{letter(i)}</span>
                </button>
              ))}
            </div>
          ) : null}

          {error ? (
            <ErrorPanel title={status === "partial_failed" ? t("error.partial_title") : t("error.failed_title")} error={error} />
          ) : null}

          <RecoveryPanel job={job} />

          {job.command.startsWith("transparent") && findVerification(job) ? <VerifyReport v={findVerification(job)!} /> : null}

          {refs.length > 0 ? (
            <section className="drawer-section">
              <h3 className="drawer-section__title">{t("drawer.references", { count: refs.length })}</h3>
              {canRefs ? (
                output ? (
                  // The slider's picker shows every reference; the chosen one is compared.
                  <BeforeAfter key={job.id} references={refs.map((r) => ({ index: r.index, src: refUrl(job.id, r.index) }))} after={outputUrl(job.id, output.index)} />
                ) : (
                  <div className="drawer-refs">
                    {refs.map((r) => (
                      <img key={r.index} src={refUrl(job.id, r.index)} alt={t("drawer.ref_alt", { n: r.index + 1 })} loading="lazy" />
                    ))}
                  </div>
                )
              ) : (
                <p className="muted">{t("drawer.refs_unavailable")}</p>
              )}
            </section>
          ) : null}

          {params?.prompt ? (
            <section className="drawer-section">
              <div className="drawer-section__head">
                <h3 className="drawer-section__title">{t("field.prompt")}</h3>
                <Button
                  size="sm"
                  variant="ghost"
                  icon="copy"
                  onClick={() =>
                    void run("copy-prompt", async () => {
                      await navigator.clipboard.writeText(params.prompt ?? "");
                      toast.show({ tone: "success", title: t("drawer.prompt_copied") });
                    })
                  }
                >
                  {t("drawer.copy_prompt")}
                </Button>
              </div>
              <p className="drawer-prompt">{params.prompt}</p>
            </section>
          ) : null}

          <section className="drawer-section">
            <h3 className="drawer-section__title">{t("job.parameters")}</h3>
            <dl className="drawer-facts">
              {facts.map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
          </section>

          <section className="drawer-section">
            <h3 className="drawer-section__title">{t("drawer.timeline")}</h3>
            <Timeline events={events} />
          </section>
        </div>
      )}
      {quickLook.element}
      {imageMenu.element}
    </Dialog>
  );
}
