/**
 * The typed HTTP client. Every call goes through `openapi-fetch` with the
 * types generated from the server's OpenAPI schema (`schema.d.ts`, never
 * edited by hand), and through `unwrap`, which turns failures into ApiError.
 */
import createClient, { type Middleware } from "openapi-fetch";
import { ApiError, errorFromBody, networkError } from "./errors";
import type { paths } from "./schema";

/** Origin of the API; empty means same origin (the SPA is served by the API). */
export const API_ORIGIN: string = (import.meta.env.VITE_API_ORIGIN as string | undefined) ?? "";

/** Fired on `window` when any call other than the session check gets a 401. */
export const UNAUTHORIZED_EVENT = "gpt2:unauthorized";

const reportUnauthorized: Middleware = {
  onResponse({ response, schemaPath }) {
    if (response.status === 401 && schemaPath !== "/api/session" && typeof window !== "undefined") {
      window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    }
    return undefined;
  },
};

export const api = createClient<paths>({ baseUrl: API_ORIGIN, credentials: "same-origin" });
api.use(reportUnauthorized);

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Await an openapi-fetch call and return its data, or throw an ApiError. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (cause) {
    throw cause instanceof ApiError ? cause : networkError(cause);
  }
  const { data, error, response } = result;
  if (!response.ok || error !== undefined) throw errorFromBody(response.status, error);
  return data as T;
}
