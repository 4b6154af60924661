import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import type { EnqueueResponse } from "../../api/types";
import { toApiError } from "../../api/errors";
import { Button } from "../../components/Button";
import { SegmentedControl } from "../../components/SegmentedControl";
import { useI18n } from "../../i18n/useI18n";
import { isApplePlatform } from "../../lib/platform";
import { ErrorPanel } from "../jobs/ErrorPanel";
import { useGenerate } from "./api";
import { buildGenerateRequest, FORMATS, PROMPT_MAX, QUALITIES, type GenerateDraft } from "./draft";
import { SizeField } from "./SizeField";

export interface GenerateFormProps {
  draft: GenerateDraft;
  update: <K extends keyof GenerateDraft>(key: K, value: GenerateDraft[K]) => void;
  onQueued: (response: EnqueueResponse) => void;
  promptRef?: React.RefObject<HTMLTextAreaElement | null>;
}

export function GenerateForm({ draft, update, onQueued, promptRef }: GenerateFormProps) {
  const { t } = useI18n();
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [promptMissing, setPromptMissing] = useState(false);
  const generate = useGenerate(onQueued);
  const built = buildGenerateRequest(draft);
  const apple = isApplePlatform();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (generate.isPending) return;
    if (!built.ok) {
      if (built.problem === "prompt") {
        setPromptMissing(true);
        promptRef?.current?.focus();
      }
      return;
    }
    generate.mutate(built.body);
  };

  const onPromptKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      formRef.current?.requestSubmit();
    }
  };

  const error = generate.error ? toApiError(generate.error) : null;
  const sizeInvalid = !built.ok && built.problem === "size";

  return (
    <form ref={formRef} className="card compose" onSubmit={submit} noValidate aria-label={t("generate.form_label")}>
      <div className="field">
        <div className="field-head">
          <label htmlFor={`${id}-prompt`} className="field-label">
            {t("field.prompt")}
          </label>
          <span className="counter" aria-hidden="true">
            {draft.prompt.length} / {PROMPT_MAX}
          </span>
        </div>
        <textarea
          ref={promptRef}
          id={`${id}-prompt`}
          className="input textarea"
          rows={6}
          maxLength={PROMPT_MAX}
          placeholder={t("generate.prompt_placeholder")}
          value={draft.prompt}
          onChange={(e) => {
            update("prompt", e.target.value);
            if (e.target.value.trim()) setPromptMissing(false);
          }}
          onKeyDown={onPromptKeyDown}
          aria-invalid={promptMissing || undefined}
          aria-describedby={`${id}-prompt-hint`}
        />
        <p id={`${id}-prompt-hint`} className={promptMissing ? "field-error" : "visually-hidden"}>
          {promptMissing ? t("generate.prompt_required") : t("generate.shortcut_hint", { key: apple ? "⌘" : "Ctrl" })}
        </p>
      </div>

      <div className="compose__params">
        <SizeField draft={draft} onChange={update} />
        <SegmentedControl
          legend={t("field.quality")}
          options={QUALITIES.map((q) => ({ value: q, label: t(`quality.${q}`) }))}
          value={draft.quality}
          onChange={(v) => update("quality", v)}
        />
        <SegmentedControl
          legend={t("field.format")}
          options={FORMATS.map((f) => ({ value: f, label: f === "webp" ? "WebP" : f.toUpperCase() }))}
          value={draft.format}
          onChange={(v) => update("format", v)}
        />
      </div>

      {error ? (
        <ErrorPanel title={t("generate.submit_failed")} error={{ code: error.code, message: error.message, detail: error.detail }} live />
      ) : null}

      <div className="compose__footer">
        <span className="kbd-hint" aria-hidden="true">
          <kbd>{apple ? "⌘" : "Ctrl"}</kbd>
          <kbd>↵</kbd>
          <span>{t("generate.shortcut_short")}</span>
        </span>
        <Button
          type="submit"
          variant="primary"
          size="lg"
          icon="sparkles"
          busy={generate.isPending}
          disabled={generate.isPending || sizeInvalid}
          aria-keyshortcuts={apple ? "Meta+Enter" : "Control+Enter"}
        >
          {generate.isPending ? t("generate.submitting") : t("generate.submit")}
        </Button>
      </div>
    </form>
  );
}
