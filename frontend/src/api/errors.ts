/**
 * One error type for every failed API call. The server renders every error as
 * `{"error": {"code", "message", "detail"?}}`; anything else (a proxy's HTML
 * page, FastAPI's default 422 body, a dropped connection) is mapped onto the
 * same shape so the UI has a single way to show failures.
 */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: unknown;

  constructor(status: number, code: string, message: string, detail?: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Build an ApiError from a parsed (or text) error body and its HTTP status. */
export function errorFromBody(status: number, body: unknown): ApiError {
  if (isRecord(body) && isRecord(body.error)) {
    const { code, message, detail } = body.error;
    return new ApiError(
      status,
      typeof code === "string" && code ? code : `http_${status}`,
      typeof message === "string" && message ? message : `HTTP ${status}`,
      detail,
    );
  }
  // FastAPI's default validation body: {"detail": [{"msg": ...}, ...]} or {"detail": "..."}.
  if (isRecord(body) && "detail" in body) {
    const detail = body.detail;
    const first = Array.isArray(detail) && isRecord(detail[0]) ? detail[0].msg : detail;
    return new ApiError(
      status,
      status === 422 ? "validation_error" : `http_${status}`,
      typeof first === "string" ? first : `HTTP ${status}`,
      detail,
    );
  }
  if (typeof body === "string" && body.trim() && body.length < 500 && !body.trimStart().startsWith("<")) {
    return new ApiError(status, `http_${status}`, body.trim());
  }
  return new ApiError(status, `http_${status}`, `HTTP ${status}`);
}

/** Wrap a thrown fetch failure (offline, connection refused, aborted). */
export function networkError(cause: unknown): ApiError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new ApiError(0, "network_error", message || "Network error");
}

export function toApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : networkError(error);
}
