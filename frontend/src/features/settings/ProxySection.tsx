import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { api, unwrap } from "../../api/client";
import { toApiError } from "../../api/errors";
import { Button } from "../../components/Button";
import { SegmentedControl } from "../../components/SegmentedControl";
import { useToast } from "../../components/Toast";
import { useI18n } from "../../i18n/useI18n";
import { configKey, useServerConfig } from "../config/api";
import { PROXY_PLACEHOLDER, checkProxyUrl, parseHostList } from "./ProviderDialog";
import { SectionLoading } from "./SectionLoading";

type Mode = "system" | "none" | "custom";
interface Draft {
  mode: Mode;
  url: string;
  bypass: string;
}

const asMode = (m: unknown): Mode => (m === "none" || m === "custom" ? m : "system");

/** The global network proxy (spec/ui.md §9.5, `PUT /api/proxy`). */
export function ProxySection() {
  const { t } = useI18n();
  const toast = useToast();
  const id = useId();
  const queryClient = useQueryClient();
  const config = useServerConfig();
  const [saved, setSaved] = useState<Draft | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    const proxy = config.data?.proxy;
    if (proxy && saved === null) {
      const d = { mode: asMode(proxy.mode), url: proxy.url ?? "", bypass: proxy.no_proxy.join("\n") };
      setSaved(d);
      setDraft(d);
    }
  }, [config.data, saved]);

  const problem = draft?.mode === "custom" && !checkProxyUrl(draft.url);
  const dirty = draft !== null && saved !== null && JSON.stringify(draft) !== JSON.stringify(saved);

  const save = async () => {
    if (!draft) return;
    setTouched(true);
    if (problem) return;
    setSaving(true);
    try {
      const body = draft.mode === "custom" ? { mode: draft.mode, url: draft.url.trim(), no_proxy: parseHostList(draft.bypass) } : { mode: draft.mode };
      const next = await unwrap(api.PUT("/api/proxy", { body }));
      queryClient.setQueryData(configKey, next);
      const d = { mode: asMode(next.proxy.mode), url: next.proxy.url ?? "", bypass: next.proxy.no_proxy.join("\n") };
      setSaved(d);
      setDraft(d);
      setTouched(false);
      toast.show({ tone: "success", title: t("proxy.saved") });
    } catch (e) {
      toast.show({ tone: "error", title: t("action.failed"), description: toApiError(e).message });
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="settings-section card" id="settings-proxy" aria-labelledby="settings-proxy-title">
      <div className="settings-section__head">
        <div>
          <h2 id="settings-proxy-title" className="settings-section__title" tabIndex={-1}>
            {t("settings.proxy")}
          </h2>
          <p className="settings-section__desc">{t("settings.proxy_desc")}</p>
        </div>
      </div>
      {draft ? (
        <>
          <SegmentedControl
            legend={t("proxy.mode")}
            options={(["system", "none", "custom"] as const).map((m) => ({ value: m, label: t(`proxy.mode.${m}`) }))}
            value={draft.mode}
            onChange={(mode) => setDraft({ ...draft, mode })}
          />
          {draft.mode === "custom" ? (
            <>
              <div className="field">
                <label htmlFor={`${id}-url`} className="field-label">
                  {t("proxy.url")}
                </label>
                <input
                  id={`${id}-url`}
                  className="input mono"
                  value={draft.url}
                  placeholder={PROXY_PLACEHOLDER}
                  autoComplete="off"
                  aria-invalid={touched && problem ? true : undefined}
                  aria-describedby={`${id}-url-hint`}
                  onChange={(e) => setDraft({ ...draft, url: e.target.value })}
                />
                <p id={`${id}-url-hint`} className={touched && problem ? "field-error" : "field-hint"} role={touched && problem ? "alert" : undefined}>
                  {touched && problem ? t("proxy.url_invalid") : t("proxy.url_hint")}
                </p>
              </div>
              <div className="field">
                <label htmlFor={`${id}-bypass`} className="field-label">
                  {t("proxy.bypass")}
                </label>
                <textarea
                  id={`${id}-bypass`}
                  className="textarea mono settings-textarea"
                  rows={3}
                  value={draft.bypass}
                  placeholder={"localhost\n.internal.example\n10.0.0.0/8"}
                  onChange={(e) => setDraft({ ...draft, bypass: e.target.value })}
                />
              </div>
              <p className="form-note">{t("proxy.info")}</p>
            </>
          ) : null}
          <div className="settings-actions">
            {dirty ? <span className="settings-dirty">{t("settings.unsaved")}</span> : null}
            <span className="spacer" />
            <Button size="sm" variant="primary" busy={saving} onClick={() => void save()}>
              {t("action.save")}
            </Button>
          </div>
        </>
      ) : (
        <SectionLoading />
      )}
    </section>
  );
}
