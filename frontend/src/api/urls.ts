/** URLs the browser loads directly (images, SSE) rather than through the client. */
import { API_ORIGIN } from "./client";

const jobPath = (jobId: string) => `${API_ORIGIN}/api/jobs/${encodeURIComponent(jobId)}`;

export function outputUrl(jobId: string, index: number): string {
  return `${jobPath(jobId)}/outputs/${index}`;
}

/** An edit job's input image (web.md §6.4 route 24; shown only when the server has it). */
export function refUrl(jobId: string, index: number): string {
  return `${jobPath(jobId)}/refs/${index}`;
}

export function jobEventsUrl(jobId: string): string {
  return `${jobPath(jobId)}/events`;
}
