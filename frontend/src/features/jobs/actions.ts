/**
 * What you can do with a job's images from the browser: download one, copy
 * one to the clipboard, export several jobs as a ZIP, send one to Edit.
 */
import type { Job, JobOutput } from "../../api/types";
import { outputUrl } from "../../api/urls";
import { downloadBlob, slug } from "../../lib/bytes";
import { jobParams, parseJobTime } from "../../lib/jobs";
import { buildZip, type ZipEntry } from "../../lib/zip";
import { editInbox } from "../edit/inbox";

export function outputExtension(output: Pick<JobOutput, "path">, format: string | null): string {
  const match = /\.([a-z0-9]+)$/i.exec(output.path ?? "");
  return (match?.[1] ?? format ?? "png").toLowerCase().replace("jpeg", "jpg");
}

const pad = (n: number) => String(n).padStart(2, "0");

/** `<UTC YYYYMMDD-HHMMSS>-<prompt slug>-<job id>` (spec/ui.md §8.5). */
export function jobBaseName(job: Job): string {
  const created = parseJobTime(job.created_at) ?? new Date(0);
  const stamp = `${created.getUTCFullYear()}${pad(created.getUTCMonth() + 1)}${pad(created.getUTCDate())}-${pad(created.getUTCHours())}${pad(created.getUTCMinutes())}${pad(created.getUTCSeconds())}`;
  return `${stamp}-${slug(jobParams(job).prompt ?? "image")}-${job.id}`;
}

export function outputFileName(job: Job, output: JobOutput): string {
  return `${job.id}-${output.index + 1}.${outputExtension(output, jobParams(job).format)}`;
}

async function fetchBlob(url: string): Promise<Blob> {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.blob();
}

export async function downloadOutput(job: Job, output: JobOutput): Promise<void> {
  downloadBlob(await fetchBlob(outputUrl(job.id, output.index)), outputFileName(job, output));
}

/** The ZIP entries for some jobs: one folder per job. */
export async function zipEntriesFor(jobs: readonly Job[], fetcher: (url: string) => Promise<Blob> = fetchBlob): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = [];
  for (const job of jobs) {
    const base = jobBaseName(job);
    const created = parseJobTime(job.created_at) ?? undefined;
    for (const output of [...job.outputs].sort((a, b) => a.index - b.index)) {
      const blob = await fetcher(outputUrl(job.id, output.index));
      entries.push({ name: `${base}/${outputFileName(job, output)}`, data: new Uint8Array(await blob.arrayBuffer()), date: created });
    }
  }
  return entries;
}

export async function downloadZip(jobs: readonly Job[]): Promise<number> {
  const entries = await zipEntriesFor(jobs);
  const name =
    jobs.length === 1 && jobs[0]
      ? `${jobBaseName(jobs[0])}.zip`
      : `gpt-image-2-${jobs.length}-jobs-${new Date().toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-")}.zip`;
  downloadBlob(buildZip(entries), name, "application/zip");
  return entries.length;
}

async function toPng(blob: Blob): Promise<Blob> {
  if (blob.type === "image/png") return blob;
  const bitmap = await createImageBitmap(blob);
  const canvas = document.createElement("canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext("2d")?.drawImage(bitmap, 0, 0);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG conversion failed"))), "image/png"),
  );
}

/** Put the image itself (not its URL) on the clipboard; browsers take PNG. */
export async function copyOutput(job: Job, output: JobOutput): Promise<void> {
  if (!navigator.clipboard || typeof ClipboardItem === "undefined") throw new Error("Clipboard unavailable");
  const png = toPng(await fetchBlob(outputUrl(job.id, output.index)));
  await navigator.clipboard.write([new ClipboardItem({ "image/png": png })]);
}

/** The image as a File named like a download (for sharing). */
export async function outputFile(job: Job, output: JobOutput): Promise<File> {
  const blob = await fetchBlob(outputUrl(job.id, output.index));
  return new File([blob], outputFileName(job, output), { type: blob.type || "image/png" });
}

export async function sendOutputToEdit(job: Job, output: JobOutput, withPrompt: boolean): Promise<void> {
  const blob = await fetchBlob(outputUrl(job.id, output.index));
  editInbox.put({
    files: [{ name: outputFileName(job, output), blob }],
    prompt: withPrompt ? (jobParams(job).prompt ?? undefined) : undefined,
  });
}
