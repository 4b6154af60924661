/**
 * What to show for a job error. Provider failures often carry the upstream's
 * own explanation only inside `detail` (as an OpenAI-style error body, either
 * parsed or as a JSON string) while `message` is just "HTTP 400"; people need
 * the explanation, so we surface it.
 */

export interface ErrorText {
  /** The sentence to show first. */
  message: string;
  /** The server's own message when the upstream one replaced it (e.g. "HTTP 400"). */
  context: string | null;
  /** The upstream's error code, e.g. "moderation_blocked". */
  upstreamCode: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const text = value.trim();
  if (!text.startsWith("{")) return value;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return value;
  }
}

/** `{"error": {"message", "code"}}` or `{"message", "code"}` nested anywhere one level down. */
export function upstreamError(detail: unknown): { message: string; code: string | null } | null {
  const parsed = parseMaybeJson(detail);
  if (!isRecord(parsed)) return null;
  const candidates = [parsed.error, parsed.body, parsed.response, parsed].map(parseMaybeJson);
  for (const c of candidates) {
    const inner = isRecord(c) && isRecord(c.error) ? c.error : c;
    if (isRecord(inner) && typeof inner.message === "string" && inner.message.trim()) {
      return { message: inner.message.trim(), code: typeof inner.code === "string" ? inner.code : null };
    }
  }
  return null;
}

export function errorText(error: { message: string; detail?: unknown }): ErrorText {
  const upstream = upstreamError(error.detail);
  if (upstream && upstream.message !== error.message) {
    return { message: upstream.message, context: error.message, upstreamCode: upstream.code };
  }
  return { message: error.message, context: null, upstreamCode: upstream?.code ?? null };
}
