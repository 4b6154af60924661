import { useEffect, useId, useState, type FormEvent } from "react";
import { toApiError } from "../../api/errors";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { SegmentedControl } from "../../components/SegmentedControl";
import { Switch } from "../../components/Switch";
import { useToast } from "../../components/Toast";
import { useI18n } from "../../i18n/useI18n";
import type { MessageKey } from "../../i18n/translate";
import { ErrorPanel } from "../jobs/ErrorPanel";
import { useConfigMutations, type ProviderUpsert } from "../config/api";
import { checkProviderName, type ProviderView, type RegionMode } from "../config/providers";
import { credentialSources, CredentialEditor, type CredentialSource } from "./CredentialEditor";

type Source = CredentialSource;

interface FormState {
  name: string;
  type: "openai-compatible" | "openai" | "codex";
  apiBase: string;
  model: string;
  supportsN: boolean;
  regionMode: RegionMode;
  source: Source;
  secret: string;
  env: string;
  account: string;
  setDefault: boolean;
  proxyMode: ProxyMode;
  proxyUrl: string;
  proxyBypass: string;
}

type ProxyMode = "inherit" | "none" | "custom";
export const PROXY_PLACEHOLDER = "socks5h://127.0.0.1:1080";

/** "a, b\nc" → ["a", "b", "c"] (one host per line or comma). */
export function parseHostList(text: string): string[] {
  return text
    .split(/[,\n]+/)
    .map((h) => h.trim())
    .filter(Boolean);
}

/** A proxy URL the server accepts: http, https, socks5 or socks5h with a host and port. */
export function checkProxyUrl(text: string): boolean {
  const match = /^(https?|socks5h?):\/\/(?:[^@/\s]+@)?([^:/@\s]+|\[[0-9a-fA-F:.]+\]):(\d{1,5})\/?$/i.exec(text.trim());
  return match !== null && Number(match[3]) >= 1 && Number(match[3]) <= 65535;
}

function initial(p: ProviderView | null): FormState {
  const cred = p ? Object.values(p.credentials)[0] : undefined;
  const source = cred?.source === "env" || cred?.source === "keychain" ? cred.source : "file";
  const type = p?.type === "openai" || p?.type === "codex" ? p.type : "openai-compatible";
  return {
    name: p?.name ?? "",
    type,
    apiBase: p?.api_base ?? "",
    model: p?.model ?? "gpt-image-2",
    supportsN: p?.supports_n ?? type === "openai",
    regionMode: p?.edit_region_mode ?? (type === "codex" ? "reference-hint" : "native-mask"),
    source,
    secret: "",
    env: cred?.env ?? "OPENAI_API_KEY",
    account: cred?.account ?? "",
    setDefault: p === null,
    proxyMode: p?.proxy?.mode === "none" ? "none" : p?.proxy?.mode === "custom" ? "custom" : "inherit",
    proxyUrl: typeof p?.proxy?.url === "string" ? p.proxy.url : "",
    proxyBypass: Array.isArray(p?.proxy?.no_proxy) ? (p.proxy.no_proxy as unknown[]).filter((h) => typeof h === "string").join("\n") : "",
  };
}

const NAME_PROBLEM: Record<string, MessageKey> = {
  empty: "provider.name_empty",
  reserved: "provider.name_reserved",
  exists: "provider.name_exists",
  chars: "provider.name_chars",
};

export interface ProviderDialogProps {
  open: boolean;
  editing: ProviderView | null;
  existing: readonly string[];
  onClose: () => void;
}

