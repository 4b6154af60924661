import { useId, useRef, useState, type FormEvent } from "react";
import type { EnqueueResponse } from "../../api/types";
import { toApiError } from "../../api/errors";
import { Button } from "../../components/Button";
import { useToast } from "../../components/Toast";
import { useI18n } from "../../i18n/useI18n";
import { isApplePlatform } from "../../lib/platform";
import { ErrorPanel } from "../jobs/ErrorPanel";
import { useGenerate } from "./api";
import { buildGenerateRequest, type GenerateDraft } from "./draft";
import { ParamsFields } from "./ParamsFields";
import { PromptField } from "./PromptField";

export interface GenerateFormProps {
  draft: GenerateDraft;
  update: <K extends keyof GenerateDraft>(key: K, value: GenerateDraft[K]) => void;
  onQueued: (response: EnqueueResponse) => void;
  promptRef: React.RefObject<HTMLTextAreaElement | null>;
}

export function GenerateForm({ draft, update, onQueued, promptRef }: GenerateFormProps) {
  const { t, tp } = useI18n();
  const toast = useToast();
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [promptMissing, setPromptMissing] = useState(false);
  const generate = useGenerate((response) => {
    onQueued(response);
    const n = typeof response.job.metadata?.n === "number" ? response.job.metadata.n : 1;
    toast.show({ id: "generate-submit", tone: "success", title: n > 1 ? tp("generate.started_many", n) : t("generate.started") });
  });
  const built = buildGenerateRequest(draft);
  const apple = isApplePlatform();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (generate.isPending) return;
    if (!built.ok) {
      if (built.problem === "prompt") {
        setPromptMissing(true);
        promptRef.current?.focus();
      } else {
        toast.show({ tone: "error", title: t("generate.invalid_params") });
      }
      return;
    }
    generate.mutate(built.body);
  };

  const error = generate.error ? toApiError(generate.error) : null;
  const paramsInvalid = !built.ok && built.problem !== "prompt";

  return (
    <form ref={formRef} className="card compose" onSubmit={submit} noValidate aria-label={t("generate.form_label")}>
      <PromptField
        id={id}
        label={t("field.prompt")}
        scope="generate"
        value={draft.prompt}
        onChange={(v) => {
          update("prompt", v);
          if (v.trim()) setPromptMissing(false);
        }}
        placeholder={t("generate.prompt_placeholder")}
        rows={5}
        textareaRef={promptRef}
        onSubmitShortcut={() => formRef.current?.requestSubmit()}
        invalid={promptMissing}
        hint={promptMissing ? t("generate.prompt_required") : t("generate.shortcut_hint", { key: apple ? "⌘" : "Ctrl" })}
      />

      <ParamsFields draft={draft} update={update} />

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
          disabled={generate.isPending || paramsInvalid}
          aria-keyshortcuts={apple ? "Meta+Enter" : "Control+Enter"}
        >
          {generate.isPending ? t("generate.submitting") : draft.n > 1 ? tp("generate.submit_many", draft.n) : t("generate.submit")}
        </Button>
      </div>
    </form>
  );
}
