import type { Job, JobEvent } from "../api/types";

export function makeJob(overrides: Partial<Job> = {}): Job {
  return {
    id: "web-1-1",
    command: "images generate",
    provider: "openai",
    status: "queued",
    created_at: "1747300000",
    updated_at: "1747300000",
    metadata: { prompt: "a lighthouse", size: "1024x1024", quality: "auto", format: "png" },
    outputs: [],
    output_path: null,
    reference_images: [],
    storage_status: "not_configured",
    error: null,
    ...overrides,
  } as Job;
}

export function ev(seq: number, type: string, data: Record<string, unknown> = {}, kind = "local"): JobEvent {
  return { seq, kind, type, data } as JobEvent;
}
