import { useSyncExternalStore } from "react";
import { formatFullDateTime, relativeTime } from "../i18n/format";
import { useI18n } from "../i18n/useI18n";

// One shared 30-second ticker for every <TimeAgo> on the page.
const TICK_MS = 30_000;
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

export function TimeAgo({ date, className }: { date: Date | null; className?: string }) {
  const { t, locale } = useI18n();
  const current = useSyncExternalStore(subscribe, () => now, () => now);
  if (!date) return null;
  const rel = relativeTime(date, new Date(current), locale);
  return (
    <time className={className} dateTime={date.toISOString()} title={formatFullDateTime(date, locale)}>
      {rel.kind === "now" ? t("time.just_now") : rel.text}
    </time>
  );
}
