/** Locale-aware formatting of times, sizes and counts. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type RelativeTime =
  | { kind: "now" }
  | { kind: "relative"; text: string }
  | { kind: "absolute"; text: string };

/** "just now" / "5 minutes ago" / "3 hours ago" / a date for anything older than a day. */
export function relativeTime(date: Date, now: Date, locale: string): RelativeTime {
  const diff = now.getTime() - date.getTime();
  if (diff < 45_000 && diff > -MINUTE) return { kind: "now" };
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  if (diff < HOUR) return { kind: "relative", text: rtf.format(-Math.max(1, Math.round(diff / MINUTE)), "minute") };
  if (diff < DAY) return { kind: "relative", text: rtf.format(-Math.round(diff / HOUR), "hour") };
  return { kind: "absolute", text: formatDateTime(date, locale, now) };
}

export function formatDateTime(date: Date, locale: string, now: Date = new Date()): string {
  const sameYear = date.getFullYear() === now.getFullYear();
  return new Intl.DateTimeFormat(locale, {
    year: sameYear ? undefined : "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(date);
}

export function formatFullDateTime(date: Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium" }).format(date);
}

export function formatBytes(bytes: number, locale: string): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/** Seconds as `m:ss` (or `h:mm:ss`), for elapsed-time counters. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}
