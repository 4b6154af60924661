import { useCallback, useEffect, useRef, useState } from "react";
import type { EnqueueResponse, Job, JobEvent } from "../../api/types";
import { Icon } from "../../components/Icon";
import { useI18n } from "../../i18n/useI18n";
import type { MessageKey } from "../../i18n/translate";
import { JobLiveCard } from "../jobs/JobLiveCard";
import { GenerateForm } from "./GenerateForm";
import { RecentJobs } from "./RecentJobs";
import { useDraft } from "./useDraft";
import { generatePrefill } from "./prefill";
import { useInbox } from "../../lib/inbox";
import { useToast } from "../../components/Toast";
import "./generate.css";

interface SessionJob {
  job: Job;
  events: JobEvent[];
}

const MAX_SESSION_JOBS = 6;
const EXAMPLES: readonly MessageKey[] = ["generate.example.1", "generate.example.2", "generate.example.3"];

export function GeneratePage() {
  const { t } = useI18n();
  const { draft, update, replace } = useDraft();
  const toast = useToast();
  useInbox(generatePrefill, (patch) => {
    replace(patch);
    toast.show({ tone: "info", title: t("generate.prefilled") });
    window.requestAnimationFrame(() => promptRef.current?.focus());
  });
  const [session, setSession] = useState<SessionJob[]>([]);
  const [announcement, setAnnouncement] = useState("");
  const promptRef = useRef<HTMLTextAreaElement>(null);
  const resultsRef = useRef<HTMLDivElement>(null);
  const lastQueued = useRef<string | null>(null);

  const onQueued = useCallback(
    (response: EnqueueResponse) => {
      lastQueued.current = response.job.id;
      setSession((jobs) => [{ job: response.job, events: response.events }, ...jobs].slice(0, MAX_SESSION_JOBS));
      setAnnouncement(t("generate.queued_announcement"));
    },
    [t],
  );

  // On narrow screens the results sit below the form: bring the new job into view.
  useEffect(() => {
    const id = lastQueued.current;
    if (!id) return;
    lastQueued.current = null;
    const card = resultsRef.current?.querySelector(`[data-job-id="${CSS.escape(id)}"]`);
    if (card && card.getBoundingClientRect().top > window.innerHeight) {
      card.scrollIntoView({ behavior: "smooth", block: "start" });
    }
  }, [session]);

  const applyExample = (key: MessageKey) => {
    update("prompt", t(key));
    promptRef.current?.focus();
  };

  return (
    <div className="generate-page">
      <section className="generate-page__compose" aria-labelledby="generate-title">
        <header className="page-header">
          <h1 id="generate-title" className="page-title">
            {t("generate.title")}
          </h1>
          <p className="page-subtitle">{t("generate.subtitle")}</p>
        </header>
        <GenerateForm draft={draft} update={update} onQueued={onQueued} promptRef={promptRef} />
      </section>

      <div className="generate-page__results" ref={resultsRef}>
        <section aria-labelledby="session-title" className="session">
          <h2 id="session-title" className="visually-hidden">
            {t("session.title")}
          </h2>
          {session.length === 0 ? (
            <div className="card canvas-empty">
              <span className="canvas-empty__icon">
                <Icon name="image" size={28} />
              </span>
              <p className="canvas-empty__title">{t("session.empty_title")}</p>
              <p className="canvas-empty__text">{t("session.empty_text")}</p>
              <div className="canvas-empty__examples">
                {EXAMPLES.map((key) => (
                  <button key={key} type="button" className="chip" onClick={() => applyExample(key)}>
                    <Icon name="sparkles" size={14} />
                    {t(key)}
                  </button>
                ))}
              </div>
            </div>
          ) : (
            <div className="session__list">
              {session.map(({ job, events }) => (
                <JobLiveCard
                  key={job.id}
                  job={job}
                  events={events}
                  onDismiss={() => setSession((jobs) => jobs.filter((j) => j.job.id !== job.id))}
                />
              ))}
            </div>
          )}
        </section>
        <RecentJobs />
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
    </div>
  );
}
