import type { Job } from "../../api/types";
import type { MessageKey } from "../../i18n/translate";
import { jobParams } from "../../lib/jobs";

const QUALITY_LABEL: Readonly<Record<string, MessageKey>> = {
  auto: "quality.auto",
  low: "quality.low",
  medium: "quality.medium",
  high: "quality.high",
};

/** "1024×1024 · High · PNG" — the parameters a person cares about. */
export function jobMetaLine(job: Job, t: (key: MessageKey) => string): string {
  const { size, quality, format } = jobParams(job);
  const parts: string[] = [];
  if (size) parts.push(size.toLowerCase() === "auto" ? t("size.auto") : size.replace(/x/i, "×"));
  if (quality) {
    const key = QUALITY_LABEL[quality.toLowerCase()];
    parts.push(key ? t(key) : quality);
  }
  if (format) parts.push(format.toUpperCase());
  return parts.join(" · ");
}
