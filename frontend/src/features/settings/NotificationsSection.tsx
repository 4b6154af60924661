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

const DEFAULTS: NotificationConfig = {
  enabled: false,
  on_completed: true,
  on_failed: true,
  on_cancelled: false,
  toast: { enabled: true },
  system: { enabled: false, mode: "browser" },
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
    toast: { enabled: bool(isRecord(raw.toast) ? raw.toast.enabled : undefined, true) },
    system: { ...(isRecord(raw.system) ? raw.system : {}), enabled: bool(isRecord(raw.system) ? raw.system.enabled : undefined, false) },
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

function EmailEditor({ email, onChange }: { email: EmailConfig; onChange: (e: EmailConfig) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [to, setTo] = useState((email.to ?? []).join(", "));
  const stored = email.password?.present === true;
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
          <div className="field">
            <label htmlFor={`${id}-password`} className="field-label">
              {t("notify.password")}
            </label>
            <input
              id={`${id}-password`}
              className="input mono"
              type="password"
              autoComplete="new-password"
              placeholder={stored ? t("provider.keep_secret") : ""}
              onChange={(e) =>
                // Empty keeps a stored password (the server preserves it).
                onChange({ ...email, password: e.target.value ? { source: "file", value: e.target.value } : stored ? email.password : null })
              }
            />
          </div>
        </div>
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

function WebhookEditor({ hook, onChange, onRemove }: { hook: WebhookConfig; onChange: (h: WebhookConfig) => void; onRemove: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const authorization = hook.headers?.Authorization;
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
      <div className="field">
        <label htmlFor={`${id}-url`} className="field-label">
          URL
        </label>
        <input id={`${id}-url`} className="input mono" type="url" value={hook.url} placeholder="https://example.com/hook" onChange={(e) => onChange({ ...hook, url: e.target.value })} />
      </div>
      <div className="form-grid form-grid--2">
        <div className="field">
          <label htmlFor={`${id}-secret`} className="field-label">
            {t("notify.signing_secret")}
          </label>
          <input
            id={`${id}-secret`}
            className="input mono"
            type="password"
            autoComplete="new-password"
            aria-describedby={`${id}-secret-hint`}
            placeholder={hook.secret?.present ? t("provider.keep_secret") : t("notify.secret_placeholder")}
            onChange={(e) => {
              const { secret: _old, ...rest } = hook;
              // Empty keeps a stored secret (the server preserves it) and sends none otherwise.
              onChange(e.target.value || hook.secret?.present ? { ...rest, secret: { source: "file", value: e.target.value } } : rest);
            }}
          />
          <p id={`${id}-secret-hint`} className="field-hint">
            {t("notify.signing_secret_hint")}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-auth`} className="field-label">
            {t("notify.authorization")}
          </label>
          <input
            id={`${id}-auth`}
            className="input mono"
            type="password"
            autoComplete="new-password"
            placeholder={authorization?.present ? t("provider.keep_secret") : "Bearer …"}
            onChange={(e) => {
              const { Authorization: _old, ...others } = hook.headers ?? {};
              const keep = e.target.value || authorization?.present;
              onChange({ ...hook, headers: keep ? { ...others, Authorization: { source: "file", value: e.target.value } } : others });
            }}
          />
        </div>
      </div>
    </li>
  );
}

export function NotificationsSection() {
  const { t } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const caps = useCapabilities();
  const config = useServerConfig();
  const canSave = hasRoute(caps, "put", "/api/notifications");
  const canTest = hasRoute(caps, "post", "/api/notifications/test");
  const [draft, setDraft] = useState<NotificationConfig | null>(null);
  const [saving, setSaving] = useState(false);
  const [testing, setTesting] = useState(false);

  useEffect(() => {
    if (config.data && draft === null) setDraft(parseNotifications(config.data.notifications));
  }, [config.data, draft]);

  if (!canSave) return null;
  if (!draft) return null;
  const set = (patch: Partial<NotificationConfig>) => setDraft({ ...draft, ...patch });

  const save = async () => {
    setSaving(true);
    try {
      const saved = await saveNotifications(draft);
      queryClient.setQueryData(configKey, saved);
      setDraft(parseNotifications((saved as { notifications?: unknown }).notifications));
      toast.show({ tone: "success", title: t("notify.saved") });
    } catch (e) {
      toast.show({ tone: "error", title: t("action.failed"), description: toApiError(e).message });
    } finally {
      setSaving(false);
    }
  };

  const test = async () => {
    setTesting(true);
    try {
      const r = await testNotifications("completed");
      const delivered = r.deliveries.map((d) => `${d.name}: ${d.ok ? "OK" : d.message}`).join(" · ");
      toast.show({
        tone: r.ok ? "success" : "error",
        title:
          r.reason === "local_only"
            ? t("notify.test_local")
            : r.ok
              ? t("notify.test_ok")
              : r.reason === "no_eligible_channel"
                ? t("notify.test_none")
                : t("notify.test_partial"),
        description: delivered || undefined,
      });
    } catch (e) {
      toast.show({ tone: "error", title: t("action.failed"), description: toApiError(e).message });
    } finally {
      setTesting(false);
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
      <h3 className="settings-subtitle">{t("notify.email")}</h3>
      <EmailEditor email={draft.email} onChange={(email) => set({ email })} />
      <h3 className="settings-subtitle">{t("notify.webhooks")}</h3>
      <ul className="webhooks">
        {draft.webhooks.map((hook, i) => (
          <WebhookEditor
            key={hook.id}
            hook={hook}
            onChange={(h) => set({ webhooks: draft.webhooks.map((x, j) => (j === i ? h : x)) })}
            onRemove={() => set({ webhooks: draft.webhooks.filter((_, j) => j !== i) })}
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
          <Button size="sm" icon="bell" busy={testing} onClick={() => void test()}>
            {t("notify.test")}
          </Button>
        ) : null}
        <Button size="sm" variant="primary" busy={saving} onClick={() => void save()}>
          {t("action.save")}
        </Button>
      </div>
    </section>
  );
}
