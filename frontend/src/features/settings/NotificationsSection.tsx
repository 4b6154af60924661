import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { hasRoute, useCapabilities } from "../../api/capabilities";
import { toApiError } from "../../api/errors";
import { saveNotifications, testNotifications, type NotificationSettings } from "../../api/extra";
import type { components } from "../../api/schema";
import { Button } from "../../components/Button";
import { Switch } from "../../components/Switch";
import { useToast } from "../../components/Toast";
import { useI18n } from "../../i18n/useI18n";
import { configKey, useServerConfig } from "../config/api";
import { LOCAL_NOTIFY_DEFAULTS, requestSystemPermission, showSystemNotification } from "../jobs/notify";
import { credentialRef, credentialSources, CredentialEditor, draftFromStored, keepsStoredSecret, type CredentialDraft, type StoredCredential } from "./CredentialEditor";

type EmailConfig = components["schemas"]["EmailSettings"];
type WebhookConfig = components["schemas"]["Webhook"];
/** The editor's draft: the schema's settings with every optional section filled in. */
type NotificationConfig = NotificationSettings & {
  email: EmailConfig;
  webhooks: WebhookConfig[];
  toast: { enabled: boolean };
  system: { enabled: boolean; mode?: string };
};

const EMAIL_DEFAULTS: EmailConfig = { enabled: false, smtp_host: "", smtp_port: 587, tls: "start-tls", username: null, password: null, from: "", to: [], timeout_seconds: 10 };

/** The server's defaults (config/store.py `default_document`, shared with the job notifier). */
const DEFAULTS: NotificationConfig = {
  enabled: LOCAL_NOTIFY_DEFAULTS.enabled,
  on_completed: LOCAL_NOTIFY_DEFAULTS.on_completed,
  on_failed: LOCAL_NOTIFY_DEFAULTS.on_failed,
  on_cancelled: LOCAL_NOTIFY_DEFAULTS.on_cancelled,
  toast: { enabled: LOCAL_NOTIFY_DEFAULTS.toast },
  system: { enabled: LOCAL_NOTIFY_DEFAULTS.system, mode: "auto" },
  email: EMAIL_DEFAULTS,
  webhooks: [],
};

