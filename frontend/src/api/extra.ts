/**
 * Shapes and calls for spec/web.md routes that are not in the OpenAPI schema
 * yet. Each is gated by a capability check in the UI (see capabilities.ts).
 */
import type { EnqueueResponse, QueueSnapshot } from "./types";
import { rawJson } from "./raw";

const job = (id: string) => `/api/jobs/${encodeURIComponent(id)}`;

/** POST /api/jobs/{id}/retry — a new job with the same parameters (web.md §6.4). */
export const retryJob = (id: string) => rawJson<EnqueueResponse>("POST", `${job(id)}/retry`);

/** POST /api/queue/concurrency — clamp 1..8, returns the snapshot (web.md §6.5). */
export const setConcurrency = (maxParallel: number) =>
  rawJson<QueueSnapshot>("POST", "/api/queue/concurrency", { max_parallel: maxParallel });

export interface WebhookConfig {
  id: string;
  name: string;
  enabled: boolean;
  url: string;
  method: "POST" | "PUT" | "PATCH";
  headers: Record<string, { source: string; value?: unknown; env?: string; present?: boolean }>;
  /** HMAC-SHA256 signing secret (X-GPT-Image-2-Signature); redacted when read back. */
  secret?: { source: string; value?: unknown; env?: string; present?: boolean };
  timeout_seconds: number;
}

export interface EmailConfig {
  enabled: boolean;
  smtp_host: string;
  smtp_port: number;
  tls: "start-tls" | "smtps" | "none";
  username?: string | null;
  password?: { source: string; value?: unknown; env?: string; present?: boolean } | null;
  from: string;
  to: string[];
  timeout_seconds?: number;
}

export interface NotificationConfig {
  enabled: boolean;
  on_completed: boolean;
  on_failed: boolean;
  on_cancelled: boolean;
  toast: { enabled: boolean };
  system: { enabled: boolean; mode?: string };
  email: EmailConfig;
  webhooks: WebhookConfig[];
}

export interface NotificationTestResult {
  ok: boolean;
  reason: null | "local_only" | "no_eligible_channel";
  deliveries: { channel: string; name: string; ok: boolean; message: string }[];
}

/** PUT /api/notifications (web.md §6.2) — returns the new ServerConfig. */
export const saveNotifications = (config: NotificationConfig) =>
  rawJson<Record<string, unknown>>("PUT", "/api/notifications", config);

/** POST /api/notifications/test (web.md §6.2). */
export const testNotifications = (status: "completed" | "failed" | "cancelled") =>
  rawJson<NotificationTestResult>("POST", "/api/notifications/test", { status });
