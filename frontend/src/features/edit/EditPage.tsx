import { useCallback, useEffect, useId, useRef, useState, type DragEvent, type FormEvent } from "react";
import { toApiError } from "../../api/errors";
import type { EnqueueResponse, Job, JobEvent } from "../../api/types";
import { Button } from "../../components/Button";
import { Icon } from "../../components/Icon";
import { SegmentedControl } from "../../components/SegmentedControl";
import { useToast } from "../../components/Toast";
import { cx } from "../../components/cx";
import { useI18n } from "../../i18n/useI18n";
import { blobToBase64, bytesToBase64 } from "../../lib/bytes";
import { useInbox } from "../../lib/inbox";
import { encodePng, exportMaskPng, hasSelection, paintSelectionHint, type Pixels } from "../../lib/mask";
import { isApplePlatform } from "../../lib/platform";
import { readJson, writeJson } from "../../lib/storage";
import { useProviders } from "../config/api";
import { regionModeOf } from "../config/providers";
import { commonParams, PROMPT_MAX } from "../generate/draft";
import { ParamsFields } from "../generate/ParamsFields";
import { PromptField } from "../generate/PromptField";
import { useDraft } from "../generate/useDraft";
import { ErrorPanel } from "../jobs/ErrorPanel";
import { JobLiveCard } from "../jobs/JobLiveCard";
import { useEdit, type EditRequest } from "./api";
import { editInbox, type EditHandoff } from "./inbox";
import { MaskEditor, type MaskEditorHandle } from "./MaskEditor";
import { ReferenceStrip } from "./ReferenceStrip";
import { addRefs, isImageFile, MAX_REFERENCES, moveRef, type RefItem } from "./references";
import { BLOCKER_MESSAGE, editBlocker, referenceLimit } from "./submit";
import "./edit.css";

type Mode = "references" | "region";
type Fidelity = "auto" | "high" | "low";
const MODE_KEY = "gpt2.edit.mode";
const isMode = (v: unknown): v is Mode => v === "references" || v === "region";

let refCounter = 0;
const toRef = (blob: Blob, name: string): RefItem => {
  refCounter += 1;
  return { id: `ref-${refCounter}`, name, blob, url: URL.createObjectURL(blob) };
};

