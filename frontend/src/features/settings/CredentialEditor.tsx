/**
 * The shared credential editor (spec/ui.md §9.3): where a secret comes from —
 * the server config (`file`, typed here), an environment variable on the
 * server (`env`), or the server's OS keychain — and its value or variable
 * name. The keychain is offered only to keep a credential stored there: an
 * HTTP deployment (a container) usually has no keyring (spec/ui.md §9.1).
 * Used by the provider dialog and by the notification settings.
 */
import { useId } from "react";
import { SegmentedControl } from "../../components/SegmentedControl";
import { useI18n } from "../../i18n/useI18n";

export type CredentialSource = "file" | "env" | "keychain";

/** What the server shows for a stored reference (a status object, never the secret). */
export interface StoredCredential {
  source?: string | null;
  present?: boolean | null;
  env?: string | null;
  service?: string | null;
  account?: string | null;
}

/** The editor's state: the chosen source, a newly typed secret, a variable name. */
export interface CredentialDraft {
  source: CredentialSource;
  secret: string;
  env: string;
}

/** A reference as the server stores it; a `file` value left empty keeps the stored one. */
export type CredentialRef =
  | { source: "file"; value: string }
  | { source: "env"; env: string }
  | { source: "keychain"; service?: string | null; account?: string | null };

export const DEFAULT_ENV = "OPENAI_API_KEY";

export function storedSource(stored: StoredCredential | null | undefined): CredentialSource {
  return stored?.source === "env" || stored?.source === "keychain" ? stored.source : "file";
}

/** The draft for a stored reference (or none): the secret itself is never known here. */
export function draftFromStored(stored: StoredCredential | null | undefined, defaultEnv = ""): CredentialDraft {
  return { source: storedSource(stored), secret: "", env: stored?.env ?? defaultEnv };
}

/** Sources offered: file and env, plus the keychain only when the credential is stored there. */
export function credentialSources(stored: StoredCredential | null | undefined): CredentialSource[] {
  return stored && storedSource(stored) === "keychain" ? ["file", "env", "keychain"] : ["file", "env"];
}

/** Is a `file` secret stored that an empty input keeps? */
export function keepsStoredSecret(stored: StoredCredential | null | undefined): boolean {
  return storedSource(stored) === "file" && stored?.present === true;
}

/**
 * The reference to send for a draft, or null for "no credential": an empty
 * file value is sent only to keep a stored file secret (the server keeps it),
 * an empty variable name means none, a keychain entry is kept as stored.
 */
export function credentialRef(draft: CredentialDraft, stored: StoredCredential | null | undefined): CredentialRef | null {
  if (draft.source === "env") {
    const env = draft.env.trim();
    return env ? { source: "env", env } : null;
  }
  if (draft.source === "keychain") {
    return stored && storedSource(stored) === "keychain" ? { source: "keychain", service: stored.service ?? null, account: stored.account ?? null } : null;
  }
  if (draft.secret) return { source: "file", value: draft.secret };
  return keepsStoredSecret(stored) ? { source: "file", value: "" } : null;
}

export interface CredentialEditorProps {
  /** Label of the secret input (for example "API key", "Password"). */
  label: string;
  draft: CredentialDraft;
  onChange: (draft: CredentialDraft) => void;
  sources: CredentialSource[];
  /** A `file` secret is stored: an empty input keeps it. */
  stored: boolean;
  /** Placeholder of the secret input when nothing is stored. */
  placeholder?: string;
  /** Legend of the source choice (defaults to "Key stored in"). */
  sourceLegend?: string;
  /** The keychain entry's value may be typed (the provider dialog stores it in the keyring). */
  keychainValue?: boolean;
  /** Extra hint under the secret input. */
  hint?: string;
}

export function CredentialEditor({ label, draft, onChange, sources, stored, placeholder = "", sourceLegend, keychainValue = false, hint }: CredentialEditorProps) {
  const { t } = useI18n();
  const id = useId();
  const set = (patch: Partial<CredentialDraft>) => onChange({ ...draft, ...patch });
  const hintId = `${id}-hint`;
  return (
    <div className="credential-editor">
      <SegmentedControl
        legend={sourceLegend ?? `${label}: ${t("provider.secret_source")}`}
        options={sources.map((s) => ({ value: s, label: t(`provider.source.${s}`) }))}
        value={draft.source}
        onChange={(source) => set({ source })}
      />
      {draft.source === "env" ? (
        <div className="field">
          <label htmlFor={`${id}-env`} className="field-label">
            {sourceLegend ? t("provider.env_name") : `${label}: ${t("provider.env_name")}`}
          </label>
          <input
            id={`${id}-env`}
            className="input mono"
            value={draft.env}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={hintId}
            onChange={(e) => set({ env: e.target.value })}
            placeholder={t("credential.env_placeholder", { example: DEFAULT_ENV })}
          />
          <p id={hintId} className="field-hint">
            {t("provider.env_hint")}
          </p>
        </div>
      ) : draft.source === "keychain" && !keychainValue ? (
        <p className="field-hint">{t("credential.keychain_kept")}</p>
      ) : (
        <div className="field">
          <label htmlFor={`${id}-secret`} className="field-label">
            {label}
          </label>
          <input
            id={`${id}-secret`}
            className="input mono"
            type="password"
            autoComplete="new-password"
            value={draft.secret}
            aria-describedby={hint || draft.source === "keychain" ? hintId : undefined}
            onChange={(e) => set({ secret: e.target.value })}
            placeholder={stored ? t("provider.keep_secret") : placeholder}
          />
          {hint || draft.source === "keychain" ? (
            <p id={hintId} className="field-hint">
              {draft.source === "keychain" ? t("provider.keychain_hint") : hint}
            </p>
          ) : null}
        </div>
      )}
    </div>
  );
}
