/** Storage panel draft model and client-side validation (spec/ui.md §9.4). */
import type { components } from "../../api/schema";

export type StorageSettings = components["schemas"]["StorageSettings"];
export type PipelineMode = "local_only" | "mirror" | "cloud_primary" | "cloud_archive_only";
export type CleanupMode = "never" | "after_archive_success" | "by_age" | "by_size";
export const PIPELINE_MODES: readonly PipelineMode[] = ["local_only", "mirror", "cloud_primary", "cloud_archive_only"];
export const CLEANUP_MODES: readonly CleanupMode[] = ["never", "after_archive_success", "by_age", "by_size"];
export const LOCAL_DEFAULT = "local-default";
/** Types this server can write and read back (others are kept as they are). */
const READBACK_TYPES = new Set(["local", "s3", "webdav", "sftp"]);

export interface TargetDraft {
  /** A stable key for React while the name is edited. */
  key: string;
  name: string;
  type: string;
  directory: string;
  publicBaseUrl: string;
  /** The stored target as read, kept for types this panel does not edit. */
  raw: Record<string, unknown>;
}

export interface StorageDraft {
  targets: TargetDraft[];
  mode: PipelineMode;
  origin: string;
  archives: string[];
  cleanup: CleanupMode;
  retentionDays: string;
  maxGb: string;
  uploadConcurrency: string;
  targetConcurrency: string;
  /** Untouched fields sent back as read. */
  rest: Record<string, unknown>;
}