export function EditPage() {
  const { t, tp } = useI18n();
  const toast = useToast();
  const id = useId();
  const apple = isApplePlatform();
  const { draft, update } = useDraft("gpt2.editDraft");
  const [mode, setMode] = useState<Mode>(() => readJson(MODE_KEY, isMode) ?? "references");
  const [fidelity, setFidelity] = useState<Fidelity>("auto");
  const [refs, setRefs] = useState<RefItem[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [coverage, setCoverage] = useState({ selected: 0, total: 1 });
  const [session, setSession] = useState<{ job: Job; events: JobEvent[] }[]>([]);
  const [preparing, setPreparing] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const promptRef = useRef<HTMLTextAreaElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const editor = useRef<MaskEditorHandle>(null);
  /** Each reference's painted mask, kept while the page is open (across mode switches). */
  const masks = useRef(new Map<string, ImageData>());
  const providers = useProviders();
  const providerName = draft.provider || providers.effectiveDefault || "";
  const provider = providers.providers.find((p) => p.name === providerName);
  const regionMode = regionModeOf(provider);
  // the server refuses input fidelity for Codex (providers/options.py check_options)
  const fidelityAllowed = provider?.type !== "codex";

  useEffect(() => writeJson(MODE_KEY, mode), [mode]);
  const refsRef = useRef(refs);
  refsRef.current = refs;
  useEffect(() => () => refsRef.current.forEach((r) => URL.revokeObjectURL(r.url)), []);

  const addFiles = useCallback(
    (files: readonly { name: string; blob: Blob }[]) => {
      const images = files.filter((f) => isImageFile({ type: f.blob.type, name: f.name }));
      if (images.length < files.length) toast.show({ tone: "info", title: t("edit.skipped_non_images") });
      if (images.length === 0) return;
      // Side effects (object URLs, toasts) stay outside the state updater.
      const incoming = images.map((f) => toRef(f.blob, f.name));
      const result = addRefs(refsRef.current, incoming);
      const accepted = result.list.slice(refsRef.current.length);
      incoming.slice(accepted.length).forEach((r) => URL.revokeObjectURL(r.url));
      if (result.dropped > 0) toast.show({ tone: "info", title: t("edit.limit_reached", { max: MAX_REFERENCES }) });
      refsRef.current = result.list;
      setRefs((list) => [...list, ...accepted].slice(0, MAX_REFERENCES));
    },
    [t, toast],
  );

  useInbox(editInbox, (handoff: EditHandoff) => {
    addFiles(handoff.files);
    if (handoff.prompt) update("prompt", handoff.prompt.slice(0, PROMPT_MAX));
  });

  const removeRef = (refId: string) =>
    setRefs((list) => {
      const gone = list.find((r) => r.id === refId);
      if (gone) URL.revokeObjectURL(gone.url);
      masks.current.delete(refId);
      return list.filter((r) => r.id !== refId);
    });

  const onDrop = (e: DragEvent) => {
    if (e.dataTransfer.types.includes("application/x-gpt2-ref")) return;
    e.preventDefault();
    setDragging(false);
    addFiles([...e.dataTransfer.files].map((f) => ({ name: f.name, blob: f })));
  };

  const onQueued = (response: EnqueueResponse) => {
    setSession((s) => [{ job: response.job, events: response.events }, ...s].slice(0, 6));
    toast.show({
      id: "edit-submit",
      tone: "success",
      title: draft.n > 1 ? tp("edit.started_many", draft.n) : t("edit.started"),
    });
  };
  const edit = useEdit(onQueued);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (edit.isPending || preparing) return;
    const prompt = draft.prompt.trim();
    if (refs.length === 0) {
      toast.show({ tone: "error", title: t("edit.need_reference") });
      return;
    }
    if (!prompt) {
      toast.show({ tone: "error", title: t("generate.prompt_required") });
      promptRef.current?.focus();
      return;
    }
    const common = commonParams(draft);
    if (!common.ok) {
      toast.show({ tone: "error", title: t("generate.invalid_params") });
      return;
    }
    setPreparing(true);
    try {
      const body: EditRequest = {
        prompt,
        ...common.params,
        refs: await Promise.all(refs.map(async (r) => ({ name: r.name, data_base64: await blobToBase64(r.blob) }))),
      };
      if (fidelityAllowed && fidelity !== "auto") body.input_fidelity = fidelity;
      if (mode === "region") {
        if (regionMode === "none") {
          toast.show({ tone: "error", title: t("edit.region_unsupported") });
          return;
        }
        if (refs.length > referenceLimit({ mode, regionMode })) {
          toast.show({ tone: "error", title: t("edit.blocked.too_many", { max: referenceLimit({ mode, regionMode }) }) });
          return;
        }
        const selection = editor.current?.selection();
        if (!selection || !hasSelection(selection)) {
          toast.show({ tone: "error", title: t("edit.no_selection") });
          return;
        }
        if (regionMode === "native-mask") {
          body.mask = { name: "mask.png", data_base64: bytesToBase64(await exportMaskPng(selection)) };
        } else if (refs[0]) {
          const targetRef = refs[0];
          // soft selection (spec/ui.md §5.4): the target with the strokes on it goes
          // along as one more reference image
          const target = await blobPixels(targetRef.blob, selection.width, selection.height);
          const hint = await encodePng(paintSelectionHint(target, selection));
          body.selection_hint = { name: "selection-hint.png", data_base64: bytesToBase64(hint) };
        }
      }
      edit.mutate(body);
    } finally {
      setPreparing(false);
    }
  };

  const first = refs[0];
  const shown = refs.find((r) => r.id === selected) ?? first;
  const error = edit.error ? toApiError(edit.error) : null;
  const busy = edit.isPending || preparing;
  const blocker = editBlocker({ draft, refCount: refs.length, mode, regionMode });

  return (
    <div className="edit-page">
      <header className="page-header">
        <h1 className="page-title">{t("edit.title")}</h1>
        <p className="page-subtitle">{t("edit.subtitle")}</p>
      </header>
      <div className="edit-layout">
        <section className="card edit-canvas" aria-label={t("edit.canvas_label")}>
          <div className="edit-canvas__top">
            <SegmentedControl
              legend={t("edit.mode")}
              hideLegend
              options={[
                { value: "references", label: t("edit.mode.references") },
                { value: "region", label: t("edit.mode.region") },
              ]}
              value={mode}
              onChange={setMode}
            />
            {mode === "region" ? (
              <span className={cx("region-note", regionMode === "none" && "is-bad")}>
                <Icon name={regionMode === "none" ? "alert" : "shield"} size={14} />
                {t(`edit.region_mode.${regionMode}`)}
              </span>
            ) : null}
          </div>
          <ReferenceStrip
            refs={refs}
            selected={shown?.id ?? null}
            onSelect={setSelected}
            onRemove={removeRef}
            onMove={(from, to) => setRefs((list) => moveRef(list, from, to))}
            onAddClick={() => fileInput.current?.click()}
            maskTarget={mode === "region"}
          />
          <input
            ref={fileInput}
            type="file"
            accept="image/*"
            multiple
            hidden
            data-testid="file-input"
            onChange={(e) => {
              addFiles([...(e.target.files ?? [])].map((f) => ({ name: f.name, blob: f })));
              e.target.value = "";
            }}
          />
          <div
            className={cx("drop-zone", dragging && "is-dragging")}
            data-testid="drop-zone"
            onDragOver={(e) => {
              if (e.dataTransfer.types.includes("application/x-gpt2-ref")) return;
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={(e) => {
              if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
            }}
            onDrop={onDrop}
          >
            {!first ? (
              <div className="drop-zone__empty">
                <span className="canvas-empty__icon">
                  <Icon name="upload" size={26} />
                </span>
                <p className="canvas-empty__title">{t(mode === "region" ? "edit.empty_region" : "edit.empty")}</p>
                <p className="canvas-empty__text">{t("edit.empty_hint")}</p>
                <Button icon="plus" onClick={() => fileInput.current?.click()}>
                  {t("edit.choose")}
                </Button>
              </div>
            ) : mode === "region" ? (
              <MaskEditor
                ref={editor}
                src={first.url}
                imageKey={first.id}
                masks={masks.current}
                alt={t("edit.target_alt", { name: first.name })}
                onCoverageChange={(selected, total) => setCoverage({ selected, total })}
              />
            ) : shown ? (
              <div className="ref-preview checkerboard">
                <img src={shown.url} alt={t("edit.ref_label", { n: refs.indexOf(shown) + 1, name: shown.name })} />
              </div>
            ) : null}
            {dragging ? (
              <div className="drop-zone__overlay" aria-hidden="true">
                <Icon name="upload" size={28} />
                <span>{t("edit.drop")}</span>
              </div>
            ) : null}
          </div>
          {mode === "region" && first ? (
            <p className="edit-canvas__hint" data-testid="mask-coverage">
              {coverage.selected > 0
                ? t("mask.coverage", { percent: Math.max(1, Math.round((coverage.selected / Math.max(1, coverage.total)) * 100)) })
                : t("mask.empty")}
            </p>
          ) : null}
        </section>

        <div className="edit-side">
          <form ref={formRef} className="card compose" onSubmit={(e) => void submit(e)} noValidate aria-label={t("edit.form_label")}>
            <PromptField
              id={id}
              label={t(mode === "region" ? "edit.prompt_region" : "field.prompt")}
              scope={mode === "region" ? "region" : "edit"}
              value={draft.prompt}
              onChange={(v) => update("prompt", v)}
              placeholder={t(mode === "region" ? "edit.placeholder_region" : "edit.placeholder")}
              rows={4}
              textareaRef={promptRef}
              onSubmitShortcut={() => formRef.current?.requestSubmit()}
            />
            <ParamsFields draft={draft} update={update} />
            {fidelityAllowed ? (
              <SegmentedControl
                legend={t("field.input_fidelity")}
                options={(["auto", "high", "low"] as const).map((v) => ({ value: v, label: t(`fidelity.${v}`) }))}
                value={fidelity}
                onChange={setFidelity}
              />
            ) : null}
            {error ? <ErrorPanel title={t("edit.submit_failed")} error={error} live /> : null}
            <div className="compose__footer">
              <span className="kbd-hint" aria-hidden="true">
                <kbd>{apple ? "⌘" : "Ctrl"}</kbd>
                <kbd>↵</kbd>
                <span>{t("edit.shortcut_short")}</span>
              </span>
              <Button
                type="submit"
                variant="primary"
                size="lg"
                icon="wand"
                busy={busy}
                disabled={busy || blocker !== null}
                aria-describedby={blocker && !busy ? `${id}-blocked` : undefined}
                aria-keyshortcuts={apple ? "Meta+Enter" : "Control+Enter"}
              >
                {busy ? t("generate.submitting") : t("edit.submit")}
              </Button>
            </div>
            {blocker && !busy ? (
              <p id={`${id}-blocked`} className="field-hint compose__blocked" data-testid="submit-blocked">
                {t(BLOCKER_MESSAGE[blocker], { max: referenceLimit({ mode, regionMode }) })}
              </p>
            ) : null}
          </form>
          {session.length > 0 ? (
            <section className="session__list" aria-label={t("session.title")}>
              {session.map(({ job, events }) => (
                <JobLiveCard key={job.id} job={job} events={events} onDismiss={() => setSession((s) => s.filter((x) => x.job.id !== job.id))} />
              ))}
            </section>
          ) : null}
        </div>
      </div>
    </div>
  );
}

/** ``blob`` decoded and drawn at ``width`` x ``height`` as RGBA pixels. */
async function blobPixels(blob: Blob, width: number, height: number): Promise<Pixels> {
  const bitmap = await createImageBitmap(blob);
  try {
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const g = canvas.getContext("2d");
    if (!g) throw new Error("no 2D canvas");
    g.drawImage(bitmap, 0, 0, width, height);
    const data = g.getImageData(0, 0, width, height);
    return { width, height, data: data.data };
  } finally {
    bitmap.close();
  }
}
