/**
 * Tells the user when a job they can see finishes (spec/ui.md §7): watches
 * the polled list of active jobs and, when one leaves it, fetches its final
 * state and shows a toast with a "View" action. The first poll only seeds.
 */
import { useEffect, useRef } from "react";
import { useToast } from "../../components/Toast";
import { useI18n } from "../../i18n/useI18n";
import { jobParams, normalizeStatus } from "../../lib/jobs";
import { navigate } from "../../lib/router";
import { fetchJobDetail, useActiveJobs } from "./api";

export function JobNotifier() {
  const { t, tp } = useI18n();
  const toast = useToast();
  const active = useActiveJobs();
  const seen = useRef<Set<string> | null>(null);
  const tRef = useRef({ t, tp, toast });
  tRef.current = { t, tp, toast };

  useEffect(() => {
    const ids = new Set(active.map((j) => j.id));
    const previous = seen.current;
    seen.current = ids;
    if (!previous) return;
    for (const id of previous) {
      if (ids.has(id)) continue;
      void fetchJobDetail(id)
        .then(({ job }) => {
          const { t, tp, toast } = tRef.current;
          const status = normalizeStatus(job.status);
          const edit = job.command === "images edit";
          // On the screen that submitted it, the job's own card already shows the result.
          const screen = window.location.hash.replace(/^#\/?/, "").split("/")[0] || "generate";
          if ((screen === "generate" && job.command === "images generate") || (screen === "edit" && edit)) return;
          const prompt = jobParams(job).prompt ?? "";
          const view = { label: t("action.view"), onClick: () => navigate("tasks", job.id) };
          if (status === "completed" || status === "partial_failed") {
            toast.show({
              id: `done-${id}`,
              tone: "success",
              title: t(status === "completed" ? (edit ? "notify.edit_done" : "notify.generate_done") : "notify.partial"),
              description: [job.provider, tp("notify.images", job.outputs.length), prompt.slice(0, 60)].filter(Boolean).join(" · "),
              action: view,
              duration: 8000,
            });
          } else if (status === "failed") {
            toast.show({
              id: `done-${id}`,
              tone: "error",
              title: t(edit ? "notify.edit_failed" : "notify.generate_failed"),
              description: job.error?.message ?? prompt.slice(0, 60),
              action: view,
            });
          }
        })
        .catch(() => undefined);
    }
  }, [active]);

  return null;
}
