import { useState } from "react";
import { toApiError } from "../../api/errors";
import { Button } from "../../components/Button";
import { useConfirm } from "../../components/Confirm";
import { Icon } from "../../components/Icon";
import { useToast } from "../../components/Toast";
import { cx } from "../../components/cx";
import { useI18n } from "../../i18n/useI18n";
import { ErrorPanel } from "../jobs/ErrorPanel";
import { revealCredential, useConfigMutations, useServerConfig } from "../config/api";
import { credentialSummary, providerList, regionModeOf, type ProviderView } from "../config/providers";
import { ProviderDialog } from "./ProviderDialog";
import { SectionLoading } from "./SectionLoading";

function ProviderCard({ p, isDefault, onEdit }: { p: ProviderView; isDefault: boolean; onEdit: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const confirm = useConfirm();
  const { test, setDefault, remove } = useConfigMutations();
  const [result, setResult] = useState<{ ok: boolean; message: string; latency: number } | null>(null);
  const [revealed, setRevealed] = useState<string | null>(null);
  const [revealing, setRevealing] = useState(false);
  const cred = credentialSummary(p);

  const runTest = () =>
    test.mutate(p.name, {
      onSuccess: (r) => {
        setResult({ ok: r.ok, message: r.message, latency: r.latency_ms });
        toast.show({ tone: r.ok ? "success" : "error", title: t(r.ok ? "provider.test_ok" : "provider.test_failed", { name: p.name }), description: r.message });
      },
      onError: (e) => {
        setResult({ ok: false, message: toApiError(e).message, latency: 0 });
        toast.show({ tone: "error", title: t("provider.test_failed", { name: p.name }), description: toApiError(e).message });
      },
    });

  const reveal = async () => {
    if (!cred) return;
    if (revealed !== null) {
      setRevealed(null);
      return;
    }
    setRevealing(true);
    try {
      const r = await revealCredential(p.name, cred.key);
      setRevealed(r.value);
    } catch (e) {
      toast.show({ tone: "error", title: t("provider.reveal_failed"), description: toApiError(e).message });
    } finally {
      setRevealing(false);
    }
  };

  const keyText = !cred
    ? p.type === "codex"
      ? t("provider.codex_auth")
      : t("provider.no_key")
    : cred.status.source === "env"
      ? `${t("provider.source.env")} · ${cred.status.env ?? "?"}`
      : cred.status.source === "keychain"
        ? t("provider.source.keychain")
        : t("provider.source.file");
  const present = cred?.status.present;

  return (
    <li className={cx("provider-card", isDefault && "is-default")} data-provider={p.name}>
      <div className="provider-card__head">
        <span className="provider-card__logo" aria-hidden="true">
          <Icon name={p.type === "codex" ? "zap" : "server"} size={18} />
        </span>
        <div className="provider-card__title">
          <h3>{p.name}</h3>
          <p className="muted">{t(`provider.type.${p.type === "openai" || p.type === "codex" ? p.type : "openai-compatible"}`)}</p>
        </div>
        <div className="provider-card__badges">
          {isDefault ? <span className="badge badge--active">{t("provider.in_use")}</span> : null}
          {p.builtin ? <span className="badge badge--neutral">{t("provider.builtin")}</span> : null}
        </div>
      </div>
      <dl className="provider-card__facts">
        {p.api_base ? (
          <div>
            <dt>{t("provider.api_base")}</dt>
            <dd className="mono">{p.api_base}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t("provider.model")}</dt>
          <dd className="mono">{p.model ?? "—"}</dd>
        </div>
        <div>
          <dt>{t("provider.api_key")}</dt>
          <dd>
            <span className={cx("key-status", present === false && "is-missing")}>
              {present === false ? <Icon name="alert" size={13} /> : present ? <Icon name="check" size={13} /> : null}
              {keyText}
              {present === true && cred?.status.source === "file" ? <span className="mono key-status__mask"> ••••••••</span> : null}
              {present === false ? ` · ${t("provider.missing")}` : ""}
            </span>
            {revealed !== null ? (
              <code className="revealed" data-testid="revealed-secret" title={t("provider.revealed_hint")}>
                {revealed}
              </code>
            ) : null}
          </dd>
        </div>
      </dl>
      <div className="provider-card__tags">
        <span className="tag">{p.supports_n ? t("provider.native_n") : t("provider.app_n")}</span>
        <span className="tag">{t(`edit.region_mode.${regionModeOf(p)}`)}</span>
      </div>
      {result ? (
        <p className={cx("test-result", result.ok ? "is-ok" : "is-bad")} role="status" data-testid="test-result">
          <Icon name={result.ok ? "check" : "alert"} size={14} />
          {result.ok ? t("provider.test_ok_latency", { ms: result.latency }) : result.message}
        </p>
      ) : null}
      <div className="provider-card__actions">
        <Button size="sm" icon="zap" busy={test.isPending} onClick={runTest}>
          {t("provider.test")}
        </Button>
        {!p.builtin ? (
          <Button size="sm" icon="edit" onClick={onEdit}>
            {t("action.edit")}
          </Button>
        ) : null}
        {!isDefault ? (
          <Button
            size="sm"
            icon="star"
            busy={setDefault.isPending}
            onClick={() =>
              setDefault.mutate(p.name, {
                onSuccess: () => toast.show({ tone: "success", title: t("provider.default_set", { name: p.name }) }),
                onError: (e) => toast.show({ tone: "error", title: t("action.failed"), description: toApiError(e).message }),
              })
            }
          >
            {t("provider.use")}
          </Button>
        ) : null}
        {cred && cred.status.present ? (
          <Button size="sm" variant="ghost" icon="eye" busy={revealing} onClick={() => void reveal()}>
            {revealed !== null ? t("provider.hide") : t("provider.reveal")}
          </Button>
        ) : null}
        {!p.builtin ? (
          <Button
            size="sm"
            variant="ghost"
            icon="trash"
            className="danger-text"
            onClick={async () => {
              const ok = await confirm({
                title: t("provider.delete_title", { name: p.name }),
                description: t("provider.delete_text"),
                confirmLabel: t("action.delete"),
                cancelLabel: t("action.cancel"),
                danger: true,
              });
              if (ok)
                remove.mutate(p.name, {
                  onSuccess: () => toast.show({ tone: "success", title: t("provider.deleted", { name: p.name }) }),
                  onError: (e) => toast.show({ tone: "error", title: t("action.failed"), description: toApiError(e).message }),
                });
            }}
          >
            {t("action.delete")}
          </Button>
        ) : null}
      </div>
    </li>
  );
}

export function ProvidersSection() {
  const { t } = useI18n();
  const config = useServerConfig();
  const [dialog, setDialog] = useState<{ open: boolean; editing: ProviderView | null }>({ open: false, editing: null });
  const list = providerList(config.data);

  return (
    <section className="settings-section card" id="settings-providers" aria-labelledby="settings-providers-title">
      <div className="settings-section__head">
        <div>
          <h2 id="settings-providers-title" className="settings-section__title">
            {t("settings.providers")}
          </h2>
          <p className="settings-section__desc">{t("settings.providers_desc")}</p>
        </div>
        <Button icon="plus" variant="primary" size="sm" onClick={() => setDialog({ open: true, editing: null })}>
          {t("provider.add")}
        </Button>
      </div>
      {config.isError ? (
        <ErrorPanel title={t("settings.config_failed")} error={toApiError(config.error)} />
      ) : config.isPending ? (
        <SectionLoading />
      ) : (
        <ul className="provider-list">
          {list.providers.map((p) => (
            <ProviderCard key={p.name} p={p} isDefault={p.name === list.effectiveDefault} onEdit={() => setDialog({ open: true, editing: p })} />
          ))}
        </ul>
      )}
      <ProviderDialog
        open={dialog.open}
        editing={dialog.editing}
        existing={list.providers.map((p) => p.name)}
        onClose={() => setDialog((d) => ({ ...d, open: false }))}
      />
    </section>
  );
}
