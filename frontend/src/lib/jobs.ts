/**
 * Pure helpers over the Job and JobEvent shapes: status vocabulary, time
 * parsing and the request parameters stored in `metadata`.
 */
import type { Job, JobError } from "../api/types";

export type JobStatus =
  | "queued"
  | "running"
  | "uploading"
  | "completed"
  | "partial_failed"
  | "failed"
  | "cancelled"
  | "unknown";

const KNOWN_STATUSES: ReadonlySet<string> = new Set([
  "queued",
  "running",
  "uploading",
  "completed",
  "partial_failed",
  "failed",
  "cancelled",
]);

export const ACTIVE_STATUSES: ReadonlySet<JobStatus> = new Set(["queued", "running", "uploading"]);
export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set([
  "completed",
  "partial_failed",
  "failed",
  "cancelled",
]);

/** Map any server spelling onto our vocabulary (`canceled` -> `cancelled`). */
export function normalizeStatus(status: unknown): JobStatus {
  if (typeof status !== "string") return "unknown";
  const s = status.trim().toLowerCase();
  if (s === "canceled") return "cancelled";
  return KNOWN_STATUSES.has(s) ? (s as JobStatus) : "unknown";
}

export const isActiveStatus = (status: unknown): boolean => ACTIVE_STATUSES.has(normalizeStatus(status));
export const isTerminalStatus = (status: unknown): boolean =>
  TERMINAL_STATUSES.has(normalizeStatus(status));

export function isJobActive(job: Pick<Job, "status">): boolean {
  return isActiveStatus(job.status);
}

/**
 * Parse a job timestamp: epoch seconds as a decimal string (this server),
 * epoch milliseconds, or ISO-8601 (rows written by other front-ends).
 */
export function parseJobTime(value: unknown): Date | null {
  if (typeof value === "number" && Number.isFinite(value)) {
    return new Date(value < 1e12 ? value * 1000 : value);
  }
  if (typeof value !== "string" || value.trim() === "") return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text);
    return new Date(n < 1e12 ? n * 1000 : n);
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms);
}

function metaString(job: Pick<Job, "metadata">, key: string): string | null {
  const meta = job.metadata as Record<string, unknown> | null | undefined;
  const value = meta?.[key];
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

export interface JobParams {
  prompt: string | null;
  size: string | null;
  quality: string | null;
  format: string | null;
}

export function jobParams(job: Pick<Job, "metadata">): JobParams {
  return {
    prompt: metaString(job, "prompt"),
    size: metaString(job, "size"),
    quality: metaString(job, "quality"),
    format: metaString(job, "format"),
  };
}

export function totalOutputBytes(job: Pick<Job, "outputs">): number {
  return job.outputs.reduce((sum, o) => sum + (typeof o.bytes === "number" ? o.bytes : 0), 0);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Read an error object from anywhere it may appear (job.error, event data). */
export function asJobError(value: unknown): JobError | null {
  if (typeof value === "string" && value) return { code: null, message: value } as JobError;
  if (!isRecord(value) || typeof value.message !== "string") return null;
  return {
    code: typeof value.code === "string" ? value.code : null,
    message: value.message,
    detail: value.detail,
  } as JobError;
}

/** A value that looks like a full Job object (as carried in event data). */
export function isJobLike(value: unknown): value is Job {
  return (
    isRecord(value) &&
    typeof value.id === "string" &&
    typeof value.status === "string" &&
    Array.isArray(value.outputs)
  );
}