function parseEmail(raw: unknown): EmailConfig {
  if (!isRecord(raw)) return EMAIL_DEFAULTS;
  const tls = raw.tls === "smtps" || raw.tls === "none" ? raw.tls : "start-tls";
  return {
    ...raw,
    enabled: raw.enabled === true,
    smtp_host: typeof raw.smtp_host === "string" ? raw.smtp_host : "",
    smtp_port: typeof raw.smtp_port === "number" ? raw.smtp_port : 587,
    tls,
    username: typeof raw.username === "string" ? raw.username : null,
    password: isRecord(raw.password) ? (raw.password as EmailConfig["password"]) : null,
    from: typeof raw.from === "string" ? raw.from : "",
    to: Array.isArray(raw.to) ? raw.to.filter((a): a is string => typeof a === "string") : [],
    timeout_seconds: typeof raw.timeout_seconds === "number" ? raw.timeout_seconds : 10,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function parseNotifications(raw: unknown): NotificationConfig {
  if (!isRecord(raw)) return DEFAULTS;
  const bool = (v: unknown, d: boolean) => (typeof v === "boolean" ? v : d);
  return {
    ...raw,
    enabled: bool(raw.enabled, DEFAULTS.enabled),
    on_completed: bool(raw.on_completed, DEFAULTS.on_completed),
    on_failed: bool(raw.on_failed, DEFAULTS.on_failed),
    on_cancelled: bool(raw.on_cancelled, DEFAULTS.on_cancelled),
    toast: { enabled: bool(isRecord(raw.toast) ? raw.toast.enabled : undefined, DEFAULTS.toast.enabled) },
    system: {
      ...(isRecord(raw.system) ? raw.system : {}),
      enabled: bool(isRecord(raw.system) ? raw.system.enabled : undefined, DEFAULTS.system.enabled),
      mode: isRecord(raw.system) && typeof raw.system.mode === "string" ? raw.system.mode : DEFAULTS.system.mode,
    },
    email: parseEmail(raw.email),
    webhooks: Array.isArray(raw.webhooks) ? (raw.webhooks.filter(isRecord) as unknown as WebhookConfig[]) : [],
  };
}

/** "a@x, b@y" → ["a@x", "b@y"] (blank entries dropped). */
export function parseRecipients(text: string): string[] {
  return text
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter(Boolean);
}

/** A credential reference as the server shows it (a status object), if `raw` is one. */
function asStored(raw: unknown): StoredCredential | null {
  return isRecord(raw) ? (raw as StoredCredential) : null;
}

/**
 * One secret of the notification settings in the shared credential editor:
 * reports the reference to save (null: none) as the user edits; the stored
 * reference it started from decides what an empty input keeps.
 */
function SecretField({ label, stored, placeholder, hint, onChange }: { label: string; stored: StoredCredential | null; placeholder?: string; hint?: string; onChange: (ref: Record<string, unknown> | null) => void }) {
  const [original] = useState(stored);
  const [draft, setDraft] = useState<CredentialDraft>(() => draftFromStored(original));
  return (
    <CredentialEditor
      label={label}
      draft={draft}
      sources={credentialSources(original)}
      stored={keepsStoredSecret(original)}
      placeholder={placeholder}
      hint={hint}
      onChange={(d) => {
        setDraft(d);
        const ref = credentialRef(d, original);
        onChange(ref ? { ...ref } : null);
      }}
    />
  );
}

function EmailEditor({ email, onChange }: { email: EmailConfig; onChange: (e: EmailConfig) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [to, setTo] = useState((email.to ?? []).join(", "));
  return (
    <div className="email-settings">
      <Switch checked={email.enabled} onChange={(v) => onChange({ ...email, enabled: v })} label={t("notify.email_enabled")} />
      <fieldset className="email-settings__fields" disabled={!email.enabled}>
        <legend className="visually-hidden">{t("notify.email")}</legend>
        <div className="email-settings__server">
          <div className="field">
            <label htmlFor={`${id}-host`} className="field-label">
              {t("notify.smtp_host")}
            </label>
            <input id={`${id}-host`} className="input mono" value={email.smtp_host} placeholder={t("notify.smtp_host_placeholder")} autoComplete="off" onChange={(e) => onChange({ ...email, smtp_host: e.target.value })} />
          </div>
            <div className="field">
              <label htmlFor={`${id}-port`} className="field-label">
                {t("notify.smtp_port")}
              </label>
              <input
                id={`${id}-port`}
                className="input mono"
                type="number"
                min={1}
                max={65535}
                value={email.smtp_port}
                onChange={(e) => onChange({ ...email, smtp_port: Number(e.target.value) || 587 })}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-tls`} className="field-label">
                {t("notify.tls")}
              </label>
              <div className="select">
                <select id={`${id}-tls`} value={email.tls} onChange={(e) => onChange({ ...email, tls: e.target.value as EmailConfig["tls"] })}>
                  <option value="start-tls">{t("notify.tls_starttls")}</option>
                  <option value="smtps">{t("notify.tls_smtps")}</option>
                  <option value="none">{t("notify.tls_none")}</option>
                </select>
              </div>
            </div>
        </div>
        <div className="form-grid form-grid--2">
          <div className="field">
            <label htmlFor={`${id}-user`} className="field-label">
              {t("notify.username")}
            </label>
            <input id={`${id}-user`} className="input mono" autoComplete="off" value={email.username ?? ""} onChange={(e) => onChange({ ...email, username: e.target.value || null })} />
          </div>
        </div>
        <SecretField label={t("notify.password")} stored={asStored(email.password)} onChange={(password) => onChange({ ...email, password })} />
        <div className="form-grid form-grid--2">
          <div className="field">
            <label htmlFor={`${id}-from`} className="field-label">
              {t("notify.from")}
            </label>
            <input id={`${id}-from`} className="input mono" type="email" value={email.from} placeholder="gpt-image-2@example.com" onChange={(e) => onChange({ ...email, from: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-to`} className="field-label">
              {t("notify.to")}
            </label>
            <input
              id={`${id}-to`}
              className="input mono"
              value={to}
              aria-describedby={`${id}-to-hint`}
              placeholder={t("notify.to_placeholder")}
              onChange={(e) => {
                setTo(e.target.value);
                onChange({ ...email, to: parseRecipients(e.target.value) });
              }}
            />
            <p id={`${id}-to-hint`} className="field-hint">
              {t("notify.to_hint")}
            </p>
          </div>
        </div>
      </fieldset>
    </div>
  );
}

export interface HeaderRow {
  key: number;
  name: string;
  /** The name the header had when the editor opened ("" for a new row). */
  loadedName: string;
  /** The reference the server showed for this header when the editor opened. */
  stored: StoredCredential | null;
  ref: Record<string, unknown> | null;
}

/**
 * Does the row still keep its stored `file` value when its input is left
 * empty? The server keeps an empty value only from the header of the same
 * name, so a renamed header no longer has a stored value to keep.
 */
export function rowKeepsStored(row: HeaderRow): boolean {
  return row.name.trim() === row.loadedName && keepsStoredSecret(row.stored);
}

/** The reference the row's secret field starts from: none once a stored file secret no longer applies. */
export function rowStored(row: HeaderRow): StoredCredential | null {
  return keepsStoredSecret(row.stored) && !rowKeepsStored(row) ? null : row.stored;
}

/**
 * A header renamed: when that changes whether its stored file value is kept,
 * its secret field starts again (empty), so the reference to send is reset
 * to match — none after a rename, "keep" once the old name is back.
 */
export function renameHeaderRow(row: HeaderRow, name: string): HeaderRow {
  const next = { ...row, name };
  if (rowKeepsStored(next) === rowKeepsStored(row)) return next;
  return { ...next, ref: rowKeepsStored(next) ? { source: "file", value: "" } : null };
}

/** Named rows whose stored file value was left behind by a rename and that have no value yet. */
export function headersMissingValue(rows: HeaderRow[]): string[] {
  return rows.filter((r) => r.name.trim() && keepsStoredSecret(r.stored) && !rowKeepsStored(r) && !r.ref).map((r) => r.name.trim());
}

/** The next header name "Add header" offers: Authorization, then X-Webhook-Secret-N. */
export function nextHeaderName(names: string[]): string {
  const taken = new Set(names.map((n) => n.trim().toLowerCase()));
  if (!taken.has("authorization")) return "Authorization";
  let n = 1;
  while (taken.has(`x-webhook-secret-${n}`)) n += 1;
  return `X-Webhook-Secret-${n}`;
}

/** Rows back to the `headers` object the server stores (unnamed or empty rows dropped). */
export function headersFromRows(rows: { name: string; ref: Record<string, unknown> | null }[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const row of rows) {
    const name = row.name.trim();
    if (name && row.ref) out[name] = row.ref;
  }
  return out;
}

function WebhookEditor({
  hook,
  onChange,
  onRemove,
  onMissing,
}: {
  hook: WebhookConfig;
  onChange: (h: WebhookConfig) => void;
  onRemove: () => void;
  /** Reports the headers that need a value before the settings can be saved. */
  onMissing: (names: string[]) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [rows, setRows] = useState<HeaderRow[]>(() =>
    Object.entries(hook.headers ?? {}).map(([name, ref], key) => ({ key, name, loadedName: name, stored: asStored(ref), ref: isRecord(ref) ? ref : null })),
  );
  const updateRows = (next: HeaderRow[]) => {
    setRows(next);
    onChange({ ...hook, headers: headersFromRows(next) });
    onMissing(headersMissingValue(next));
  };
  return (
    <li className="webhook">
      <div className="webhook__row">
        <Switch checked={hook.enabled} onChange={(v) => onChange({ ...hook, enabled: v })} label={hook.name || t("notify.webhook")} />
        <Button size="sm" variant="ghost" icon="trash" className="danger-text" onClick={onRemove}>
          {t("action.delete")}
        </Button>
      </div>
      <div className="form-grid form-grid--2">
        <div className="field">
          <label htmlFor={`${id}-name`} className="field-label">
            {t("notify.webhook_name")}
          </label>
          <input id={`${id}-name`} className="input" value={hook.name} onChange={(e) => onChange({ ...hook, name: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-method`} className="field-label">
            {t("notify.method")}
          </label>
          <div className="select">
            <select id={`${id}-method`} value={hook.method} onChange={(e) => onChange({ ...hook, method: e.target.value as WebhookConfig["method"] })}>
              <option>POST</option>
              <option>PUT</option>
              <option>PATCH</option>
            </select>
          </div>
        </div>
      </div>
      <div className="form-grid form-grid--2">
        <div className="field">
          <label htmlFor={`${id}-url`} className="field-label">
            URL
          </label>
          <input id={`${id}-url`} className="input mono" type="url" value={hook.url} placeholder="https://example.com/hook" onChange={(e) => onChange({ ...hook, url: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-timeout`} className="field-label">
            {t("notify.timeout")}
          </label>
          <input
            id={`${id}-timeout`}
            className="input mono"
            type="number"
            min={1}
            max={120}
            value={hook.timeout_seconds}
            onChange={(e) => onChange({ ...hook, timeout_seconds: Math.min(120, Math.max(1, Number(e.target.value) || 10)) })}
          />
        </div>
      </div>
      <SecretField
        label={t("notify.signing_secret")}
        stored={asStored(hook.secret)}
        placeholder={t("notify.secret_placeholder")}
        hint={t("notify.signing_secret_hint")}
        onChange={(ref) => {
          const { secret: _old, ...rest } = hook;
          onChange(ref ? { ...rest, secret: ref } : rest);
        }}
      />
      <fieldset className="webhook__headers">
        <legend className="field-label">{t("notify.headers")}</legend>
        {rows.map((row) => (
          <div key={row.key} className="webhook__header">
            <div className="webhook__row">
              <div className="field">
                <label htmlFor={`${id}-header-${row.key}`} className="field-label">
                  {t("notify.header_name")}
                </label>
                <input
                  id={`${id}-header-${row.key}`}
                  className="input mono"
                  value={row.name}
                  autoComplete="off"
                  spellCheck={false}
                  onChange={(e) => updateRows(rows.map((r) => (r.key === row.key ? renameHeaderRow(r, e.target.value) : r)))}
                />
              </div>
              <Button size="sm" variant="ghost" icon="trash" className="danger-text" aria-label={t("notify.remove_header", { name: row.name })} onClick={() => updateRows(rows.filter((r) => r.key !== row.key))}>
                {t("action.delete")}
              </Button>
            </div>
            <SecretField
              key={rowKeepsStored(row) || !keepsStoredSecret(row.stored) ? "stored" : "renamed"}
              label={t("notify.header_value", { name: row.name || t("notify.header_name") })}
              stored={rowStored(row)}
              placeholder={row.name.toLowerCase() === "authorization" ? "Bearer …" : ""}
              onChange={(ref) => updateRows(rows.map((r) => (r.key === row.key ? { ...r, ref } : r)))}
            />
            {headersMissingValue([row]).length > 0 ? (
              <p className="field-error" role="alert">
                {t("notify.header_value_required", { name: row.name.trim(), old: row.loadedName })}
              </p>
            ) : null}
          </div>
        ))}
        <Button
          size="sm"
          icon="plus"
          onClick={() => updateRows([...rows, { key: Math.max(-1, ...rows.map((r) => r.key)) + 1, name: nextHeaderName(rows.map((r) => r.name)), loadedName: "", stored: null, ref: null }])}
        >
          {t("notify.add_header")}
        </Button>
      </fieldset>
    </li>
  );
}

type TestStatus = "completed" | "failed" | "cancelled";
const TEST_STATUSES: TestStatus[] = ["completed", "failed", "cancelled"];

/** The summary of a test (spec/ui.md §9.3): sent, not all sent, or nothing to send with. */
export function testSummary(result: { ok: boolean; reason?: string | null; deliveries: { ok: boolean }[] }, localShown: boolean): "sent" | "not_all" | "no_method" {
  if (result.deliveries.length > 0) return result.deliveries.every((d) => d.ok) ? "sent" : "not_all";
  if (result.reason === "local_only" || localShown) return "sent";
  return "no_method";
}

const SUMMARY_KEY = { sent: "notify.test_sent", not_all: "notify.test_not_all", no_method: "notify.test_no_method" } as const;
const LOCAL_TITLE = { completed: "notify.generate_done", failed: "notify.generate_failed", cancelled: "notify.cancelled" } as const;

export function NotificationsSection() {
  const { t } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const caps = useCapabilities();
  const config = useServerConfig();
  const canSave = hasRoute(caps, "put", "/api/notifications");
  const canTest = hasRoute(caps, "post", "/api/notifications/test");
  const [draft, setDraft] = useState<NotificationConfig | null>(null);
  // Bumped on every save so the editors start again from the saved (redacted) state.
  const [version, setVersion] = useState(0);
  const [saving, setSaving] = useState(false);
  const [testing, setTesting] = useState<TestStatus | null>(null);
  // Per webhook id: renamed headers whose stored value no longer applies and that have no value yet.
  const [missing, setMissing] = useState<Record<string, string[]>>({});

  useEffect(() => {
    if (config.data && draft === null) setDraft(parseNotifications(config.data.notifications));
  }, [config.data, draft]);

  if (!canSave) return null;
  if (!draft) return null;
  const set = (patch: Partial<NotificationConfig>) => setDraft({ ...draft, ...patch });

  const save = async () => {
    const needValue = draft.webhooks.flatMap((h) => missing[h.id] ?? []);
    if (needValue.length > 0) {
      toast.show({ tone: "error", title: t("action.failed"), description: t("notify.header_values_required", { names: needValue.join(", ") }) });
      return;
    }
    setSaving(true);
    try {
      if (draft.system.enabled) await requestSystemPermission();
      const saved = await saveNotifications(draft);
      queryClient.setQueryData(configKey, saved);
      setDraft(parseNotifications((saved as { notifications?: unknown }).notifications));
      setVersion((v) => v + 1);
      setMissing({});
      toast.show({ tone: "success", title: t("notify.saved") });
    } catch (e) {
      toast.show({ tone: "error", title: t("action.failed"), description: toApiError(e).message });
    } finally {
      setSaving(false);
    }
  };

  /** The local channels first (as a finished job would show them), then the server's. */
  const showLocal = async (status: TestStatus): Promise<boolean> => {
    if (!draft.enabled) return false;
    const title = t(LOCAL_TITLE[status]);
    const description = t("notify.test_sample");
    if (draft.toast.enabled) {
      toast.show({ id: `notification-test-${status}`, tone: status === "completed" ? "success" : status === "failed" ? "error" : "info", title, description });
    }
    let system = false;
    if (draft.system.enabled && (await requestSystemPermission()) === "granted") {
      system = showSystemNotification(title, { body: description, tag: `notification-test-${status}` });
    }
    return draft.toast.enabled || system;
  };

  const test = async (status: TestStatus) => {
    setTesting(status);
    try {
      const localShown = await showLocal(status);
      const r = await testNotifications(status);
      const summary = testSummary(r, localShown);
      const delivered = r.deliveries.map((d) => `${d.name}: ${d.ok ? "OK" : d.message}`).join(" · ");
      toast.show({
        id: "notification-test-summary",
        tone: summary === "sent" ? "success" : "error",
        title: t(SUMMARY_KEY[summary]),
        description: delivered || (r.reason === "local_only" ? t("notify.test_local") : undefined),
      });
    } catch (e) {
      toast.show({ tone: "error", title: t("action.failed"), description: toApiError(e).message });
    } finally {
      setTesting(null);
    }
  };

  return (
    <section className="settings-section card" id="settings-notifications" aria-labelledby="settings-notifications-title">
      <div className="settings-section__head">
        <div>
          <h2 id="settings-notifications-title" className="settings-section__title">
            {t("settings.notifications")}
          </h2>
          <p className="settings-section__desc">{t("settings.notifications_desc")}</p>
        </div>
      </div>
      <Switch checked={draft.enabled} onChange={(v) => set({ enabled: v })} label={t("notify.enabled")} />
      <fieldset className="checks" disabled={!draft.enabled}>
        <legend className="field-label">{t("notify.when")}</legend>
        {(["on_completed", "on_failed", "on_cancelled"] as const).map((key) => (
          <label key={key} className="check">
            <input type="checkbox" checked={draft[key]} onChange={(e) => set({ [key]: e.target.checked })} />
            {t(`notify.${key}`)}
          </label>
        ))}
      </fieldset>
      <fieldset className="checks" disabled={!draft.enabled}>
        <legend className="field-label">{t("notify.local")}</legend>
        <Switch checked={draft.toast.enabled} onChange={(v) => set({ toast: { ...draft.toast, enabled: v } })} label={t("notify.toast")} />
        <Switch checked={draft.system.enabled} onChange={(v) => set({ system: { ...draft.system, enabled: v } })} label={t("notify.system")} />
      </fieldset>
      <h3 className="settings-subtitle">{t("notify.email")}</h3>
      <EmailEditor key={`email-${version}`} email={draft.email} onChange={(email) => set({ email })} />
      <h3 className="settings-subtitle">{t("notify.webhooks")}</h3>
      <ul className="webhooks">
        {draft.webhooks.map((hook, i) => (
          <WebhookEditor
            key={`${hook.id}-${version}`}
            hook={hook}
            onChange={(h) => set({ webhooks: draft.webhooks.map((x, j) => (j === i ? h : x)) })}
            onRemove={() => {
              set({ webhooks: draft.webhooks.filter((_, j) => j !== i) });
              setMissing(({ [hook.id]: _gone, ...rest }) => rest);
            }}
            onMissing={(names) => setMissing((m) => ({ ...m, [hook.id]: names }))}
          />
        ))}
      </ul>
      <div className="settings-actions">
        <Button
          size="sm"
          icon="plus"
          onClick={() =>
            set({
              webhooks: [
                ...draft.webhooks,
                { id: `webhook-${Date.now()}`, name: "Webhook", enabled: true, url: "", method: "POST", headers: {}, timeout_seconds: 10 },
              ],
            })
          }
        >
          {t("notify.add_webhook")}
        </Button>
        <span className="spacer" />
        {canTest ? (
          <div className="settings-actions__group" role="group" aria-label={t("notify.test_group")}>
            {TEST_STATUSES.map((status) => (
              <Button key={status} size="sm" icon="bell" busy={testing === status} disabled={testing !== null && testing !== status} onClick={() => void test(status)}>
                {t(`notify.test_${status}`)}
              </Button>
            ))}
          </div>
        ) : null}
        <Button size="sm" variant="primary" busy={saving} onClick={() => void save()}>
          {t("action.save")}
        </Button>
      </div>
    </section>
  );
}
