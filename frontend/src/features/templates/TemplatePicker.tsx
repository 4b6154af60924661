import { useId, useMemo, useState, type RefObject } from "react";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { Icon } from "../../components/Icon";
import { useI18n } from "../../i18n/useI18n";
import { insertAt, saveTemplates, templatesFor, useTemplates, type TemplateScope } from "./store";

export interface TemplatePickerProps {
  scope: TemplateScope;
  value: string;
  onChange: (value: string) => void;
  textareaRef: RefObject<HTMLTextAreaElement | null>;
}

/** "Templates" button: search, pick, insert at the prompt's caret (spec/ui.md §6.6). */
export function TemplatePicker({ scope, value, onChange, textareaRef }: TemplatePickerProps) {
  const { t, lang } = useI18n();
  const state = useTemplates(lang);
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState("");
  const searchId = useId();
  const list = useMemo(() => templatesFor(state, scope, query), [state, scope, query]);
  const groups = state.groups.filter((g) => list.some((tpl) => tpl.groupId === g.id));

  const pick = (id: string) => {
    const tpl = state.templates.find((x) => x.id === id);
    if (!tpl) return;
    const el = textareaRef.current;
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    const next = insertAt(value, tpl.prompt, start, end);
    onChange(next.value);
    saveTemplates({
      ...state,
      templates: state.templates.map((x) => (x.id === id ? { ...x, usedAt: Date.now() } : x)),
    });
    setOpen(false);
    setQuery("");
    window.requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(next.caret, next.caret);
    });
  };

  return (
    <>
      <Button size="sm" variant="ghost" icon="template" onClick={() => setOpen(true)} aria-haspopup="dialog">
        {t("templates.button")}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={t("templates.title")} closeLabel={t("action.close")} className="template-dialog">
        <label htmlFor={searchId} className="visually-hidden">
          {t("templates.search")}
        </label>
        <div className="search search--block">
          <Icon name="search" size={16} className="search__icon" />
          <input
            id={searchId}
            className="input search__input"
            type="search"
            placeholder={t("templates.search")}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            autoFocus
          />
        </div>
        {list.length === 0 ? (
          <p className="empty-line">{t("templates.empty")}</p>
        ) : (
          groups.map((group) => (
            <section key={group.id} className="template-group" aria-label={group.name}>
              <h3 className="template-group__title">{group.name}</h3>
              <ul className="template-list">
                {list
                  .filter((tpl) => tpl.groupId === group.id)
                  .map((tpl) => (
                    <li key={tpl.id}>
                      <button type="button" className="template-item" onClick={() => pick(tpl.id)}>
                        <span className="template-item__mark" aria-hidden="true">
                          <Icon name="template" size={16} />
                        </span>
                        <span className="template-item__text">
                          <span className="template-item__title">{tpl.title}</span>
                          <span className="template-item__prompt">{tpl.prompt || t("templates.empty_prompt")}</span>
                        </span>
                        <span className="template-item__scope">{t(`templates.scope.${tpl.scope}`)}</span>
                      </button>
                    </li>
                  ))}
              </ul>
            </section>
          ))
        )}
      </Dialog>
    </>
  );
}
