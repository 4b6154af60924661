import { useId, useRef, useState } from "react";
import { Button } from "../../components/Button";
import { useConfirm } from "../../components/Confirm";
import { Dialog } from "../../components/Dialog";
import { useToast } from "../../components/Toast";
import { useI18n } from "../../i18n/useI18n";
import { downloadBlob } from "../../lib/bytes";
import { newId, parseTemplates, saveTemplates, useTemplates, type PromptTemplate, type TemplateScope } from "../templates/store";

const SCOPES: readonly TemplateScope[] = ["common", "generate", "edit", "region"];

export function TemplatesSection() {
  const { t, lang } = useI18n();
  const toast = useToast();
  const confirm = useConfirm();
  const state = useTemplates(lang);
  const id = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [editing, setEditing] = useState<PromptTemplate | null>(null);

  const save = (tpl: PromptTemplate) => {
    const exists = state.templates.some((x) => x.id === tpl.id);
    saveTemplates({
      ...state,
      templates: exists ? state.templates.map((x) => (x.id === tpl.id ? tpl : x)) : [...state.templates, tpl],
    });
    setEditing(null);
    toast.show({ tone: "success", title: t("templates.saved") });
  };

  const importFile = async (file: File) => {
    try {
      const parsed = parseTemplates(JSON.parse(await file.text()));
      if (!parsed) throw new Error("bad file");
      const ok = await confirm({
        title: t("templates.import_title"),
        description: t("templates.import_text", { count: parsed.templates.length }),
        confirmLabel: t("templates.import"),
        cancelLabel: t("action.cancel"),
      });
      if (!ok) return;
      saveTemplates(parsed);
      toast.show({ tone: "success", title: t("templates.imported", { count: parsed.templates.length }) });
    } catch {
      toast.show({ tone: "error", title: t("templates.import_failed") });
    }
  };

  const groupId = state.groups[0]?.id ?? "default";

  return (
    <section className="settings-section card" id="settings-templates" aria-labelledby="settings-templates-title">
      <div className="settings-section__head">
        <div>
          <h2 id="settings-templates-title" className="settings-section__title">
            {t("settings.templates")}
          </h2>
          <p className="settings-section__desc">{t("settings.templates_desc")}</p>
        </div>
        <div className="settings-section__tools">
          <Button size="sm" variant="ghost" icon="upload" onClick={() => fileRef.current?.click()}>
            {t("templates.import")}
          </Button>
          <Button size="sm" variant="ghost" icon="download" onClick={() => downloadBlob(new Blob([JSON.stringify(state, null, 2)], { type: "application/json" }), "gpt-image-2-templates.json")}>
            {t("templates.export")}
          </Button>
          <Button
            size="sm"
            icon="plus"
            onClick={() =>
              setEditing({ id: newId("tpl"), groupId, title: "", prompt: "", scope: "common", createdAt: Date.now(), updatedAt: Date.now() })
            }
          >
            {t("templates.add")}
          </Button>
        </div>
      </div>
      <input ref={fileRef} type="file" accept="application/json,.json" hidden onChange={(e) => {
        const f = e.target.files?.[0];
        if (f) void importFile(f);
        e.target.value = "";
      }} />
      <ul className="template-admin">
        {state.templates.map((tpl) => (
          <li key={tpl.id} className="template-admin__item">
            <div className="template-admin__text">
              <span className="template-item__title">{tpl.title}</span>
              <span className="template-item__prompt">{tpl.prompt}</span>
            </div>
            <span className="template-item__scope">{t(`templates.scope.${tpl.scope}`)}</span>
            <Button size="sm" variant="ghost" icon="edit" onClick={() => setEditing(tpl)} aria-label={t("templates.edit_named", { title: tpl.title })} />
            <Button
              size="sm"
              variant="ghost"
              icon="trash"
              className="danger-text"
              aria-label={t("templates.delete_named", { title: tpl.title })}
              onClick={async () => {
                const ok = await confirm({ title: t("templates.delete_named", { title: tpl.title }), confirmLabel: t("action.delete"), cancelLabel: t("action.cancel"), danger: true });
                if (ok) saveTemplates({ ...state, templates: state.templates.filter((x) => x.id !== tpl.id) });
              }}
            />
          </li>
        ))}
      </ul>
      <Dialog
        open={editing !== null}
        onClose={() => setEditing(null)}
        title={t("templates.edit_title")}
        closeLabel={t("action.close")}
        footer={
          <>
            <Button onClick={() => setEditing(null)}>{t("action.cancel")}</Button>
            <Button
              variant="primary"
              disabled={!editing?.title.trim() || !editing?.prompt.trim()}
              onClick={() => editing && save({ ...editing, title: editing.title.trim(), updatedAt: Date.now() })}
            >
              {t("action.save")}
            </Button>
          </>
        }
      >
        {editing ? (
          <div className="form-grid">
            <div className="field">
              <label htmlFor={`${id}-title`} className="field-label">
                {t("templates.field_title")}
              </label>
              <input id={`${id}-title`} className="input" value={editing.title} onChange={(e) => setEditing({ ...editing, title: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-prompt`} className="field-label">
                {t("field.prompt")}
              </label>
              <textarea id={`${id}-prompt`} className="input textarea" rows={4} value={editing.prompt} onChange={(e) => setEditing({ ...editing, prompt: e.target.value })} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-scope`} className="field-label">
                {t("templates.field_scope")}
              </label>
              <div className="select">
                <select id={`${id}-scope`} value={editing.scope} onChange={(e) => setEditing({ ...editing, scope: e.target.value as TemplateScope })}>
                  {SCOPES.map((s) => (
                    <option key={s} value={s}>
                      {t(`templates.scope.${s}`)}
                    </option>
                  ))}
                </select>
              </div>
            </div>
          </div>
        ) : null}
      </Dialog>
    </section>
  );
}
