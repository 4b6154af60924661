/**
 * Tells the user when a job they can see finishes (spec/ui.md §7): watches
 * the polled list of active jobs and, when one leaves it, fetches its final
 * state and the server's notification config (`GET /api/notifications`),
 * then shows a toast with a "View" action and/or a system notification —
 * only for the statuses and channels the config turns on. The first poll
 * only seeds.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { api, unwrap } from "../../api/client";
import type { Job } from "../../api/types";
import { outputUrl } from "../../api/urls";
import { useToast } from "../../components/Toast";
import { useI18n } from "../../i18n/useI18n";
import { jobParams, normalizeStatus } from "../../lib/jobs";
import { navigate } from "../../lib/router";
import { fetchJobDetail, useActiveJobs } from "./api";
import { notifyPlan, parseLocalNotifyConfig, showSystemNotification, systemPermission, type LocalNotifyConfig } from "./notify";

export const notificationsKey = ["notifications", "local"] as const;

/** The current screen from the hash route (`#/tasks/…` → "tasks"). */
function currentScreen(): string {
  return window.location.hash.replace(/^#\/?/, "").split("/")[0] || "generate";
}

export function JobNotifier() {
  const { t, tp } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const active = useActiveJobs();
  const seen = useRef<Set<string> | null>(null);
  const latest = useRef({ t, tp, toast, queryClient });
  latest.current = { t, tp, toast, queryClient };

  useEffect(() => {
    const ids = new Set(active.map((j) => j.id));
    const previous = seen.current;
    seen.current = ids;
    if (!previous) return;
    const gone = [...previous].filter((id) => !ids.has(id));
    if (gone.length === 0) return;
    // Fresh on every batch of finished jobs: Settings may have changed it in another tab.
    const config = latest.current.queryClient
      .fetchQuery({
        queryKey: notificationsKey,
        queryFn: async () => parseLocalNotifyConfig(await unwrap(api.GET("/api/notifications"))),
        staleTime: 2000,
      })
      .catch(() => parseLocalNotifyConfig(null));
    for (const id of gone) {
      void Promise.all([fetchJobDetail(id), config])
        .then(([{ job }, settings]) => announce(job, settings))
        .catch(() => undefined);
    }
  }, [active]);

  const announce = (job: Job, config: LocalNotifyConfig) => {
    const { t, tp, toast } = latest.current;
    const status = normalizeStatus(job.status);
    const edit = job.command === "images edit";
    // On the screen that submitted it, the job's own card already shows the result.
    const screen = currentScreen();
    const plan = notifyPlan(config, status, {
      shownOnScreen: (screen === "generate" && job.command === "images generate") || (screen === "edit" && edit),
      pageVisible: document.visibilityState === "visible",
      permission: systemPermission(),
    });
    if (!plan.toast && !plan.system) return;
    const prompt = jobParams(job).prompt ?? "";
    const size = jobParams(job).size;
    const open = () => navigate("tasks", job.id);
    const first = [...job.outputs].sort((a, b) => a.index - b.index)[0];
    const thumbnail = first ? outputUrl(job.id, first.index) : undefined;
    let title: string;
    let description: string;
    let tone: "success" | "error" | "info";
    if (status === "completed" || status === "partial_failed") {
      tone = "success";
      title = t(status === "completed" ? (edit ? "notify.edit_done" : "notify.generate_done") : "notify.partial");
      description = [job.provider, size, tp("notify.images", job.outputs.length), prompt.slice(0, 60)].filter(Boolean).join(" · ");
    } else if (status === "failed") {
      tone = "error";
      title = t(edit ? "notify.edit_failed" : "notify.generate_failed");
      description = job.error?.message ?? prompt.slice(0, 60);
    } else {
      tone = "info";
      title = t("notify.cancelled");
      description = prompt.slice(0, 60);
    }
    if (plan.toast) {
      toast.show({
        id: `done-${job.id}`,
        tone,
        title,
        description: description || undefined,
        action: { label: t("action.view"), onClick: open },
        duration: 8000,
        // A finished job's first image is the toast's icon (spec/ui.md §7).
        image: tone === "success" ? thumbnail : undefined,
      });
    }
    if (plan.system) {
      showSystemNotification(title, {
        body: description,
        icon: thumbnail,
        tag: `job-${job.id}`,
        onClick: open,
      });
    }
  };

  return null;
}
