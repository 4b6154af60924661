import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import { hasRoute, useCapabilities } from "../../api/capabilities";
import { api, unwrap } from "../../api/client";
import { toApiError } from "../../api/errors";
import type { Job } from "../../api/types";
import { Button } from "../../components/Button";
import { useConfirm } from "../../components/Confirm";
import { Icon } from "../../components/Icon";
import { SegmentedControl } from "../../components/SegmentedControl";
import { useToast } from "../../components/Toast";
import { useI18n } from "../../i18n/useI18n";
import type { MessageKey } from "../../i18n/translate";
import { normalizeStatus } from "../../lib/jobs";
import { hrefFor, navigate, useRoute } from "../../lib/router";
import { useOnScreenShown, useScreenVisible } from "../../lib/screen";
import { useProviders } from "../config/api";
import { downloadZip } from "../jobs/actions";
import { invalidateJobs, useJobPages, useQueue } from "../jobs/api";
import { ErrorPanel } from "../jobs/ErrorPanel";
import { useImageActions } from "../jobs/imageActions";
import { useImageMenu } from "../jobs/ImageMenu";
import { useQuickLook } from "../jobs/QuickLook";
import { KIND_COMMANDS } from "../jobs/kind";
import { JobCard } from "./JobCard";
import { JobDrawer } from "./JobDrawer";
import "./tasks.css";

const FILTERS = ["all", "active", "completed", "failed"] as const;
type Filter = (typeof FILTERS)[number];
const FILTER_LABEL: Readonly<Record<Filter, MessageKey>> = {
  all: "tasks.filter.all",
  active: "tasks.filter.active",
  completed: "tasks.filter.completed",
  failed: "tasks.filter.failed",
};
const KINDS = ["", "generate", "edit", "transparent", "request"] as const;
const KIND_FILTER_LABEL: Readonly<Record<(typeof KINDS)[number], MessageKey>> = {
  "": "tasks.kind.all",
  generate: "kind.generate",
  edit: "kind.edit",
  transparent: "kind.transparent",
  request: "kind.request",
};
const PAGE_SIZE = 40;
/** What "Clean up" removes: finished jobs, never queued or running ones (spec/ui.md §6.1). */
const CLEANABLE = new Set(["completed", "partial_failed", "failed", "cancelled"]);

export function cleanableJobs(jobs: readonly Job[]): Job[] {
  return jobs.filter((j) => CLEANABLE.has(normalizeStatus(j.status)));
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const id = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(id);
  }, [value, ms]);
  return debounced;
}

function QueuePanel() {
  const { t } = useI18n();
  const { data } = useQueue(useScreenVisible());
  if (!data) return null;
  return (
    <div className="queue-panel" data-testid="queue-panel" aria-label={t("queue.label")} role="group">
      <span className={data.running > 0 ? "queue-panel__live" : "queue-panel__idle"} aria-hidden="true" />
      <span>{t("queue.running", { count: data.running })}</span>
      <span aria-hidden="true">·</span>
      <span>{t("queue.queued", { count: data.queued })}</span>
      <span aria-hidden="true">·</span>
      <span>{t("queue.parallel", { count: data.max_parallel })}</span>
    </div>
  );
}

