import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { api, unwrap } from "../../api/client";
import { toApiError } from "../../api/errors";
import type { components } from "../../api/schema";
import { Button } from "../../components/Button";
import { useToast } from "../../components/Toast";
import { useI18n } from "../../i18n/useI18n";
import type { MessageKey } from "../../i18n/translate";
import { configKey, useServerConfig } from "../config/api";
import {
  CLEANUP_MODES,
  LOCAL_DEFAULT,
  PIPELINE_MODES,
  canReadBack,
  parseStorage,
  policyView,
  storageBody,
  targetBody,
  validateStorage,
  type StorageDraft,
  type StorageProblem,
  type TargetDraft,
} from "./storage";
import { SectionLoading } from "./SectionLoading";

type TestBody = components["schemas"]["StorageTestBody"];

const PROBLEM_TEXT: Record<string, MessageKey> = {
  name_empty: "storage.problem.name_empty",
  name_chars: "storage.problem.name_chars",
  name_duplicate: "storage.problem.name_duplicate",
  directory_missing: "storage.problem.directory_missing",
  url_invalid: "storage.problem.url_invalid",
  archives_missing: "storage.problem.archives_missing",
  origin_missing: "storage.problem.origin_missing",
  range: "storage.problem.range",
};

function problemFor(problems: StorageProblem[], field: StorageProblem["field"], target?: string) {
  const p = problems.find((x) => x.field === field && (target === undefined || ("target" in x && x.target === target)));
  return p ? PROBLEM_TEXT[p.code] : undefined;
}

