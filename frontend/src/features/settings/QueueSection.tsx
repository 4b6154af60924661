import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useHasRoute } from "../../api/capabilities";
import { toApiError } from "../../api/errors";
import { setConcurrency } from "../../api/extra";
import { SegmentedControl } from "../../components/SegmentedControl";
import { useToast } from "../../components/Toast";
import { useI18n } from "../../i18n/useI18n";
import { readJson, writeJson } from "../../lib/storage";
import { queueKey, useQueue } from "../jobs/api";

export const CONCURRENCY_KEY = "gpt2.maxParallel";
const CHOICES = ["1", "2", "3", "4", "6", "8"] as const;
const isChoice = (v: unknown): v is number => typeof v === "number" && CHOICES.includes(String(v) as (typeof CHOICES)[number]);

/** Push the stored preference once per page load (spec/ui.md §2 step 4). */
export function useConcurrencyBoot(): void {
  const available = useHasRoute("post", "/api/queue/concurrency");
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!available) return;
    const stored = readJson(CONCURRENCY_KEY, isChoice);
    if (stored !== null) void setConcurrency(stored).then((q) => queryClient.setQueryData(queueKey, q)).catch(() => undefined);
  }, [available, queryClient]);
}

export function QueueSection() {
  const { t } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const available = useHasRoute("post", "/api/queue/concurrency");
  const queue = useQueue();
  const [pending, setPending] = useState<number | null>(null);
  const current = pending ?? queue.data?.max_parallel;

  return (
    <section className="settings-section card" id="settings-queue" aria-labelledby="settings-queue-title">
      <div className="settings-section__head">
        <div>
          <h2 id="settings-queue-title" className="settings-section__title">
            {t("settings.queue")}
          </h2>
          <p className="settings-section__desc">
            {queue.data ? t("settings.queue_now", { running: queue.data.running, queued: queue.data.queued }) : t("boot.loading")}
          </p>
        </div>
      </div>
      {available ? (
        <SegmentedControl
          legend={t("settings.parallel")}
          options={CHOICES.map((c) => ({ value: c, label: c }))}
          value={String(current ?? 2)}
          onChange={async (v) => {
            if (pending !== null) return;
            setPending(Number(v));
            try {
              const snapshot = await setConcurrency(Number(v));
              writeJson(CONCURRENCY_KEY, Number(v));
              queryClient.setQueryData(queueKey, snapshot);
              toast.show({ tone: "success", title: t("settings.parallel_saved", { count: snapshot.max_parallel }) });
            } catch (e) {
              toast.show({ tone: "error", title: t("action.failed"), description: toApiError(e).message });
            } finally {
              setPending(null);
            }
          }}
        />
      ) : (
        <p className="settings-readonly" data-testid="concurrency-readonly">
          {t("settings.parallel_readonly", { count: current ?? "—" })}
        </p>
      )}
    </section>
  );
}
