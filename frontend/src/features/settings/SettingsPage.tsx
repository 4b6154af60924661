import { useI18n } from "../../i18n/useI18n";
import type { MessageKey } from "../../i18n/translate";
import { useCapabilities, hasRoute } from "../../api/capabilities";
import { useServerConfig } from "../config/api";
import { AppearanceSection } from "./AppearanceSection";
import { NotificationsSection } from "./NotificationsSection";
import { LogsSection } from "./LogsSection";
import { ProvidersSection } from "./ProvidersSection";
import { ProxySection } from "./ProxySection";
import { QueueSection } from "./QueueSection";
import { StorageSection } from "./StorageSection";
import { TemplatesSection } from "./TemplatesSection";
import "./settings.css";

export function SettingsPage() {
  const { t } = useI18n();
  const caps = useCapabilities();
  const config = useServerConfig();
  const showStorage = hasRoute(caps, "put", "/api/storage");
  const showProxy = hasRoute(caps, "put", "/api/proxy");
  const showLogs = hasRoute(caps, "get", "/api/logs");
  const sections: [string, MessageKey][] = [
    ["settings-providers", "settings.providers"],
    ["settings-queue", "settings.queue"],
    ...(hasRoute(caps, "put", "/api/notifications") ? [["settings-notifications", "settings.notifications"] as [string, MessageKey]] : []),
    ...(showStorage ? [["settings-storage", "settings.storage"] as [string, MessageKey]] : []),
    ...(showProxy ? [["settings-proxy", "settings.proxy"] as [string, MessageKey]] : []),
    ["settings-appearance", "settings.appearance"],
    ["settings-templates", "settings.templates"],
    ...(showLogs ? [["settings-logs", "settings.logs"] as [string, MessageKey]] : []),
    ["settings-about", "settings.about"],
  ];
  return (
    <div className="settings-page">
      <header className="page-header">
        <h1 className="page-title">{t("settings.title")}</h1>
        <p className="page-subtitle">{t("settings.subtitle")}</p>
      </header>
      <div className="settings-layout">
        <nav className="settings-nav" aria-label={t("settings.sections")}>
          {sections.map(([id, label]) => (
            <a
              key={id}
              href={`#/settings`}
              className="settings-nav__link"
              onClick={(e) => {
                e.preventDefault();
                const target = document.getElementById(id);
                target?.scrollIntoView({ behavior: "smooth", block: "start" });
                target?.querySelector<HTMLElement>("h2")?.focus({ preventScroll: true });
              }}
            >
              {t(label)}
            </a>
          ))}
        </nav>
        <div className="settings-sections">
          <ProvidersSection />
          <QueueSection />
          <NotificationsSection />
          {showStorage ? <StorageSection /> : null}
          {showProxy ? <ProxySection /> : null}
          <AppearanceSection />
          <TemplatesSection />
          {showLogs ? <LogsSection /> : null}
          <section className="settings-section card" id="settings-about" aria-labelledby="settings-about-title">
            <h2 id="settings-about-title" className="settings-section__title">
              {t("settings.about")}
            </h2>
            <dl className="drawer-facts">
              <div>
                <dt>{t("settings.version")}</dt>
                <dd>GPT Image 2 · Web {__APP_VERSION__}</dd>
              </div>
              {config.data ? (
                <div>
                  <dt>{t("settings.config_file")}</dt>
                  <dd className="mono">{config.data.config_file}</dd>
                </div>
              ) : null}
            </dl>
            <p className="muted">{t("settings.about_text")}</p>
          </section>
        </div>
      </div>
    </div>
  );
}
