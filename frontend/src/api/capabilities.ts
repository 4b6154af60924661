/**
 * Which API routes this server has, read from its own OpenAPI document.
 *
 * The backend grows while the UI ships: screens and sections whose routes are
 * not there yet (transparent PNGs, notifications, queue concurrency, retry…)
 * stay hidden until the server advertises them, instead of failing on click.
 */
import { useQuery } from "@tanstack/react-query";
import { API_ORIGIN } from "./client";

export type Method = "get" | "post" | "put" | "delete" | "patch";

export interface Capabilities {
  /** Every "METHOD /api/path" the server documents, e.g. "post /api/images/edit". */
  routes: ReadonlySet<string>;
  /** False when the schema could not be read (then nothing optional is shown). */
  known: boolean;
}

export const EMPTY_CAPABILITIES: Capabilities = { routes: new Set(), known: false };

export function capabilitiesFromSchema(schema: unknown): Capabilities {
  const paths =
    typeof schema === "object" && schema !== null && "paths" in schema
      ? (schema as { paths: unknown }).paths
      : null;
  if (typeof paths !== "object" || paths === null) return EMPTY_CAPABILITIES;
  const routes = new Set<string>();
  for (const [path, item] of Object.entries(paths as Record<string, unknown>)) {
    if (typeof item !== "object" || item === null) continue;
    for (const method of Object.keys(item)) routes.add(`${method.toLowerCase()} ${path}`);
  }
  return { routes, known: true };
}

export function hasRoute(caps: Capabilities, method: Method, path: string): boolean {
  return caps.routes.has(`${method} ${path}`);
}

/** True when any documented route starts with `prefix` (e.g. "/api/transparent/"). */
export function hasRoutePrefix(caps: Capabilities, prefix: string): boolean {
  for (const route of caps.routes) if (route.split(" ")[1]?.startsWith(prefix)) return true;
  return false;
}

export const capabilitiesKey = ["capabilities"] as const;

export function useCapabilities(): Capabilities & { loading: boolean } {
  const { data, isPending } = useQuery({
    queryKey: capabilitiesKey,
    queryFn: async () => {
      const response = await fetch(`${API_ORIGIN}/api/openapi.json`, { credentials: "same-origin" });
      if (!response.ok) return EMPTY_CAPABILITIES;
      return capabilitiesFromSchema(await response.json());
    },
    staleTime: 5 * 60_000,
    retry: 1,
  });
  return { ...(data ?? EMPTY_CAPABILITIES), loading: isPending };
}

/** True when a route matches `pattern` (path parameter names may differ between servers). */
export function hasRouteLike(caps: Capabilities, method: Method, pattern: RegExp): boolean {
  for (const route of caps.routes) {
    const [m, path] = route.split(" ");
    if (m === method && path !== undefined && pattern.test(path)) return true;
  }
  return false;
}

/** Shorthand: does the server have this route? */
export function useHasRoute(method: Method, path: string): boolean {
  return hasRoute(useCapabilities(), method, path);
}
