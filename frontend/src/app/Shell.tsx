import { useEffect, useMemo, useState } from "react";
import { useCapabilities } from "../api/capabilities";
import { Button } from "../components/Button";
import { Icon, LogoMark } from "../components/Icon";
import { LanguageSelect } from "../components/LanguageSelect";
import { cx } from "../components/cx";
import { countActive, useActiveJobs } from "../features/jobs/api";
import { JobNotifier } from "../features/jobs/JobNotifier";
import { QueueChip } from "../features/jobs/QueueChip";
import { usePasteToEdit } from "../features/edit/usePasteToEdit";
import { useConcurrencyBoot } from "../features/settings/QueueSection";
import { useI18n } from "../i18n/useI18n";
import { hrefFor, navigate, useRoute } from "../lib/router";
import { ScreenVisibleContext } from "../lib/screen";
import { ScreenBoundary } from "./ScreenBoundary";
import { availableScreens, SCREENS, screenFor } from "./screens";
import { Spinner } from "../components/Spinner";
import "./shell.css";

function focusMain() {
  const main = document.getElementById("main");
  main?.focus();
}

export function Shell() {
  const { t, tp } = useI18n();
  const route = useRoute();
  const caps = useCapabilities();
  const screens = useMemo(() => availableScreens(caps), [caps.routes, caps.known]);
  // A deep link to a screen that depends on the server's routes waits for them.
  const waiting = caps.loading && SCREENS.some((s) => s.id === route.screen && s.available);
  const current = waiting ? screenFor(route.screen) : screenFor(route.screen, screens);
  const active = useActiveJobs();
  // Screens stay mounted once visited, so drafts and scroll survive tab switches.
  const [visited, setVisited] = useState<ReadonlySet<string>>(() => new Set([current.id]));
  usePasteToEdit(screens.some((s) => s.id === "edit"));
  useConcurrencyBoot();

  useEffect(() => {
    if (waiting) return;
    setVisited((v) => (v.has(current.id) ? v : new Set(v).add(current.id)));
    document.title = `${t(current.label)} · ${t("app.name")}`;
  }, [current, t, waiting]);

  // Ctrl/⌘ + 1…n switches screens (spec/ui.md §3.1).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      const n = Number.parseInt(e.key, 10);
      const target = Number.isInteger(n) && n >= 1 ? screens[n - 1] : undefined;
      if (!target) return;
      e.preventDefault();
      navigate(target.id);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [screens]);

  const tabs = screens.map((screen, i) => {
    const isActive = screen.id === current.id;
    const count = screen.activeBadge
      ? countActive(active, screen.activeBadge === "all" ? undefined : screen.activeBadge)
      : 0;
    return (
      <a
        key={screen.id}
        href={hrefFor(screen.id)}
        className={cx("tab", isActive && "is-active")}
        aria-current={isActive ? "page" : undefined}
        aria-keyshortcuts={`Control+${i + 1}`}
        data-screen-link={screen.id}
      >
        <Icon name={screen.icon} size={17} />
        <span className="tab__label">{t(screen.label)}</span>
        {count > 0 ? (
          <>
            <span className="tab__badge" aria-hidden="true">
              {count}
            </span>
            <span className="visually-hidden">{tp("nav.active_jobs", count)}</span>
          </>
        ) : null}
      </a>
    );
  });

  return (
    <div className="app">
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          focusMain();
        }}
      >
        {t("nav.skip")}
      </a>
      <header className="topbar">
        <div className="topbar__inner">
          <a className="brand" href={hrefFor("generate")} aria-label={t("app.name")}>
            <LogoMark size={28} />
            <span className="brand__name" aria-hidden="true">
              GPT&nbsp;Image&nbsp;2
            </span>
          </a>
          <nav className="tabs" aria-label={t("nav.label")}>
            {tabs}
          </nav>
          <div className="topbar__end">
            <QueueChip />
            <LanguageSelect />
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {waiting ? (
          <div className="boot">
            <Spinner size={22} label={t("boot.loading")} />
          </div>
        ) : null}
        {(waiting ? [] : screens)
          .filter((s) => visited.has(s.id))
          .map(({ id, Component }) => (
            <div key={id} className="screen" hidden={id !== current.id} data-screen={id}>
              <ScreenVisibleContext.Provider value={id === current.id}>
                <ScreenBoundary
                  fallback={(error, reset) => (
                    <div className="card crash" role="alert">
                      <Icon name="alert" size={24} />
                      <h2>{t("crash.title")}</h2>
                      <p className="muted">{error.message}</p>
                      <Button icon="refresh" onClick={reset}>
                        {t("crash.reload")}
                      </Button>
                    </div>
                  )}
                >
                  <Component />
                </ScreenBoundary>
              </ScreenVisibleContext.Provider>
            </div>
          ))}
      </main>
      <JobNotifier />
    </div>
  );
}
