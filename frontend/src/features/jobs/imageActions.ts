/**
 * The image action registry (spec/ui.md §8.1) as one hook: the hover
 * toolbar, Quick Look and the keyboard shortcuts all call these, so every
 * surface behaves (and reports) the same way.
 */
import { useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { hasRoute, useCapabilities } from "../../api/capabilities";
import { api, unwrap } from "../../api/client";
import { toApiError } from "../../api/errors";
import type { Job, JobOutput } from "../../api/types";
import { outputUrl } from "../../api/urls";
import { useConfirm } from "../../components/Confirm";
import { useToast } from "../../components/Toast";
import { useI18n } from "../../i18n/useI18n";
import { jobParams } from "../../lib/jobs";
import { navigate } from "../../lib/router";
import { copyOutput, downloadOutput, outputFile, sendOutputToEdit } from "./actions";
import { invalidateJobs } from "./api";

export interface ImageActions {
  canDelete: boolean;
  copyImage: (job: Job, output: JobOutput) => Promise<void>;
  /** Resolves false when the job has no prompt. */
  copyPrompt: (job: Job) => Promise<boolean>;
  download: (job: Job, output: JobOutput) => Promise<void>;
  useAsReference: (job: Job, output: JobOutput) => Promise<void>;
  /** Sends the image and its prompt to Edit. */
  editWithPrompt: (job: Job, output: JobOutput) => Promise<void>;
  /** Copies the image's absolute URL. */
  copyLink: (job: Job, output: JobOutput) => Promise<void>;
  /**
   * The Web Share API, called at once (no fetch in between, so the click's
   * user activation is still there): the image file (and prompt) when
   * `prepareShare` has already fetched it and files can be shared, the URL otherwise.
   */
  share: (job: Job, output: JobOutput) => Promise<void>;
  /** Fetches the image for a file share ahead of the click (the image menu opening); never fails. */
  prepareShare: (job: Job, output: JobOutput) => void;
  /** Tasks with the job's drawer open. */
  revealInHistory: (job: Job) => void;
  /** Asks first; resolves true once the job is gone. */
  deleteJob: (job: Job) => Promise<boolean>;
}

/** Image files fetched ahead of a share, by URL (the few most recent). */
const shareFiles = new Map<string, File>();
const SHARE_FILES = 4;

function canShareFiles(): boolean {
  return typeof navigator !== "undefined" && typeof navigator.share === "function" && typeof navigator.canShare === "function";
}

/** What to share for an image: its file if already fetched and shareable, else its URL. */
export function shareData(url: string, text: string | undefined, file: File | undefined, canShare: ((data: ShareData) => boolean) | undefined): ShareData {
  return file && canShare?.({ files: [file] }) ? { files: [file], text } : { url, text };
}

export function useImageActions(): ImageActions {
  const { t } = useI18n();
  const toast = useToast();
  const confirm = useConfirm();
  const queryClient = useQueryClient();
  const caps = useCapabilities();
  const canDelete = hasRoute(caps, "delete", "/api/jobs/{job_id}");

  return useMemo(() => {
    const fail = (error: unknown, id?: string) =>
      toast.show({ id, tone: "error", title: t("action.failed"), description: toApiError(error).message });
    return {
      canDelete,
      copyImage: async (job, output) => {
        try {
          await copyOutput(job, output);
          toast.show({ tone: "success", title: t("drawer.copied") });
        } catch (error) {
          fail(error);
        }
      },
      copyPrompt: async (job) => {
        const prompt = jobParams(job).prompt;
        if (!prompt) return false;
        try {
          await navigator.clipboard.writeText(prompt);
          toast.show({ tone: "success", title: t("drawer.prompt_copied") });
        } catch (error) {
          fail(error);
        }
        return true;
      },
      download: async (job, output) => {
        const id = `download-${job.id}-${output.index}`;
        toast.show({ id, tone: "loading", title: t("image.downloading") });
        try {
          await downloadOutput(job, output);
          toast.show({ id, tone: "success", title: t("image.downloaded") });
        } catch (error) {
          fail(error, id);
        }
      },
      useAsReference: async (job, output) => {
        try {
          await sendOutputToEdit(job, output, false);
          toast.show({ tone: "success", title: t("drawer.sent_to_edit") });
          navigate("edit");
        } catch (error) {
          fail(error);
        }
      },
      editWithPrompt: async (job, output) => {
        try {
          await sendOutputToEdit(job, output, true);
          toast.show({ tone: "success", title: t("drawer.sent_to_edit") });
          navigate("edit");
        } catch (error) {
          fail(error);
        }
      },
      copyLink: async (job, output) => {
        try {
          await navigator.clipboard.writeText(new URL(outputUrl(job.id, output.index), window.location.href).href);
          toast.show({ tone: "success", title: t("image.link_copied") });
        } catch (error) {
          fail(error);
        }
      },
      prepareShare: (job, output) => {
        const url = new URL(outputUrl(job.id, output.index), window.location.href).href;
        if (!canShareFiles() || shareFiles.has(url)) return;
        void outputFile(job, output).then(
          (file) => {
            shareFiles.set(url, file);
            for (const key of shareFiles.keys()) {
              if (shareFiles.size <= SHARE_FILES) break;
              shareFiles.delete(key);
            }
          },
          () => {}, // the share falls back to the URL
        );
      },
      share: async (job, output) => {
        const url = new URL(outputUrl(job.id, output.index), window.location.href).href;
        const text = jobParams(job).prompt ?? undefined;
        try {
          await navigator.share(shareData(url, text, shareFiles.get(url), navigator.canShare?.bind(navigator)));
        } catch (error) {
          // The user closing the share sheet is not a failure.
          if (!(error instanceof DOMException && error.name === "AbortError")) fail(error);
        }
      },
      revealInHistory: (job) => navigate("tasks", job.id),
      deleteJob: async (job) => {
        if (!canDelete) return false;
        const ok = await confirm({
          title: t("drawer.delete_title"),
          description: t("drawer.delete_text"),
          confirmLabel: t("action.delete"),
          cancelLabel: t("action.cancel"),
          danger: true,
        });
        if (!ok) return false;
        try {
          await unwrap(api.DELETE("/api/jobs/{job_id}", { params: { path: { job_id: job.id } } }));
        } catch (error) {
          fail(error);
          return false;
        }
        invalidateJobs(queryClient);
        toast.show({ tone: "success", title: t("drawer.deleted") });
        return true;
      },
    } satisfies ImageActions;
  }, [t, toast, confirm, queryClient, canDelete]);
}
