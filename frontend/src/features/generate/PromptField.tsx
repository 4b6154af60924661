import type { KeyboardEvent, ReactNode, RefObject } from "react";
import { isApplePlatform } from "../../lib/platform";
import { TemplatePicker } from "../templates/TemplatePicker";
import type { TemplateScope } from "../templates/store";
import { PROMPT_MAX } from "./draft";

export interface PromptFieldProps {
  /** Base id: the textarea gets `${id}-prompt`, the hint `${id}-prompt-hint`. */
  id: string;
  label: string;
  scope: TemplateScope;
  value: string;
  onChange: (value: string) => void;
  placeholder: string;
  rows: number;
  textareaRef: RefObject<HTMLTextAreaElement | null>;
  /** Ctrl/⌘+Enter in the textarea. */
  onSubmitShortcut: () => void;
  invalid?: boolean;
  /** Text under the field; shown as an error when `invalid`, else read to screen readers only. */
  hint?: ReactNode;
}

/** The prompt textarea with its template picker and character counter (Generate and Edit). */
export function PromptField(props: PromptFieldProps) {
  const { id, label, scope, value, onChange, placeholder, rows, textareaRef, onSubmitShortcut, invalid, hint } = props;
  const apple = isApplePlatform();
  const hintId = `${id}-prompt-hint`;
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onSubmitShortcut();
    }
  };
  return (
    <div className="field">
      <div className="field-head">
        <label htmlFor={`${id}-prompt`} className="field-label">
          {label}
        </label>
        <div className="field-head__tools">
          <TemplatePicker scope={scope} value={value} onChange={(v) => onChange(v.slice(0, PROMPT_MAX))} textareaRef={textareaRef} />
          <span className="counter" aria-hidden="true">
            {value.length} / {PROMPT_MAX}
          </span>
        </div>
      </div>
      <textarea
        ref={textareaRef}
        id={`${id}-prompt`}
        className="input textarea"
        rows={rows}
        maxLength={PROMPT_MAX}
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
        aria-invalid={invalid || undefined}
        aria-describedby={hint ? hintId : undefined}
        aria-keyshortcuts={apple ? "Meta+Enter" : "Control+Enter"}
      />
      {hint ? (
        <p id={hintId} className={invalid ? "field-error" : "visually-hidden"}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
