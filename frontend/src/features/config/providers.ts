/**
 * Typed views over `GET /api/config` (whose schema leaves `providers` and
 * `notifications` open): the redacted provider entries of spec/web.md §6.2.
 */

export type CredentialSource = "file" | "env" | "keychain";

export interface CredentialStatus {
  source: CredentialSource | string;
  present?: boolean;
  env?: string;
  service?: string;
  account?: string;
}

export type RegionMode = "native-mask" | "reference-hint" | "none";
export type ProviderType = "openai-compatible" | "openai" | "codex";

export interface ProviderView {
  name: string;
  type: ProviderType | string;
  api_base: string | null;
  endpoint: string | null;
  model: string | null;
  supports_n: boolean | null;
  credentials: Record<string, CredentialStatus>;
  proxy: Record<string, unknown> | null;
  edit_region_mode: RegionMode | null;
  builtin: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

export function parseProvider(name: string, raw: unknown): ProviderView {
  const r = isRecord(raw) ? raw : {};
  const creds: Record<string, CredentialStatus> = {};
  if (isRecord(r.credentials)) {
    for (const [key, value] of Object.entries(r.credentials)) {
      if (isRecord(value)) {
        creds[key] = {
          source: str(value.source) ?? "file",
          present: typeof value.present === "boolean" ? value.present : undefined,
          env: str(value.env) ?? undefined,
          service: str(value.service) ?? undefined,
          account: str(value.account) ?? undefined,
        };
      }
    }
  }
  const mode = str(r.edit_region_mode);
  return {
    name,
    type: str(r.type) ?? "openai-compatible",
    api_base: str(r.api_base),
    endpoint: str(r.endpoint),
    model: str(r.model),
    supports_n: typeof r.supports_n === "boolean" ? r.supports_n : null,
    credentials: creds,
    proxy: isRecord(r.proxy) ? r.proxy : null,
    edit_region_mode: mode === "native-mask" || mode === "reference-hint" || mode === "none" ? mode : null,
    builtin: r.builtin === true,
  };
}

export interface ProviderList {
  providers: ProviderView[];
  /** The configured default (may be null or "auto"). */
  defaultName: string | null;
  /** The configured default when it names a known provider; null means automatic selection. */
  effectiveDefault: string | null;
}

/** Providers sorted: the default first, then configured ones, then built-ins. */
export function providerList(config: { providers?: unknown; default_provider?: unknown } | undefined): ProviderList {
  const raw = isRecord(config?.providers) ? config.providers : {};
  const providers = Object.entries(raw).map(([name, value]) => parseProvider(name, value));
  const defaultName = str(config?.default_provider);
  // Without an explicit default the server chooses per request ("auto"), so we name none.
  const effectiveDefault =
    defaultName && defaultName !== "auto" && providers.some((p) => p.name === defaultName) ? defaultName : null;
  providers.sort((a, b) => {
    const rank = (p: ProviderView) => (p.name === effectiveDefault ? 0 : p.builtin ? 2 : 1);
    return rank(a) - rank(b) || a.name.localeCompare(b.name);
  });
  return { providers, defaultName, effectiveDefault };
}

/** A provider's key for display: "Saved", "env OPENAI_API_KEY", or missing. */
export function credentialSummary(p: ProviderView): { key: string; status: CredentialStatus } | null {
  const entry = Object.entries(p.credentials)[0];
  return entry ? { key: entry[0], status: entry[1] } : null;
}

/** The region-edit method a provider supports (defaults as the server injects them). */
export function regionModeOf(p: ProviderView | undefined): RegionMode {
  if (!p) return "native-mask";
  if (p.edit_region_mode) return p.edit_region_mode;
  // as the server resolves it (providers/selection.py region_mode): only OpenAI's own
  // API takes a mask unless the provider says so
  return p.type === "openai" ? "native-mask" : "reference-hint";
}

/** Names the user may not take for a new provider (spec/ui.md §9.1). */
export const RESERVED_PROVIDER_NAMES = ["auto", "openai", "codex"] as const;

export type ProviderNameProblem = "empty" | "reserved" | "exists" | "chars";

export function checkProviderName(name: string, existing: readonly string[]): ProviderNameProblem | null {
  const n = name.trim();
  if (!n) return "empty";
  if (/[\s/\\]/.test(n)) return "chars";
  const lower = n.toLowerCase();
  if ((RESERVED_PROVIDER_NAMES as readonly string[]).includes(lower)) return "reserved";
  if (existing.some((e) => e.toLowerCase() === lower)) return "exists";
  return null;
}
