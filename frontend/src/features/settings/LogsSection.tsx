import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { api, unwrap } from "../../api/client";
import { toApiError } from "../../api/errors";
import type { components } from "../../api/schema";
import { Button } from "../../components/Button";
import { Switch } from "../../components/Switch";
import { useToast } from "../../components/Toast";
import { useI18n } from "../../i18n/useI18n";
import { configKey, useServerConfig } from "../config/api";
import { SectionLoading } from "./SectionLoading";

type LogEntry = components["schemas"]["LogEntry"];
type Level = "all" | "error" | "warn" | "info" | "debug";
const LEVELS: readonly Level[] = ["all", "error", "warn", "info", "debug"];

/** One line for an entry: error.message → data.message → compact JSON. */
export function logMessage(entry: Pick<LogEntry, "data">): string {
  const data: unknown = entry.data;
  if (data && typeof data === "object") {
    const record = data as Record<string, unknown>;
    const error = record.error;
    if (error && typeof error === "object" && typeof (error as Record<string, unknown>).message === "string") {
      return (error as Record<string, string>).message!;
    }
    if (typeof record.message === "string") return record.message;
  }
  if (data === undefined || data === null) return "";
  return typeof data === "string" ? data : JSON.stringify(data);
}

/** The loaded entries as JSON Lines. */
export function toJsonl(entries: readonly LogEntry[]): string {
  return entries.map((e) => JSON.stringify(e)).join("\n") + (entries.length ? "\n" : "");
}

function download(text: string, filename: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/jsonl" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Server diagnostics (spec/ui.md §9.7): debug switch, level filter, refresh, export. */
export function LogsSection() {
  const { t, locale } = useI18n();
  const toast = useToast();
  const id = useId();
  const queryClient = useQueryClient();
  const config = useServerConfig();
  const [level, setLevel] = useState<Level>("all");
  // The switch follows the click at once; the server's answer settles it.
  const [pendingDebug, setPendingDebug] = useState<boolean | null>(null);
  const logs = useQuery({
    queryKey: ["logs", level],
    queryFn: () => unwrap(api.GET("/api/logs", { params: { query: { limit: 1000, level: level === "all" ? null : level } } })),
  });
  const entries = [...(logs.data?.entries ?? [])].reverse();
  const logsDir = logs.data?.logs_dir;

  const setDebug = async (debug: boolean) => {
    setPendingDebug(debug);
    try {
      const next = await unwrap(api.PUT("/api/logging", { body: { debug } }));
      queryClient.setQueryData(configKey, next);
      toast.show({ tone: "success", title: t(debug ? "logs.debug_on" : "logs.debug_off") });
      void logs.refetch();
    } catch (e) {
      toast.show({ tone: "error", title: t("action.failed"), description: toApiError(e).message });
    } finally {
      setPendingDebug(null);
    }
  };

  return (
    <section className="settings-section card" id="settings-logs" aria-labelledby="settings-logs-title">
      <div className="settings-section__head">
        <div>
          <h2 id="settings-logs-title" className="settings-section__title" tabIndex={-1}>
            {t("settings.logs")}
          </h2>
          <p className="settings-section__desc">{t("settings.logs_desc")}</p>
        </div>
      </div>
      <Switch
        checked={pendingDebug ?? config.data?.logging.debug === true}
        disabled={!config.data || pendingDebug !== null}
        onChange={(v) => void setDebug(v)}
        label={t("logs.debug")}
        description={t("logs.debug_hint")}
      />
      <div className="settings-actions logs-toolbar">
        <div className="field logs-toolbar__level">
          <label htmlFor={`${id}-level`} className="field-label">
            {t("logs.level")}
          </label>
          <div className="select">
            <select id={`${id}-level`} value={level} onChange={(e) => setLevel(e.target.value as Level)}>
              {LEVELS.map((l) => (
                <option key={l} value={l}>
                  {t(`logs.level.${l}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <span className="spacer" />
        <Button size="sm" icon="refresh" busy={logs.isFetching} onClick={() => void logs.refetch()}>
          {t("logs.refresh")}
        </Button>
        <Button size="sm" icon="archive" disabled={!logsDir} onClick={() => toast.show({ tone: "info", title: t("logs.dir"), description: logsDir })}>
          {t("logs.dir")}
        </Button>
        <Button
          size="sm"
          icon="download"
          disabled={entries.length === 0}
          onClick={() => download(toJsonl(entries), `gpt-image-2-logs-${new Date().toISOString().replace(/[:.]/g, "-")}.jsonl`)}
        >
          {t("logs.export")}
        </Button>
      </div>
      {logs.isPending ? (
        <SectionLoading />
      ) : logs.isError ? (
        <p className="field-error" role="alert">
          {t("logs.load_failed")} {toApiError(logs.error).message}
        </p>
      ) : entries.length === 0 ? (
        <p className="muted" data-testid="logs-empty">
          {t("logs.empty")}
        </p>
      ) : (
        <ol className="log-list" data-testid="log-list" tabIndex={0} aria-label={t("settings.logs")}>
          {entries.map((e, i) => (
            <li key={`${e.ts}-${i}`} className="log-entry">
              <span className={`log-level log-level--${e.level}`}>{e.level}</span>
              <code className="log-type">{e.type}</code>
              <time className="log-time" dateTime={e.ts}>
                {new Date(e.ts).toLocaleString(locale)}
              </time>
              <span className="log-message">{logMessage(e)}</span>
            </li>
          ))}
        </ol>
      )}
      {logsDir ? (
        <p className="field-hint">
          {t("logs.dir")}: <span className="mono">{logsDir}</span>
        </p>
      ) : null}
    </section>
  );
}
