/**
 * Calls to routes that the generated schema does not describe yet (they are
 * specified in spec/web.md and appear on the server over time). Screens only
 * call these after `useCapabilities()` says the route exists. When a route
 * lands in the schema, move its caller to the typed `api` client.
 */
import { API_ORIGIN, UNAUTHORIZED_EVENT } from "./client";
import { errorFromBody, networkError } from "./errors";

export async function rawJson<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${API_ORIGIN}${path}`, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? undefined : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (cause) {
    throw networkError(cause);
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? (JSON.parse(text) as unknown) : null;
  } catch {
    // keep the text
  }
  if (!response.ok) {
    if (response.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    throw errorFromBody(response.status, parsed);
  }
  return parsed as T;
}
