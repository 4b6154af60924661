/** Message keys for job statuses and event types. */
import type { MessageKey } from "../../i18n/translate";
import type { JobStatus } from "../../lib/jobs";
import type { Connection } from "./progress";

export const STATUS_LABEL: Readonly<Record<JobStatus, MessageKey>> = {
  queued: "status.queued",
  running: "status.running",
  uploading: "status.uploading",
  completed: "status.completed",
  partial_failed: "status.partial_failed",
  failed: "status.failed",
  cancelled: "status.cancelled",
  unknown: "status.unknown",
};

export type StatusTone = "neutral" | "active" | "success" | "warning" | "danger";

export const STATUS_TONE: Readonly<Record<JobStatus, StatusTone>> = {
  queued: "neutral",
  running: "active",
  uploading: "active",
  completed: "success",
  partial_failed: "warning",
  failed: "danger",
  cancelled: "neutral",
  unknown: "neutral",
};

const PHASE_LABEL: Readonly<Record<string, MessageKey>> = {
  "job.queued": "phase.queued",
  "job.running": "phase.running",
  "request.started": "phase.request_started",
  request_started: "phase.request_started",
  response_created: "phase.request_started",
  multipart_prepared: "phase.preparing",
  retry_scheduled: "phase.retry_scheduled",
  request_failed: "phase.request_failed",
  auth_refresh_started: "phase.auth_refresh",
  auth_refresh_completed: "phase.auth_refresh",
  "auth.refresh.completed": "phase.auth_refresh",
  output_item_done: "phase.request_completed",
  response_completed: "phase.request_completed",
  request_completed: "phase.request_completed",
  output_saved: "phase.output_saved",
  "job.output_ready": "phase.output_ready",
  "job.storage": "phase.storage",
  source_saved: "phase.source_saved",
  extraction_completed: "phase.extraction_completed",
  verification_completed: "phase.verification_completed",
  refresh_failed: "phase.auth_refresh",
  auth_read_failed: "phase.auth_refresh",
  auth_write_failed: "phase.auth_refresh",
  batch_partial_failed: "phase.request_failed",
  output_write_failed: "phase.request_failed",
  storage_remote_resolve_failed: "phase.storage",
  "response.created": "phase.request_started",
  "response.in_progress": "phase.request_started",
  "response.output_item.added": "phase.request_started",
  "response.image_generation_call.in_progress": "phase.request_started",
  "response.image_generation_call.generating": "phase.request_started",
  "response.image_generation_call.partial_image": "phase.partial_image",
  "response.output_item.done": "phase.request_completed",
  "response.completed": "phase.request_completed",
  "response.failed": "phase.request_failed",
  "response.incomplete": "phase.request_failed",
  error: "phase.request_failed",
  done: "phase.request_completed",
  "job.completed": "phase.completed",
  "job.partial_failed": "phase.partial_failed",
  "job.failed": "phase.failed",
  "job.cancelled": "phase.cancelled",
  "job.canceled": "phase.cancelled",
};

export type PhaseText = { key: MessageKey } | { text: string };

/**
 * What the status line says: a translated label for every event type we
 * know; the server's own `message` for types we do not; else the status.
 */
export function phaseText(phase: string | null, message: string | null, status: JobStatus): PhaseText {
  const key = phase ? PHASE_LABEL[phase] : undefined;
  if (key) return { key };
  if (message) return { text: message };
  return { key: status === "queued" ? "phase.queued" : "phase.working" };
}

export const CONNECTION_NOTE: Partial<Readonly<Record<Connection, MessageKey>>> = {
  reconnecting: "connection.reconnecting",
  polling: "connection.polling",
};
