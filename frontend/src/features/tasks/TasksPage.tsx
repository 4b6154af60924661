import { useEffect, useId, useState } from "react";
import { toApiError } from "../../api/errors";
import { Button } from "../../components/Button";
import { Icon } from "../../components/Icon";
import { SegmentedControl } from "../../components/SegmentedControl";
import { useI18n } from "../../i18n/useI18n";
import type { MessageKey } from "../../i18n/translate";
import { hrefFor, useRoute } from "../../lib/router";
import { useOnScreenShown, useScreenVisible } from "../../lib/screen";
import { useJobPages } from "../jobs/api";
import { ErrorPanel } from "../jobs/ErrorPanel";
import { JobListSkeleton } from "../jobs/JobListSkeleton";
import { JobRow } from "../jobs/JobRow";
import "./tasks.css";

const FILTERS = ["all", "active", "completed", "failed"] as const;
type Filter = (typeof FILTERS)[number];
const FILTER_LABEL: Readonly<Record<Filter, MessageKey>> = {
  all: "tasks.filter.all",
  active: "tasks.filter.active",
  completed: "tasks.filter.completed",
  failed: "tasks.filter.failed",
};
const PAGE_SIZE = 30;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const id = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(id);
  }, [value, ms]);
  return debounced;
}

export function TasksPage() {
  const { t, tp } = useI18n();
  const route = useRoute();
  const searchId = useId();
  const linkedJob = route.screen === "tasks" ? route.params[0] : undefined;
  const [filter, setFilter] = useState<Filter>("all");
  const [search, setSearch] = useState("");
  const q = useDebounced(search.trim(), 250);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set(linkedJob ? [linkedJob] : []));

  useEffect(() => {
    if (linkedJob) setExpanded((s) => new Set(s).add(linkedJob));
  }, [linkedJob]);

  const visible = useScreenVisible();
  const pages = useJobPages(
    { limit: PAGE_SIZE, status: filter === "all" ? undefined : filter, q: q || undefined },
    visible,
  );
  useOnScreenShown(() => void pages.refetch());
  const jobs = pages.data?.pages.flatMap((p) => p.jobs) ?? [];
  const total = pages.data?.pages[0]?.total ?? 0;
  const filtered = filter !== "all" || q !== "";

  const toggle = (id: string) =>
    setExpanded((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className="tasks-page">
      <header className="page-header tasks-page__header">
        <div className="tasks-page__title-row">
          <h1 className="page-title">{t("tasks.title")}</h1>
          {pages.data ? <span className="count-pill">{tp("tasks.total", total)}</span> : null}
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

      {pages.isPending ? (
        <JobListSkeleton rows={5} />
      ) : pages.isError ? (
        <div className="stack">
          <ErrorPanel title={t("tasks.load_failed")} error={toApiError(pages.error)} />
          <Button size="sm" icon="refresh" onClick={() => void pages.refetch()}>
            {t("action.retry")}
          </Button>
        </div>
      ) : jobs.length === 0 ? (
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
          <ul className="job-list job-list--page" aria-label={t("tasks.list_label")}>
            {jobs.map((job) => (
              <JobRow
                key={job.id}
                job={job}
                expanded={expanded.has(job.id)}
                onToggle={() => toggle(job.id)}
                focusOnMount={job.id === linkedJob}
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
    </div>
  );
}