export interface StoragePolicyView {
  managed: boolean;
  locked: boolean;
  message: string | null;
  allowedModes: PipelineMode[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" ? v : "");
const asMode = (v: unknown): PipelineMode => (PIPELINE_MODES.includes(v as PipelineMode) ? (v as PipelineMode) : "local_only");
const asCleanup = (v: unknown): CleanupMode => (CLEANUP_MODES.includes(v as CleanupMode) ? (v as CleanupMode) : "never");

export function policyView(raw: unknown): StoragePolicyView {
  const policy = isRecord(raw) && isRecord(raw.policy) ? raw.policy : {};
  const managed = policy.managed === true;
  return {
    managed,
    locked: managed && policy.allow_user_overrides !== true,
    message: typeof policy.message === "string" ? policy.message : null,
    allowedModes: Array.isArray(policy.allowed_modes) ? policy.allowed_modes.map(asMode) : [],
  };
}

export function parseStorage(raw: unknown): StorageDraft {
  const storage = isRecord(raw) ? raw : {};
  const targets = isRecord(storage.targets) ? storage.targets : {};
  const pipeline = isRecord(storage.pipeline) ? storage.pipeline : {};
  const cleanup = isRecord(pipeline.cleanup) ? pipeline.cleanup : {};
  const { targets: _t, pipeline: _p, policy: _policy, upload_concurrency: _u, target_concurrency: _c, ...rest } = storage;
  return {
    targets: Object.entries(targets).map(([name, t], i) => {
      const target = isRecord(t) ? t : {};
      return { key: `${i}-${name}`, name, type: str(target.type) || "local", directory: str(target.directory), publicBaseUrl: str(target.public_base_url), raw: target };
    }),
    mode: asMode(pipeline.mode),
    origin: str(pipeline.origin),
    archives: Array.isArray(pipeline.archives) ? pipeline.archives.filter((a): a is string => typeof a === "string") : [],
    cleanup: asCleanup(cleanup.mode),
    retentionDays: String(typeof cleanup.retention_days === "number" ? cleanup.retention_days : 30),
    maxGb: String(typeof cleanup.max_origin_gb === "number" ? cleanup.max_origin_gb : 10),
    uploadConcurrency: String(typeof storage.upload_concurrency === "number" ? storage.upload_concurrency : 4),
    targetConcurrency: String(typeof storage.target_concurrency === "number" ? storage.target_concurrency : 2),
    rest,
  };
}

/** Whether a target can be a cloud-primary origin (it must be read back). */
export const canReadBack = (t: TargetDraft) => READBACK_TYPES.has(t.type);

export type StorageProblem =
  | { field: "name"; target: string; code: "name_empty" | "name_chars" | "name_duplicate" }
  | { field: "directory" | "public_base_url"; target: string; code: "directory_missing" | "url_invalid" }
  | { field: "archives" | "origin" | "retention_days" | "max_gb" | "upload_concurrency" | "target_concurrency"; code: string };

const isInt = (text: string, min: number, max: number) => /^\d+$/.test(text.trim()) && Number(text) >= min && Number(text) <= max;

function validUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** Everything that keeps the draft from being saved (empty when complete). */
export function validateStorage(d: StorageDraft): StorageProblem[] {
  const problems: StorageProblem[] = [];
  const seen = new Set<string>();
  for (const t of d.targets) {
    const name = t.name.trim();
    if (!name) problems.push({ field: "name", target: t.key, code: "name_empty" });
    else if (/[\s/\\]/.test(t.name) || name.length > 100) problems.push({ field: "name", target: t.key, code: "name_chars" });
    else if (seen.has(name.toLowerCase())) problems.push({ field: "name", target: t.key, code: "name_duplicate" });
    seen.add(name.toLowerCase());
    if (t.type === "local" && name !== LOCAL_DEFAULT && !t.directory.trim()) problems.push({ field: "directory", target: t.key, code: "directory_missing" });
    if (t.publicBaseUrl.trim() && !validUrl(t.publicBaseUrl.trim())) problems.push({ field: "public_base_url", target: t.key, code: "url_invalid" });
  }
  const names = new Set(d.targets.map((t) => t.name.trim()));
  if ((d.mode === "mirror" || d.mode === "cloud_archive_only") && d.archives.filter((a) => names.has(a)).length === 0) problems.push({ field: "archives", code: "archives_missing" });
  if (d.mode === "cloud_primary") {
    const origin = d.targets.find((t) => t.name.trim() === d.origin);
    if (!origin || !canReadBack(origin)) problems.push({ field: "origin", code: "origin_missing" });
  }
  if (d.cleanup === "by_age" && !isInt(d.retentionDays, 1, 36500)) problems.push({ field: "retention_days", code: "range" });
  if (d.cleanup === "by_size" && !isInt(d.maxGb, 1, 1_000_000)) problems.push({ field: "max_gb", code: "range" });
  if (!isInt(d.uploadConcurrency, 1, 32)) problems.push({ field: "upload_concurrency", code: "range" });
  if (!isInt(d.targetConcurrency, 1, 32)) problems.push({ field: "target_concurrency", code: "range" });
  return problems;
}

/** The draft as a local target body. */
export function targetBody(t: TargetDraft): Record<string, unknown> {
  if (t.type !== "local") return { ...t.raw, type: t.type };
  return { type: "local", directory: t.directory.trim(), public_base_url: t.publicBaseUrl.trim() || null };
}

/** The `PUT /api/storage` body; archives and origin follow renamed or deleted targets. */
export function storageBody(d: StorageDraft): StorageSettings {
  const names = new Set(d.targets.map((t) => t.name.trim()));
  const keep = (list: unknown) => (Array.isArray(list) ? list.filter((n): n is string => typeof n === "string" && names.has(n)) : []);
  const archives = d.mode === "local_only" ? [] : d.archives.filter((a) => names.has(a) && a !== d.origin);
  return {
    ...d.rest,
    default_targets: keep(d.rest.default_targets),
    fallback_targets: keep(d.rest.fallback_targets),
    targets: Object.fromEntries(d.targets.map((t) => [t.name.trim(), targetBody(t)])),
    pipeline: {
      mode: d.mode,
      origin: d.mode === "cloud_primary" ? d.origin : null,
      archives,
      cleanup: {
        mode: d.cleanup,
        retention_days: d.cleanup === "by_age" ? Number(d.retentionDays) : null,
        max_origin_gb: d.cleanup === "by_size" ? Number(d.maxGb) : null,
      },
    },
    upload_concurrency: Number(d.uploadConcurrency),
    target_concurrency: Number(d.targetConcurrency),
  } as StorageSettings;
}
