/**
 * A minimal hash router: `#/generate`, `#/tasks`, `#/tasks/<job id>`.
 * Hash URLs need no server-side fallback and survive reloads.
 */
import { useSyncExternalStore } from "react";

export interface Route {
  /** First path segment, e.g. "generate". Empty when the hash is empty. */
  screen: string;
  /** Remaining decoded segments, e.g. a job id. */
  params: string[];
}

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, "").split("?")[0] ?? "";
  const [screen = "", ...rest] = path.split("/").filter(Boolean);
  return { screen: decodeURIComponent(screen), params: rest.map((p) => decodeURIComponent(p)) };
}

export function hrefFor(screen: string, ...params: string[]): string {
  return `#/${[screen, ...params].map(encodeURIComponent).join("/")}`;
}

export function navigate(screen: string, ...params: string[]): void {
  window.location.hash = hrefFor(screen, ...params);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

const getHash = () => window.location.hash;

/** The current route; re-renders on hash changes. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, getHash, () => "");
  return parseHash(hash);
}
