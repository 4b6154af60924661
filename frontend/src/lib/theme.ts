/**
 * Appearance: light, dark or follow the system. The choice lives in
 * localStorage; the resolved theme is written to <html data-theme> (the CSS
 * tokens key off it) and kept in sync with the system setting.
 */
import { useSyncExternalStore } from "react";

export type ThemePref = "system" | "light" | "dark";
export const THEME_KEY = "gpt2.theme";

const listeners = new Set<() => void>();

export function isThemePref(value: unknown): value is ThemePref {
  return value === "system" || value === "light" || value === "dark";
}

export function readThemePref(): ThemePref {
  try {
    const v = window.localStorage.getItem(THEME_KEY);
    return isThemePref(v) ? v : "system";
  } catch {
    return "system";
  }
}

function systemDark(): boolean {
  return typeof window.matchMedia === "function" && window.matchMedia("(prefers-color-scheme: dark)").matches;
}

export function resolveTheme(pref: ThemePref, prefersDark: boolean): "light" | "dark" {
  return pref === "system" ? (prefersDark ? "dark" : "light") : pref;
}

export function applyTheme(pref: ThemePref = readThemePref()): void {
  const theme = resolveTheme(pref, systemDark());
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
  const meta = document.querySelector('meta[name="theme-color"]');
  meta?.setAttribute("content", theme === "dark" ? "#0c0e13" : "#f5f6f8");
}

export function setThemePref(pref: ThemePref): void {
  try {
    window.localStorage.setItem(THEME_KEY, pref);
  } catch {
    // the choice lasts for this page
  }
  applyTheme(pref);
  for (const l of listeners) l();
}

/** Apply now and follow system changes while the preference is "system". */
export function initTheme(): void {
  applyTheme();
  if (typeof window.matchMedia === "function") {
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => applyTheme());
  }
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useThemePref(): ThemePref {
  return useSyncExternalStore(subscribe, readThemePref, () => "system");
}
