/**
 * When a finished job may tell the user, and through which local channel
 * (spec/ui.md §7, web.md §9.4): the server's notification config decides —
 * `enabled`, the per-status switches (`on_completed` also covers partial
 * results), the in-app toast and the browser's system notification.
 */
import type { JobStatus } from "../../lib/jobs";

export interface LocalNotifyConfig {
  enabled: boolean;
  on_completed: boolean;
  on_failed: boolean;
  on_cancelled: boolean;
  toast: boolean;
  system: boolean;
}

/** The server's defaults (config/store.py `default_document`): everything on but system. */
export const LOCAL_NOTIFY_DEFAULTS: LocalNotifyConfig = {
  enabled: true,
  on_completed: true,
  on_failed: true,
  on_cancelled: true,
  toast: true,
  system: false,
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Read the local channels out of `GET /api/notifications` (missing fields take the server's defaults). */
export function parseLocalNotifyConfig(raw: unknown): LocalNotifyConfig {
  if (!isRecord(raw)) return LOCAL_NOTIFY_DEFAULTS;
  const bool = (v: unknown, d: boolean) => (typeof v === "boolean" ? v : d);
  const channel = (v: unknown, d: boolean) => (isRecord(v) ? bool(v.enabled, d) : d);
  return {
    enabled: bool(raw.enabled, LOCAL_NOTIFY_DEFAULTS.enabled),
    on_completed: bool(raw.on_completed, LOCAL_NOTIFY_DEFAULTS.on_completed),
    on_failed: bool(raw.on_failed, LOCAL_NOTIFY_DEFAULTS.on_failed),
    on_cancelled: bool(raw.on_cancelled, LOCAL_NOTIFY_DEFAULTS.on_cancelled),
    toast: channel(raw.toast, LOCAL_NOTIFY_DEFAULTS.toast),
    system: channel(raw.system, LOCAL_NOTIFY_DEFAULTS.system),
  };
}

export type NotifiableStatus = "completed" | "partial_failed" | "failed" | "cancelled";

export function isNotifiable(status: JobStatus): status is NotifiableStatus {
  return status === "completed" || status === "partial_failed" || status === "failed" || status === "cancelled";
}

/** Does the config let a job that ended in `status` notify at all? */
export function statusAllowed(config: LocalNotifyConfig, status: JobStatus): boolean {
  if (!config.enabled || !isNotifiable(status)) return false;
  if (status === "completed" || status === "partial_failed") return config.on_completed;
  if (status === "failed") return config.on_failed;
  return config.on_cancelled;
}

export type SystemPermission = NotificationPermission | "unsupported";

export interface NotifyContext {
  /** The screen on display already shows this job's result (its own card). */
  shownOnScreen: boolean;
  /** The page is visible (not a background tab or minimised window). */
  pageVisible: boolean;
  /** The browser's Notification permission. */
  permission: SystemPermission;
}

export interface NotifyPlan {
  toast: boolean;
  system: boolean;
}

/**
 * Which local channels announce a finished job. The toast is skipped when
 * the screen already shows the result; a system notification is skipped only
 * when the user is looking at that result, and needs a granted permission
 * (asked for from Settings, never from here).
 */
export function notifyPlan(config: LocalNotifyConfig, status: JobStatus, context: NotifyContext): NotifyPlan {
  if (!statusAllowed(config, status)) return { toast: false, system: false };
  const watching = context.shownOnScreen && context.pageVisible;
  return {
    toast: config.toast && !context.shownOnScreen,
    system: config.system && context.permission === "granted" && !watching,
  };
}

export function systemPermission(): SystemPermission {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

/**
 * Ask the browser for permission to show system notifications. Browsers only
 * allow this from a user action (a click in Settings); resolves to the
 * resulting permission.
 */
export async function requestSystemPermission(): Promise<SystemPermission> {
  if (typeof Notification === "undefined") return "unsupported";
  if (Notification.permission !== "default") return Notification.permission;
  return Notification.requestPermission();
}

/** Show a system notification if permitted; a click focuses the page and runs `onClick`. */
export function showSystemNotification(title: string, options: { body?: string; icon?: string; tag?: string; onClick?: () => void }): boolean {
  if (systemPermission() !== "granted") return false;
  try {
    const notification = new Notification(title, { body: options.body, icon: options.icon, tag: options.tag });
    notification.onclick = () => {
      window.focus();
      options.onClick?.();
      notification.close();
    };
    return true;
  } catch {
    // Some browsers (Android Chrome) only allow notifications from a service worker.
    return false;
  }
}
