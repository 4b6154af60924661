/**
 * The live view of one job, built from its event stream. Pure and
 * framework-free: the SSE connection, the polling fallback and the initial
 * POST response all feed the same reducer, which deduplicates by `seq`.
 */
import type { Job, JobError, JobEvent } from "../../api/types";
import {
  asJobError,
  isJobLike,
  isTerminalStatus,
  normalizeStatus,
  type JobStatus,
} from "../../lib/jobs";

/** Upstream event types of the Codex Responses stream (kind "sse"). */
export const CODEX_SSE_TYPES = [
  "response.created",
  "response.in_progress",
  "response.output_item.added",
  "response.image_generation_call.in_progress",
  "response.image_generation_call.generating",
  "response.image_generation_call.partial_image",
  "response.output_item.done",
  "response.completed",
  "response.failed",
  "response.incomplete",
  "error",
  "done",
] as const;

/**
 * Event types we subscribe to. EventSource only delivers named events to
 * listeners registered for that exact name, so every type the server emits
 * for a job must be listed (lifecycle, provider progress and local events).
 * Anything else is picked up by the stream's safety poll.
 */
export const KNOWN_EVENT_TYPES = [
  "job.queued",
  "job.running",
  "request.started",
  "request_started",
  "multipart_prepared",
  "retry_scheduled",
  "request_failed",
  "response_created",
  "output_item_done",
  "response_completed",
  "request_completed",
  "auth_refresh_started",
  "auth_refresh_completed",
  "auth.refresh.completed",
  "output_saved",
  "job.output_ready",
  "job.storage",
  "job.notifications",
  "source_saved",
  "extraction_completed",
  "verification_completed",
  "refresh_failed",
  "auth_read_failed",
  "auth_write_failed",
  "batch_partial_failed",
  "output_write_failed",
  "storage_remote_resolve_failed",
  // Codex re-emits its upstream Responses stream as kind "sse" under the upstream type.
  ...CODEX_SSE_TYPES,
  "job.completed",
  "job.partial_failed",
  "job.failed",
  "job.cancelled",
  "job.canceled",
] as const;

const TERMINAL_EVENT_STATUS: Readonly<Record<string, JobStatus>> = {
  "job.completed": "completed",
  "job.partial_failed": "partial_failed",
  "job.failed": "failed",
  "job.cancelled": "cancelled",
  "job.canceled": "cancelled",
};

export function isTerminalEvent(event: Pick<JobEvent, "type">): boolean {
  return event.type in TERMINAL_EVENT_STATUS;
}

/** How we follow the job: `waiting` polls until an event stream slot is free. */
export type Connection = "idle" | "connecting" | "live" | "reconnecting" | "polling" | "waiting" | "closed";

export interface ProgressState {
  jobId: string;
  /** Highest event seq applied so far (0 = none). */
  lastSeq: number;
  status: JobStatus;
  /** 0..100 from `data.percent`; never moves backwards while the job runs. */
  percent: number | null;
  /** Type of the latest event, e.g. `request_started`. */
  phase: string | null;
  /** `data.message` of the latest event that had one. */
  message: string | null;
  error: JobError | null;
  /** Latest full job snapshot (from the POST, an event's `data.job`, or a poll). */
  job: Job | null;
  terminal: boolean;
  connection: Connection;
  /** Recent events, oldest first, capped at MAX_TIMELINE. */
  timeline: JobEvent[];
}

export const MAX_TIMELINE = 50;

export type ProgressAction =
  | { type: "events"; events: readonly JobEvent[] }
  | { type: "snapshot"; job: Job; events?: readonly JobEvent[] }
  | { type: "connection"; connection: Connection };

export function initialProgress(jobId: string, job?: Job | null, events?: readonly JobEvent[]): ProgressState {
  let state: ProgressState = {
    jobId,
    lastSeq: 0,
    status: "queued",
    percent: null,
    phase: null,
    message: null,
    error: null,
    job: null,
    terminal: false,
    connection: "idle",
    timeline: [],
  };
  if (job) state = progressReducer(state, { type: "snapshot", job, events: events ?? [] });
  else if (events?.length) state = progressReducer(state, { type: "events", events });
  return state;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function clampPercent(value: unknown): number | null {
  if (typeof value !== "number" || !Number.isFinite(value)) return null;
  return Math.min(100, Math.max(0, value));
}

function applyEvent(state: ProgressState, event: JobEvent): ProgressState {
  if (event.seq <= state.lastSeq) return state;
  const data: Record<string, unknown> = isRecord(event.data) ? event.data : {};
  const next: ProgressState = {
    ...state,
    lastSeq: event.seq,
    phase: event.type,
    timeline: [...state.timeline, event].slice(-MAX_TIMELINE),
  };

  const terminalStatus = TERMINAL_EVENT_STATUS[event.type];
  const dataStatus = normalizeStatus(data.status);
  if (terminalStatus) {
    next.status = dataStatus !== "unknown" && isTerminalStatus(dataStatus) ? dataStatus : terminalStatus;
    next.terminal = true;
  } else if (!state.terminal) {
    // Only lifecycle states count here: a progress event may say "completed"
    // for its own step (e.g. output_saved) while the job is still finishing.
    if (dataStatus === "queued" || dataStatus === "running" || dataStatus === "uploading") {
      next.status = dataStatus;
    } else if (event.type === "job.queued") next.status = "queued";
    else if (state.status === "queued" && event.type !== "job.notifications") next.status = "running";
  }

  const percent = clampPercent(data.percent);
  if (percent !== null) next.percent = Math.max(state.percent ?? 0, percent);
  if (next.terminal && (next.status === "completed" || next.status === "partial_failed")) {
    next.percent = 100;
  }

  if (typeof data.message === "string" && data.message.trim()) next.message = data.message.trim();
  else if (terminalStatus) next.message = null;

  const error = asJobError(data.error);
  if (error) next.error = error;

  if (isJobLike(data.job)) next.job = data.job;
  if (next.terminal && next.job && !next.error) next.error = asJobError(next.job.error);
  return next;
}

function applyEvents(state: ProgressState, events: readonly JobEvent[]): ProgressState {
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  return sorted.reduce(applyEvent, state);
}

/** Order of non-final statuses; a job never moves backwards through them. */
const STATUS_RANK: Readonly<Partial<Record<JobStatus, number>>> = { queued: 0, running: 1, uploading: 2 };

function applySnapshot(state: ProgressState, job: Job): ProgressState {
  const status = normalizeStatus(job.status);
  if (state.terminal && !isTerminalStatus(status)) return state;
  const rank = STATUS_RANK[status];
  const currentRank = STATUS_RANK[state.status];
  // An older snapshot (e.g. the POST response arriving after live events) is ignored.
  if (rank !== undefined && currentRank !== undefined && rank < currentRank) return state;
  const next: ProgressState = { ...state, job };
  if (status === "unknown") return next;
  if (isTerminalStatus(status)) {
    // The row is authoritative once it is final, even if we missed the event.
    next.status = status;
    next.terminal = true;
    next.error = asJobError(job.error) ?? state.error;
    if (status === "completed" || status === "partial_failed") next.percent = 100;
  } else {
    next.status = status;
  }
  return next;
}

export function progressReducer(state: ProgressState, action: ProgressAction): ProgressState {
  switch (action.type) {
    case "events":
      return applyEvents(state, action.events);
    case "snapshot":
      return applySnapshot(applyEvents(state, action.events ?? []), action.job);
    case "connection":
      return state.connection === action.connection ? state : { ...state, connection: action.connection };
  }
}