/** Add or edit a provider (`PUT /api/providers/{name}`). Secrets are write-only. */
export function ProviderDialog({ open, editing, existing, onClose }: ProviderDialogProps) {
  const { t } = useI18n();
  const toast = useToast();
  const id = useId();
  const { upsert } = useConfigMutations();
  const [form, setForm] = useState<FormState>(() => initial(editing));
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (open) {
      setForm(initial(editing));
      setTouched(false);
      upsert.reset();
    }
    // Reset only when the dialog opens (or opens for another provider).
  }, [open, editing]);

  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));
  const nameProblem = editing ? null : checkProviderName(form.name, existing);
  const hasStoredSecret = editing !== null && Object.values(editing.credentials)[0]?.present === true;
  const codex = form.type === "codex";
  const proxyProblem = form.proxyMode === "custom" && !checkProxyUrl(form.proxyUrl);
  // The keychain lives on the server's OS keyring, which an HTTP deployment usually lacks
  // (spec/ui.md §9.1): offered only to keep an existing keychain credential.
  const sources = credentialSources(editing ? Object.values(editing.credentials)[0] : null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (nameProblem || proxyProblem) return;
    const name = editing ? editing.name : form.name.trim();
    const body: ProviderUpsert = {
      type: form.type,
      model: form.model.trim() || null,
      supports_n: codex ? false : form.supportsN,
      edit_region_mode: codex ? "reference-hint" : form.regionMode,
      set_default: form.setDefault,
      allow_overwrite: editing !== null,
      credentials: {},
    };
    // Inherit sends no proxy, which clears a stored override.
    if (form.proxyMode === "none") body.proxy = { mode: "none" };
    if (form.proxyMode === "custom") body.proxy = { mode: "custom", url: form.proxyUrl.trim(), no_proxy: parseHostList(form.proxyBypass) };
    if (!codex) {
      body.api_base = form.apiBase.trim() || null;
      body.credentials =
        form.source === "env"
          ? { api_key: { source: "env", env: form.env.trim() || "OPENAI_API_KEY" } }
          : form.source === "keychain"
            ? { api_key: { source: "keychain", value: form.secret || null, account: form.account.trim() || null } }
            : { api_key: { source: "file", value: form.secret } };
    }
    upsert.mutate(
      { name, body },
      {
        onSuccess: () => {
          toast.show({ tone: "success", title: t(editing ? "provider.saved" : "provider.added", { name }) });
          onClose();
        },
      },
    );
  };

  const error = upsert.error ? toApiError(upsert.error) : null;

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={editing ? t("provider.edit_title", { name: editing.name }) : t("provider.add_title")}
      description={t("provider.dialog_desc")}
      closeLabel={t("action.close")}
      className="provider-dialog"
      footer={
        <>
          <Button onClick={onClose}>{t("action.cancel")}</Button>
          <Button variant="primary" type="submit" form={`${id}-form`} busy={upsert.isPending} disabled={upsert.isPending}>
            {editing ? t("provider.save") : t("provider.add")}
          </Button>
        </>
      }
    >
      <form id={`${id}-form`} className="form-grid" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-name`} className="field-label">
            {t("provider.name")}
          </label>
          <input
            id={`${id}-name`}
            className="input"
            value={form.name}
            disabled={editing !== null}
            onChange={(e) => set("name", e.target.value)}
            placeholder="my-relay"
            autoComplete="off"
            aria-invalid={touched && nameProblem ? true : undefined}
            aria-describedby={`${id}-name-hint`}
          />
          <p id={`${id}-name-hint`} className={touched && nameProblem ? "field-error" : "field-hint"}>
            {touched && nameProblem ? t(NAME_PROBLEM[nameProblem]!) : t("provider.name_hint")}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-type`} className="field-label">
            {t("provider.type")}
          </label>
          <div className="select">
            <select
              id={`${id}-type`}
              value={form.type}
              onChange={(e) => {
                const type = e.target.value as FormState["type"];
                setForm((f) => ({ ...f, type, supportsN: type === "openai", regionMode: type === "codex" ? "reference-hint" : "native-mask" }));
              }}
            >
              <option value="openai-compatible">{t("provider.type.openai-compatible")}</option>
              <option value="openai">{t("provider.type.openai")}</option>
              <option value="codex">{t("provider.type.codex")}</option>
            </select>
          </div>
        </div>
        {codex ? (
          <p className="form-note">{t("provider.codex_note")}</p>
        ) : (
          <div className="field">
            <label htmlFor={`${id}-base`} className="field-label">
              {t("provider.api_base")}
            </label>
            <input id={`${id}-base`} className="input" type="url" value={form.apiBase} onChange={(e) => set("apiBase", e.target.value)} placeholder="https://example.com/v1" />
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-model`} className="field-label">
            {t("provider.model")}
          </label>
          <input id={`${id}-model`} className="input" value={form.model} onChange={(e) => set("model", e.target.value)} placeholder="gpt-image-2" />
        </div>
        {!codex ? (
          <>
            <CredentialEditor
              label={t("provider.api_key")}
              sourceLegend={t("provider.secret_source")}
              sources={sources}
              draft={{ source: form.source, secret: form.secret, env: form.env }}
              onChange={(d) => setForm((f) => ({ ...f, source: d.source, secret: d.secret, env: d.env }))}
              stored={hasStoredSecret}
              placeholder="sk-…"
              keychainValue
            />
            <div className="field">
              <label htmlFor={`${id}-region`} className="field-label">
                {t("provider.region_mode")}
              </label>
              <div className="select">
                <select id={`${id}-region`} value={form.regionMode} onChange={(e) => set("regionMode", e.target.value as RegionMode)}>
                  <option value="native-mask">{t("edit.region_mode.native-mask")}</option>
                  <option value="reference-hint">{t("edit.region_mode.reference-hint")}</option>
                  <option value="none">{t("edit.region_mode.none")}</option>
                </select>
              </div>
            </div>
            <Switch checked={form.supportsN} onChange={(v) => set("supportsN", v)} label={t("provider.supports_n")} description={t("provider.supports_n_hint")} />
          </>
        ) : null}
        <SegmentedControl
          legend={t("provider.proxy")}
          options={(["inherit", "none", "custom"] as const).map((m) => ({ value: m, label: t(`provider.proxy.${m}`) }))}
          value={form.proxyMode}
          onChange={(v) => set("proxyMode", v)}
        />
        {form.proxyMode === "custom" ? (
          <>
            <div className="field">
              <label htmlFor={`${id}-proxy-url`} className="field-label">
                {t("proxy.url")}
              </label>
              <input
                id={`${id}-proxy-url`}
                className="input mono"
                value={form.proxyUrl}
                onChange={(e) => set("proxyUrl", e.target.value)}
                placeholder={PROXY_PLACEHOLDER}
                autoComplete="off"
                aria-invalid={touched && proxyProblem ? true : undefined}
                aria-describedby={`${id}-proxy-hint`}
              />
              <p id={`${id}-proxy-hint`} className={touched && proxyProblem ? "field-error" : "field-hint"}>
                {touched && proxyProblem ? t("proxy.url_invalid") : t("proxy.password_note")}
              </p>
            </div>
            <div className="field">
              <label htmlFor={`${id}-proxy-bypass`} className="field-label">
                {t("proxy.bypass")}
              </label>
              <textarea id={`${id}-proxy-bypass`} className="textarea mono" rows={3} value={form.proxyBypass} onChange={(e) => set("proxyBypass", e.target.value)} placeholder={"localhost\n.internal.example\n10.0.0.0/8"} />
            </div>
          </>
        ) : null}
        <Switch checked={form.setDefault} onChange={(v) => set("setDefault", v)} label={t("provider.set_default")} />
        {error ? <ErrorPanel title={t("provider.save_failed")} error={error} live /> : null}
      </form>
    </Dialog>
  );
}
