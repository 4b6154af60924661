import { useEffect, useState } from "react";
import { Button } from "../components/Button";
import { Icon, LogoMark } from "../components/Icon";
import { LanguageSelect } from "../components/LanguageSelect";
import { cx } from "../components/cx";
import { useActiveJobCount } from "../features/jobs/api";
import { useI18n } from "../i18n/useI18n";
import { hrefFor, useRoute } from "../lib/router";
import { ScreenVisibleContext } from "../lib/screen";
import { ScreenBoundary } from "./ScreenBoundary";
import { SCREENS, screenFor } from "./screens";
import "./shell.css";

function focusMain() {
  const main = document.getElementById("main");
  main?.focus();
}

export function Shell() {
  const { t, tp } = useI18n();
  const route = useRoute();
  const current = screenFor(route.screen);
  const activeCount = useActiveJobCount();
  // Screens stay mounted once visited, so drafts and scroll survive tab switches.
  const [visited, setVisited] = useState<ReadonlySet<string>>(() => new Set([current.id]));

  useEffect(() => {
    setVisited((v) => (v.has(current.id) ? v : new Set(v).add(current.id)));
    document.title = `${t(current.label)} · ${t("app.name")}`;
  }, [current, t]);

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
            {SCREENS.map((screen) => {
              const active = screen.id === current.id;
              const count = screen.showsActiveCount ? activeCount : 0;
              return (
                <a
                  key={screen.id}
                  href={hrefFor(screen.id)}
                  className={cx("tab", active && "is-active")}
                  aria-current={active ? "page" : undefined}
                >
                  <Icon name={screen.icon} size={17} />
                  <span>{t(screen.label)}</span>
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
            })}
          </nav>
          <div className="topbar__end">
            <LanguageSelect />
          </div>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {SCREENS.filter((s) => visited.has(s.id)).map(({ id, Component }) => (
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
    </div>
  );
}
