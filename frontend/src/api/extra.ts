/**
 * Small typed wrappers over the generated client for routes that several
 * screens call (spec/web.md §6). Shapes come from the OpenAPI schema.
 */
import { api, unwrap } from "./client";
import type { components } from "./schema";

type Schemas = components["schemas"];
export type NotificationSettings = Schemas["NotificationSettings"];
export type NotificationTestResult = Schemas["NotificationTestResult"];
export type NotificationTestStatus = Schemas["NotificationTest"]["status"];

/** POST /api/jobs/{id}/retry — a new job with the same parameters (web.md §6.4). */
export const retryJob = (id: string) => unwrap(api.POST("/api/jobs/{job_id}/retry", { params: { path: { job_id: id } } }));

/** POST /api/queue/concurrency — clamp 1..8, returns the snapshot (web.md §6.5). */
export const setConcurrency = (maxParallel: number) =>
  unwrap(api.POST("/api/queue/concurrency", { body: { max_parallel: maxParallel } }));

/** PUT /api/notifications (web.md §6.2) — returns the new ServerConfig. */
export const saveNotifications = (config: NotificationSettings) => unwrap(api.PUT("/api/notifications", { body: config }));

/** POST /api/notifications/test (web.md §6.2). */
export const testNotifications = (status: NotificationTestStatus) =>
  unwrap(api.POST("/api/notifications/test", { body: { status } }));