export function TasksPage() {
  const { t, tp } = useI18n();
  const toast = useToast();
  const confirm = useConfirm();
  const queryClient = useQueryClient();
  const caps = useCapabilities();
  const canDelete = hasRoute(caps, "delete", "/api/jobs/{job_id}");
  const [cleaning, setCleaning] = useState(false);
  const imageActions = useImageActions();
  const quickLook = useQuickLook();
  const imageMenu = useImageMenu();
  const route = useRoute();
  const searchId = useId();
  const providerId = useId();
  const kindId = useId();
  const openJob = route.screen === "tasks" ? (route.params[0] ?? null) : null;
  const [filter, setFilter] = useState<Filter>("all");
  const [search, setSearch] = useState("");
  const [provider, setProvider] = useState("");
  const [kind, setKind] = useState<(typeof KINDS)[number]>("");
  const [selecting, setSelecting] = useState(false);
  const [selection, setSelection] = useState<ReadonlyMap<string, Job>>(new Map());
  const [zipping, setZipping] = useState(false);
  const q = useDebounced(search.trim(), 250);
  const providers = useProviders();

  const visible = useScreenVisible();
  // Every filter runs on the server, so paging, the total and infinite scroll all see
  // the filtered history (a rare kind is not hidden behind pages of other jobs).
  const pages = useJobPages(
    {
      limit: PAGE_SIZE,
      status: filter === "all" ? undefined : filter,
      q: q || undefined,
      provider: provider || undefined,
      commands: kind ? KIND_COMMANDS[kind] : undefined,
    },
    visible,
  );
  useOnScreenShown(() => void pages.refetch());
  const jobs = useMemo(() => pages.data?.pages.flatMap((p) => p.jobs) ?? [], [pages.data]);
  const total = pages.data?.pages[0]?.total ?? 0;
  const filtered = filter !== "all" || q !== "" || provider !== "" || kind !== "";
  const providerNames = useMemo(
    () =>
      [...new Set([...providers.providers.map((p) => p.name), ...jobs.map((j) => j.provider), provider].filter(Boolean))].sort(),
    [providers.providers, jobs, provider],
  );

  // Infinite scroll: load the next page while the sentinel is on screen.
  const sentinel = useRef<HTMLDivElement>(null);
  const [nearEnd, setNearEnd] = useState(false);
  useEffect(() => {
    const el = sentinel.current;
    if (!el || typeof IntersectionObserver === "undefined") return undefined;
    const observer = new IntersectionObserver((entries) => setNearEnd(entries.some((e) => e.isIntersecting)), { rootMargin: "600px" });
    observer.observe(el);
    return () => observer.disconnect();
  }, [pages.isPending]);
  useEffect(() => {
    if (!visible || !nearEnd || !pages.hasNextPage || pages.isFetchingNextPage || pages.isPending) return;
    // The observer's flag may predate the last render (e.g. set while skeletons showed): re-measure.
    const top = sentinel.current?.getBoundingClientRect().top ?? Number.POSITIVE_INFINITY;
    if (top < window.innerHeight + 600) void pages.fetchNextPage();
  }, [visible, nearEnd, pages.hasNextPage, pages.isFetchingNextPage, pages.isPending, pages, jobs.length]);

  const toggle = (job: Job) =>
    setSelection((s) => {
      const next = new Map(s);
      if (next.has(job.id)) next.delete(job.id);
      else next.set(job.id, job);
      return next;
    });

  const exportZip = async () => {
    const chosen = [...selection.values()].filter((j) => j.outputs.length > 0);
    if (chosen.length === 0) {
      toast.show({ tone: "info", title: t("zip.nothing") });
      return;
    }
    setZipping(true);
    toast.show({ id: "zip", tone: "loading", title: t("zip.preparing") });
    try {
      const n = await downloadZip(chosen);
      toast.show({ id: "zip", tone: "success", title: t("zip.done", { count: n }) });
      setSelecting(false);
      setSelection(new Map());
    } catch (error) {
      toast.show({ id: "zip", tone: "error", title: t("zip.failed"), description: toApiError(error).message });
    } finally {
      setZipping(false);
    }
  };

  const cleanUp = async () => {
    const doomed = cleanableJobs(jobs);
    if (doomed.length === 0) {
      toast.show({ tone: "info", title: t("tasks.cleanup_nothing") });
      return;
    }
    const ok = await confirm({
      title: t("tasks.cleanup_title"),
      description: tp("tasks.cleanup_text", doomed.length),
      confirmLabel: t("tasks.cleanup_confirm"),
      cancelLabel: t("action.cancel"),
      danger: true,
    });
    if (!ok) return;
    setCleaning(true);
    toast.show({ id: "cleanup", tone: "loading", title: t("tasks.cleanup_running") });
    let failed = 0;
    let lastError: unknown = null;
    for (const job of doomed) {
      try {
        await unwrap(api.DELETE("/api/jobs/{job_id}", { params: { path: { job_id: job.id } } }));
      } catch (error) {
        failed += 1;
        lastError = error;
      }
    }
    invalidateJobs(queryClient);
    setSelection(new Map());
    setCleaning(false);
    if (failed === 0) toast.show({ id: "cleanup", tone: "success", title: tp("tasks.cleaned", doomed.length) });
    else
      toast.show({
        id: "cleanup",
        tone: "error",
        title: t("tasks.cleanup_failed", { failed, total: doomed.length }),
        description: toApiError(lastError).message,
      });
  };

  return (
    <div className="tasks-page">
      <header className="page-header tasks-page__header">
        <div className="tasks-page__title-row">
          <h1 className="page-title">{t("tasks.title")}</h1>
          {pages.data ? <span className="count-pill">{tp("tasks.total", total)}</span> : null}
          <QueuePanel />
        </div>
        <p className="page-subtitle">{t("tasks.subtitle")}</p>
      </header>

      <div className="tasks-toolbar">
        <SegmentedControl
          legend={t("tasks.filter_label")}
          hideLegend
          options={FILTERS.map((f) => ({ value: f, label: t(FILTER_LABEL[f]) }))}
          value={filter}
          onChange={setFilter}
        />
        <div className="search">
          <Icon name="search" size={16} className="search__icon" />
          <label htmlFor={searchId} className="visually-hidden">
            {t("tasks.search_label")}
          </label>
          <input
            id={searchId}
            className="input search__input"
            type="search"
            placeholder={t("tasks.search_placeholder")}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
      </div>
      <div className="tasks-toolbar tasks-toolbar--second">
        <div className="tasks-toolbar__filters">
          <label htmlFor={providerId} className="visually-hidden">
            {t("tasks.provider_filter")}
          </label>
          <div className="select select--compact">
            <select id={providerId} value={provider} onChange={(e) => setProvider(e.target.value)}>
              <option value="">{t("tasks.provider.all")}</option>
              {providerNames.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <label htmlFor={kindId} className="visually-hidden">
            {t("tasks.kind_filter")}
          </label>
          <div className="select select--compact">
            <select id={kindId} value={kind} onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(KIND_FILTER_LABEL[k])}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="tasks-toolbar__select">
          {selecting ? (
            <>
              <span className="muted" aria-live="polite">
                {tp("tasks.selected", selection.size)}
              </span>
              <Button size="sm" variant="primary" icon="archive" busy={zipping} disabled={selection.size === 0 || zipping} onClick={() => void exportZip()}>
                {t("tasks.download_zip")}
              </Button>
              <Button
                size="sm"
                variant="ghost"
                onClick={() => {
                  setSelecting(false);
                  setSelection(new Map());
                }}
              >
                {t("action.cancel")}
              </Button>
            </>
          ) : (
            <>
              <Button size="sm" icon="checkSquare" onClick={() => setSelecting(true)} disabled={jobs.length === 0}>
                {t("tasks.select")}
              </Button>
              {canDelete ? (
                <Button size="sm" variant="ghost" icon="trash" busy={cleaning} disabled={cleaning || cleanableJobs(jobs).length === 0} onClick={() => void cleanUp()}>
                  {t("tasks.cleanup")}
                </Button>
              ) : null}
            </>
          )}
        </div>
      </div>

      {pages.isPending ? (
        <ul className="job-grid" aria-hidden="true">
          {Array.from({ length: 8 }, (_, i) => (
            <li key={i} className="job-card job-card--skeleton">
              <span className="skeleton job-card__media" />
              <span className="skeleton" style={{ height: 14, margin: "12px 12px 6px" }} />
              <span className="skeleton" style={{ height: 12, width: "60%", margin: "0 12px 14px" }} />
            </li>
          ))}
        </ul>
      ) : pages.isError ? (
        <div className="stack">
          <ErrorPanel title={t("tasks.load_failed")} error={toApiError(pages.error)} />
          <Button size="sm" icon="refresh" onClick={() => void pages.refetch()}>
            {t("action.retry")}
          </Button>
        </div>
      ) : jobs.length === 0 && !pages.hasNextPage ? (
        <div className="card empty-state">
          <Icon name={filtered ? "search" : "sparkles"} size={28} />
          <p className="empty-state__title">{filtered ? t("tasks.no_match") : t("tasks.empty_title")}</p>
          {filtered ? null : (
            <a className="btn btn--primary btn--md" href={hrefFor("generate")}>
              {t("tasks.empty_action")}
            </a>
          )}
        </div>
      ) : (
        <>
          <ul className="job-grid" aria-label={t("tasks.list_label")}>
            {jobs.map((job) => (
              <JobCard
                key={job.id}
                job={job}
                selecting={selecting}
                selected={selection.has(job.id)}
                onOpen={() => navigate("tasks", job.id)}
                onToggleSelect={() => toggle(job)}
                actions={imageActions}
                onQuickLook={() => quickLook.open(job, 0)}
                menu={imageMenu}
              />
            ))}
          </ul>
          <div className="tasks-page__more">
            <span className="muted">{t("tasks.loaded", { loaded: jobs.length, total })}</span>
            {pages.hasNextPage ? (
              <Button onClick={() => void pages.fetchNextPage()} busy={pages.isFetchingNextPage} disabled={pages.isFetchingNextPage}>
                {t("tasks.load_more")}
              </Button>
            ) : null}
          </div>
        </>
      )}
      <div ref={sentinel} className="tasks-page__sentinel" aria-hidden="true" />
      {quickLook.element}
      {imageMenu.element}
      <JobDrawer jobId={openJob} listed={jobs.find((j) => j.id === openJob)} onClose={() => navigate("tasks")} />
    </div>
  );
}