function TargetCard({
  target,
  problems,
  onChange,
  onRemove,
  onTest,
  testing,
}: {
  target: TargetDraft;
  problems: StorageProblem[];
  onChange: (t: TargetDraft) => void;
  onRemove: () => void;
  onTest: () => void;
  testing: boolean;
}) {
  const { t } = useI18n();
  const id = useId();
  const local = target.type === "local";
  const nameError = problemFor(problems, "name", target.key);
  const dirError = problemFor(problems, "directory", target.key);
  const urlError = problemFor(problems, "public_base_url", target.key);
  return (
    <li className="storage-target" data-testid="storage-target">
      <div className="form-grid form-grid--2">
        <div className="field">
          <label htmlFor={`${id}-name`} className="field-label">
            {t("storage.target_name")}
          </label>
          <input
            id={`${id}-name`}
            className="input mono"
            value={target.name}
            autoComplete="off"
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? `${id}-name-error` : undefined}
            onChange={(e) => onChange({ ...target, name: e.target.value })}
          />
          {nameError ? (
            <p id={`${id}-name-error`} className="field-error">
              {t(nameError)}
            </p>
          ) : null}
        </div>
        <div className="field">
          <span className="field-label">{t("storage.target_type")}</span>
          <p className="storage-target__type">{local ? t("storage.type.local") : t("storage.type.other", { type: target.type })}</p>
        </div>
      </div>
      {local ? (
        <>
          <div className="field">
            <label htmlFor={`${id}-dir`} className="field-label">
              {t("storage.directory")}
            </label>
            <input
              id={`${id}-dir`}
              className="input mono"
              value={target.directory}
              autoComplete="off"
              placeholder={target.name === LOCAL_DEFAULT ? t("storage.directory_default") : "/srv/gpt-image-2/archive"}
              aria-invalid={dirError ? true : undefined}
              aria-describedby={`${id}-dir-hint`}
              onChange={(e) => onChange({ ...target, directory: e.target.value })}
            />
            <p id={`${id}-dir-hint`} className={dirError ? "field-error" : "field-hint"}>
              {dirError ? t(dirError) : t("storage.directory_hint")}
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-public`} className="field-label">
              {t("storage.public_base_url")}
            </label>
            <input
              id={`${id}-public`}
              className="input mono"
              type="url"
              value={target.publicBaseUrl}
              autoComplete="off"
              placeholder="https://cdn.example.com/images"
              aria-invalid={urlError ? true : undefined}
              aria-describedby={urlError ? `${id}-public-error` : undefined}
              onChange={(e) => onChange({ ...target, publicBaseUrl: e.target.value })}
            />
            {urlError ? (
              <p id={`${id}-public-error`} className="field-error">
                {t(urlError)}
              </p>
            ) : null}
          </div>
        </>
      ) : (
        <p className="form-note">{t("storage.remote_note")}</p>
      )}
      <div className="settings-actions">
        <Button size="sm" icon="zap" busy={testing} onClick={onTest}>
          {t("storage.test")}
        </Button>
        <span className="spacer" />
        <Button size="sm" variant="ghost" icon="trash" className="danger-text" onClick={onRemove}>
          {t("action.delete")}
        </Button>
      </div>
    </li>
  );
}

/** Where results are archived (spec/ui.md §9.4): local targets, pipeline, cleanup. */
export function StorageSection() {
  const { t } = useI18n();
  const toast = useToast();
  const id = useId();
  const queryClient = useQueryClient();
  const config = useServerConfig();
  const [saved, setSaved] = useState<StorageDraft | null>(null);
  const [draft, setDraft] = useState<StorageDraft | null>(null);
  const [attempted, setAttempted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [testing, setTesting] = useState<string | null>(null);
  const policy = policyView(config.data?.storage);

  useEffect(() => {
    if (config.data && saved === null) {
      const d = parseStorage(config.data.storage);
      setSaved(d);
      setDraft(d);
    }
  }, [config.data, saved]);

  if (!draft) {
    return (
      <section className="settings-section card" id="settings-storage" aria-labelledby="settings-storage-title">
        <h2 id="settings-storage-title" className="settings-section__title" tabIndex={-1}>
          {t("settings.storage")}
        </h2>
        <SectionLoading />
      </section>
    );
  }

  const problems = validateStorage(draft);
  const shown = attempted ? problems : [];
  const dirty = saved !== null && JSON.stringify(draft) !== JSON.stringify(saved);
  const set = (patch: Partial<StorageDraft>) => setDraft({ ...draft, ...patch });
  const names = draft.targets.map((x) => x.name.trim()).filter(Boolean);
  const readBack = draft.targets.filter(canReadBack);
  const modeAllowed = (m: string) => !policy.locked || policy.allowedModes.length === 0 || policy.allowedModes.includes(m as never);

  const save = async () => {
    setAttempted(true);
    if (problems.length > 0) {
      toast.show({ tone: "error", title: t("storage.incomplete") });
      return;
    }
    setSaving(true);
    try {
      const next = await unwrap(api.PUT("/api/storage", { body: storageBody(draft) }));
      queryClient.setQueryData(configKey, next);
      const d = parseStorage(next.storage);
      setSaved(d);
      setDraft(d);
      setAttempted(false);
      toast.show({ tone: "success", title: t("storage.saved") });
    } catch (e) {
      toast.show({ tone: "error", title: t("storage.save_failed"), description: toApiError(e).message });
    } finally {
      setSaving(false);
    }
  };

  const test = async (target: TargetDraft) => {
    setAttempted(true);
    const name = target.name.trim();
    if (problems.some((p) => "target" in p && p.target === target.key)) return;
    setTesting(target.key);
    try {
      const body = { target: targetBody(target) } as TestBody;
      const r = await unwrap(api.POST("/api/storage/{name}/test", { params: { path: { name } }, body }));
      toast.show({ tone: r.ok ? "success" : "error", title: t(r.ok ? "storage.test_ok" : "storage.test_failed"), description: r.message });
    } catch (e) {
      toast.show({ tone: "error", title: t("storage.test_failed"), description: toApiError(e).message });
    } finally {
      setTesting(null);
    }
  };

  const addTarget = () => {
    let n = draft.targets.length + 1;
    while (names.includes(`target-${n}`)) n += 1;
    set({ targets: [...draft.targets, { key: `new-${Date.now()}`, name: `target-${n}`, type: "local", directory: "", publicBaseUrl: "", raw: {} }] });
  };

  const numberField = (field: "uploadConcurrency" | "targetConcurrency" | "retentionDays" | "maxGb", problemField: StorageProblem["field"], label: MessageKey, max: number) => {
    const error = problemFor(shown, problemField);
    return (
      <div className="field">
        <label htmlFor={`${id}-${field}`} className="field-label">
          {t(label)}
        </label>
        <input
          id={`${id}-${field}`}
          className="input mono"
          type="number"
          inputMode="numeric"
          min={1}
          max={max}
          value={draft[field]}
          disabled={policy.locked && (field === "retentionDays" || field === "maxGb")}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-${field}-error` : undefined}
          onChange={(e) => set({ [field]: e.target.value })}
        />
        {error ? (
          <p id={`${id}-${field}-error`} className="field-error">
            {t(error, { min: 1, max })}
          </p>
        ) : null}
      </div>
    );
  };

  const archivesError = problemFor(shown, "archives");
  const originError = problemFor(shown, "origin");

  return (
    <section className="settings-section card" id="settings-storage" aria-labelledby="settings-storage-title">
      <div className="settings-section__head">
        <div>
          <h2 id="settings-storage-title" className="settings-section__title" tabIndex={-1}>
            {t("settings.storage")}
          </h2>
          <p className="settings-section__desc">{t("settings.storage_desc")}</p>
        </div>
        <div className="settings-actions">
          {dirty ? <span className="settings-dirty">{t("settings.unsaved")}</span> : null}
          <Button size="sm" variant="primary" busy={saving} onClick={() => void save()} data-testid="storage-save">
            {t("action.save")}
          </Button>
        </div>
      </div>
      {attempted && problems.length > 0 ? (
        <p className="field-error" role="alert">
          {t("storage.incomplete")}
        </p>
      ) : null}
      {policy.managed ? (
        <p className="form-note" data-testid="storage-policy">
          <strong>{t(policy.locked ? "storage.policy_locked" : "storage.policy_default")}</strong>
          {policy.message ? ` · ${policy.message}` : null}
        </p>
      ) : null}
      <h3 className="settings-subtitle">{t("storage.strategy")}</h3>
      <fieldset className="storage-modes" disabled={policy.locked}>
        <legend className="field-label">{t("storage.mode")}</legend>
        {PIPELINE_MODES.map((m) => {
          const disabled = !modeAllowed(m) || (m === "cloud_primary" && readBack.length === 0);
          return (
            <label key={m} className={`storage-mode${draft.mode === m ? " is-active" : ""}${disabled ? " is-disabled" : ""}`}>
              <input type="radio" name={`${id}-mode`} value={m} checked={draft.mode === m} disabled={disabled} onChange={() => set({ mode: m, origin: m === "cloud_primary" && !draft.origin ? (readBack[0]?.name ?? "") : draft.origin })} />
              <span className="storage-mode__title">{t(`storage.mode.${m}`)}</span>
              <span className="storage-mode__desc">{t(`storage.mode.${m}_desc`)}</span>
            </label>
          );
        })}
      </fieldset>
      {draft.mode === "cloud_primary" ? (
        <div className="field">
          <label htmlFor={`${id}-origin`} className="field-label">
            {t("storage.origin")}
          </label>
          <div className="select">
            <select id={`${id}-origin`} value={draft.origin} disabled={policy.locked} aria-invalid={originError ? true : undefined} onChange={(e) => set({ origin: e.target.value })}>
              <option value="">—</option>
              {readBack.map((x) => (
                <option key={x.key} value={x.name.trim()}>
                  {x.name}
                </option>
              ))}
            </select>
          </div>
          {originError ? <p className="field-error">{t(originError)}</p> : null}
        </div>
      ) : null}
      {draft.mode !== "local_only" ? (
        <fieldset className="checks" disabled={policy.locked}>
          <legend className="field-label">{t(draft.mode === "cloud_primary" ? "storage.archives_extra" : draft.mode === "mirror" ? "storage.archives" : "storage.archives_push")}</legend>
          {names
            .filter((n) => n !== draft.origin || draft.mode !== "cloud_primary")
            .map((n) => (
              <label key={n} className="check">
                <input
                  type="checkbox"
                  checked={draft.archives.includes(n)}
                  onChange={(e) => set({ archives: e.target.checked ? [...draft.archives, n] : draft.archives.filter((a) => a !== n) })}
                />
                <span className="mono">{n}</span>
              </label>
            ))}
          {archivesError ? <p className="field-error">{t(archivesError)}</p> : null}
        </fieldset>
      ) : null}
      <div className="form-grid form-grid--2">
        <div className="field">
          <label htmlFor={`${id}-cleanup`} className="field-label">
            {t("storage.cleanup")}
          </label>
          <div className="select">
            <select id={`${id}-cleanup`} value={draft.cleanup} disabled={policy.locked} onChange={(e) => set({ cleanup: e.target.value as StorageDraft["cleanup"] })}>
              {CLEANUP_MODES.map((m) => (
                <option key={m} value={m}>
                  {t(`storage.cleanup.${m}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        {draft.cleanup === "by_age" ? numberField("retentionDays", "retention_days", "storage.retention_days", 36500) : null}
        {draft.cleanup === "by_size" ? numberField("maxGb", "max_gb", "storage.max_gb", 1_000_000) : null}
      </div>
      <div className="form-grid form-grid--2">
        {numberField("uploadConcurrency", "upload_concurrency", "storage.upload_concurrency", 32)}
        {numberField("targetConcurrency", "target_concurrency", "storage.target_concurrency", 32)}
      </div>
      <h3 className="settings-subtitle">{t("storage.targets")}</h3>
      <ul className="storage-targets">
        {draft.targets.map((target, i) => (
          <TargetCard
            key={target.key}
            target={target}
            problems={shown}
            testing={testing === target.key}
            onTest={() => void test(target)}
            onChange={(next) => {
              const before = target.name.trim();
              const after = next.name.trim();
              set({
                targets: draft.targets.map((x, j) => (j === i ? next : x)),
                archives: draft.archives.map((a) => (a === before ? after : a)),
                origin: draft.origin === before ? after : draft.origin,
              });
            }}
            onRemove={() => set({ targets: draft.targets.filter((_, j) => j !== i), archives: draft.archives.filter((a) => a !== target.name.trim()) })}
          />
        ))}
      </ul>
      <Button size="sm" icon="plus" className="storage-add" onClick={addTarget}>
        {t("storage.add_target")}
      </Button>
    </section>
  );
}
