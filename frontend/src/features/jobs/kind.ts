import type { Job } from "../../api/types";
import type { IconName } from "../../components/Icon";
import type { MessageKey } from "../../i18n/translate";

export type JobKind = "generate" | "edit" | "region" | "transparent" | "request" | "other";

export function jobKind(job: Pick<Job, "command" | "metadata">): JobKind {
  const cmd = job.command.toLowerCase();
  if (cmd === "images generate") return "generate";
  if (cmd === "images edit") {
    const meta = (job.metadata ?? {}) as Record<string, unknown>;
    const region = meta.edit_region_mode;
    return meta.has_mask === true || region === "native-mask" || region === "reference-hint" && meta.selection_hint === true
      ? "region"
      : "edit";
  }
  if (cmd.startsWith("transparent")) return "transparent";
  if (cmd.startsWith("request")) return "request";
  return "other";
}

export const KIND_LABEL: Readonly<Record<JobKind, MessageKey>> = {
  generate: "kind.generate",
  edit: "kind.edit",
  region: "kind.region",
  transparent: "kind.transparent",
  request: "kind.request",
  other: "kind.other",
};

export const KIND_ICON: Readonly<Record<JobKind, IconName>> = {
  generate: "sparkles",
  edit: "edit",
  region: "brush",
  transparent: "layers",
  request: "server",
  other: "image",
};

/** The history commands of each filter value of the Tasks screen (server-side filter). */
export const KIND_COMMANDS: Readonly<Record<string, readonly string[]>> = {
  generate: ["images generate"],
  edit: ["images edit"],
  transparent: ["transparent generate", "transparent extract", "transparent verify"],
  request: ["request create"],
};
