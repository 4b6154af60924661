/**
 * Recovery of a failed job (spec/web.md §11): the server classifies the job from
 * the evidence on disk and recommends actions; this panel renders them as buttons
 * and runs them through `POST /api/jobs/{id}/resume`. Labels are translated by
 * action id; billable actions say so and ask for confirmation first.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { hasRoute, useCapabilities } from "../../api/capabilities";
import { api, unwrap } from "../../api/client";
import { toApiError } from "../../api/errors";
import type { Job, RecoveryAction, RecoveryDescriptor } from "../../api/types";
import { Button } from "../../components/Button";
import { useConfirm } from "../../components/Confirm";
import { useToast } from "../../components/Toast";
import type { MessageKey } from "../../i18n/translate";
import { useI18n } from "../../i18n/useI18n";
import { normalizeStatus } from "../../lib/jobs";
import { navigate } from "../../lib/router";
import { invalidateJobs } from "../jobs/api";

const CLASS_TEXT: Record<NonNullable<RecoveryDescriptor["recoverability"]>, MessageKey> = {
  "recoverable.never_dispatched": "recovery.class.never_dispatched",
  "recoverable.local_response_cached": "recovery.class.local_response_cached",
  "recoverable.partial_outputs": "recovery.class.partial_outputs",
  "recoverable.upload_failed": "recovery.class.upload_failed",
  "recoverable.remote_in_progress": "recovery.class.remote_in_progress",
  "ambiguous.remote_maybe_accepted": "recovery.class.remote_maybe_accepted",
  "terminal.local_recovery_unavailable": "recovery.class.local_recovery_unavailable",
  "terminal.provider_rejected": "recovery.class.provider_rejected",
  "terminal.user_cancelled": "recovery.class.user_cancelled",
};

const ACTION_LABEL: Record<RecoveryAction["id"], MessageKey> = {
  continue_save: "recovery.action.continue_save",
  fill_missing: "recovery.action.fill_missing",
  reupload: "recovery.action.reupload",
  resubmit: "recovery.action.resubmit",
  discard: "recovery.action.discard",
};

const RECOVERABLE = new Set(["failed", "partial_failed", "cancelled"]);

export const recoveryKey = (job: Job) => ["jobs", "recovery", job.id, job.status, job.updated_at] as const;

export function RecoveryPanel({ job }: { job: Job }) {
  const { t } = useI18n();
  const toast = useToast();
  const confirm = useConfirm();
  const queryClient = useQueryClient();
  const caps = useCapabilities();
  const [busy, setBusy] = useState<string | null>(null);
  const enabled =
    RECOVERABLE.has(normalizeStatus(job.status)) &&
    hasRoute(caps, "get", "/api/jobs/{job_id}/recovery") &&
    hasRoute(caps, "post", "/api/jobs/{job_id}/resume");
  const query = useQuery({
    queryKey: recoveryKey(job),
    queryFn: () => unwrap(api.GET("/api/jobs/{job_id}/recovery", { params: { path: { job_id: job.id } } })),
    enabled,
  });
  const desc = query.data;
  if (!enabled || !desc) return null;

  const meta = (job.metadata ?? {}) as Record<string, unknown>;
  const actions = [desc.primary_action, ...desc.secondary_actions].filter((a): a is RecoveryAction => a != null);
  const canDiscard = typeof meta.interrupted_reason === "string" && !desc.discarded_at;
  if (actions.length === 0 && !canDiscard && !desc.recoverability) return null;

  const label = (action: RecoveryAction) =>
    action.id === "fill_missing" ? t("recovery.action.fill_missing_n", { count: action.count ?? 1 }) : t(ACTION_LABEL[action.id]);

  const run = async (action: RecoveryAction["id"], billable: boolean) => {
    if (billable) {
      const ok = await confirm({
        title: t("recovery.confirm_title"),
        description: t(desc.recoverability === "ambiguous.remote_maybe_accepted" ? "recovery.warning.maybe_accepted" : "recovery.warning.billed"),
        confirmLabel: t("recovery.confirm"),
        cancelLabel: t("action.cancel"),
      });
      if (!ok) return;
    }
    setBusy(action);
    try {
      const result = await unwrap(
        api.POST("/api/jobs/{job_id}/resume", { params: { path: { job_id: job.id } }, body: { action } }),
      );
      invalidateJobs(queryClient);
      if (action === "resubmit") {
        toast.show({ tone: "success", title: t("drawer.retried") });
        navigate("tasks", result.job_id);
      } else if (action === "discard") {
        toast.show({ tone: "success", title: t("recovery.discarded") });
      } else {
        toast.show({ tone: result.recovered ? "success" : "error", title: t(result.recovered ? "recovery.done" : "recovery.incomplete") });
      }
    } catch (error) {
      toast.show({ tone: "error", title: t("action.failed"), description: toApiError(error).message });
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="drawer-section recovery-panel" data-testid="recovery" data-recoverability={desc.recoverability ?? ""}>
      <h3 className="drawer-section__title">{t("recovery.title")}</h3>
      {desc.recoverability ? <p className="recovery-panel__text">{t(CLASS_TEXT[desc.recoverability])}</p> : null}
      <div className="recovery-panel__actions">
        {actions.map((action) => (
          <Button
            key={action.id}
            variant={action === desc.primary_action ? "primary" : "secondary"}
            busy={busy === action.id}
            disabled={busy !== null}
            data-action={action.id}
            onClick={() => void run(action.id, action.billable)}
          >
            {label(action)}
            <span className={action.billable ? "badge badge--warning" : "badge badge--success"}>
              {t(action.billable ? "recovery.billable" : "recovery.free")}
            </span>
          </Button>
        ))}
        {canDiscard ? (
          <Button variant="ghost" busy={busy === "discard"} disabled={busy !== null} data-action="discard" onClick={() => void run("discard", false)}>
            {t("recovery.action.discard")}
          </Button>
        ) : null}
      </div>
    </section>
  );
}
