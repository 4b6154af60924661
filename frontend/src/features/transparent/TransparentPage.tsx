import { useId, useRef, useState, type FormEvent } from "react";
import { hasRoute, useCapabilities } from "../../api/capabilities";
import { ApiError, toApiError } from "../../api/errors";
import { api, unwrap } from "../../api/client";
import type { EnqueueResponse, RequestJson } from "../../api/types";
import type { paths } from "../../api/schema";
import { outputUrl } from "../../api/urls";
import { Button } from "../../components/Button";
import { Icon } from "../../components/Icon";
import { SegmentedControl } from "../../components/SegmentedControl";
import { useI18n } from "../../i18n/useI18n";
import { blobToBase64 } from "../../lib/bytes";
import { isJobLike, isTerminalStatus } from "../../lib/jobs";
import { useProviders } from "../config/api";
import { ErrorPanel } from "../jobs/ErrorPanel";
import { JobProgressBody } from "../jobs/JobProgressBody";
import { useJobProgress } from "../jobs/useJobProgress";
import { draftSize } from "../generate/draft";
import { SizeField } from "../generate/SizeField";
import { findResultImage, findVerification, MATERIAL_PRESETS, MATERIALS, normalizeHex, PROFILES, type Material, type Profile } from "./model";
import { TransparentPreview, VerifyReport } from "./VerifyReport";
import "./transparent.css";

type Mode = "generate" | "extract" | "verify";
const ROUTE = {
  generate: "/api/transparent/generate",
  extract: "/api/transparent/extract",
  verify: "/api/transparent/verify",
} as const satisfies Record<Mode, keyof paths>;

type GenerateBody = RequestJson<paths["/api/transparent/generate"]["post"]>;
type ExtractBody = RequestJson<paths["/api/transparent/extract"]["post"]>;
type VerifyBody = RequestJson<paths["/api/transparent/verify"]["post"]>;

/** One call per mode, through the typed client. */
function send(mode: Mode, body: GenerateBody | ExtractBody | VerifyBody): Promise<unknown> {
  if (mode === "generate") return unwrap(api.POST(ROUTE.generate, { body: body as GenerateBody }));
  if (mode === "extract") return unwrap(api.POST(ROUTE.extract, { body: body as ExtractBody }));
  return unwrap(api.POST(ROUTE.verify, { body: body as VerifyBody }));
}

function Outcome({ result, error }: { result: unknown; error: ApiError | null }) {
  const { t } = useI18n();
  const enqueue = result && typeof result === "object" && "job" in result && isJobLike((result as EnqueueResponse).job) ? (result as EnqueueResponse) : null;
  if (enqueue) return <JobOutcome response={enqueue} />;
  const verification = findVerification(result) ?? (error ? findVerification({ detail: error.detail }) : null);
  const image = findResultImage(result, outputUrl) ?? (error ? findResultImage(error.detail, outputUrl) : null);
  return (
    <div className="tp-outcome">
      {error && !verification ? <ErrorPanel title={t("tp.failed_title")} error={error} live /> : null}
      {image ? <TransparentPreview src={image} /> : null}
      {verification ? <VerifyReport v={verification} /> : null}
    </div>
  );
}

function JobOutcome({ response }: { response: EnqueueResponse }) {
  const state = useJobProgress(response.job.id, { job: response.job, events: response.events });
  const job = state.job ?? response.job;
  if (!state.terminal && !isTerminalStatus(job.status)) return <JobProgressBody state={state} job={job} live />;
  const verification = findVerification(job) ?? findVerification({ detail: job.error?.detail });
  return (
    <div className="tp-outcome">
      {job.outputs.length > 0 ? <TransparentPreview src={outputUrl(job.id, job.outputs[0]!.index)} /> : <JobProgressBody state={state} job={job} live />}
      {verification ? <VerifyReport v={verification} /> : null}
    </div>
  );
}

function FilePick({ label, file, onFile, testId }: { label: string; file: File | null; onFile: (f: File | null) => void; testId: string }) {
  const { t } = useI18n();
  const ref = useRef<HTMLInputElement>(null);
  return (
    <div className="field">
      <span className="field-label">{label}</span>
      <div
        className="file-pick"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          const f = e.dataTransfer.files[0];
          if (f) onFile(f);
        }}
      >
        <Button size="sm" icon="upload" onClick={() => ref.current?.click()} aria-label={`${label}: ${t("tp.choose")}`}>
          {t("tp.choose")}
        </Button>
        <span className="file-pick__name">{file ? file.name : t("tp.no_file")}</span>
        <input ref={ref} type="file" accept="image/png,image/jpeg,image/webp" hidden data-testid={testId} onChange={(e) => onFile(e.target.files?.[0] ?? null)} />
      </div>
    </div>
  );
}

export function TransparentPage() {
  const { t } = useI18n();
  const id = useId();
  const caps = useCapabilities();
  const providers = useProviders();
  const modes = (["generate", "extract", "verify"] as const).filter((m) => hasRoute(caps, "post", ROUTE[m]));
  const [mode, setMode] = useState<Mode>(modes[0] ?? "verify");
  const current = modes.includes(mode) ? mode : (modes[0] ?? "verify");
  const [prompt, setPrompt] = useState("");
  const [provider, setProvider] = useState("");
  const [size, setSize] = useState({ size: "1024x1024", customWidth: "1024", customHeight: "1024" });
  const [profile, setProfile] = useState<Profile>("icon");
  const [material, setMaterial] = useState<Material>("");
  const [matte, setMatte] = useState("#00ff00");
  const [autoMatte, setAutoMatte] = useState(true);
  const [method, setMethod] = useState<"chroma" | "dual">("chroma");
  const [input, setInput] = useState<File | null>(null);
  const [dark, setDark] = useState<File | null>(null);
  const [light, setLight] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ result: unknown; error: ApiError | null; key: number } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const preset = MATERIAL_PRESETS[material];
  const upload = async (f: File) => ({ name: f.name, data_base64: await blobToBase64(f) });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    let body: GenerateBody | ExtractBody | VerifyBody;
    const matteHex = normalizeHex(matte);
    const mat = material || null;
    if (current === "generate") {
      if (!prompt.trim()) return setProblem(t("generate.prompt_required"));
      const s = draftSize(size);
      if (!s.ok) return setProblem(t("generate.invalid_params"));
      if (!matteHex) return setProblem(t("tp.bad_color"));
      // strict: false — a failed gate still completes the job, so the PNG and its report show.
      body = {
        prompt: prompt.trim(),
        profile,
        size: s.value,
        method: "chroma",
        matte_color: matteHex,
        material: mat,
        keep_source: false,
        strict: false,
        ...(provider ? { provider } : {}),
      };
    } else if (current === "extract") {
      if (method === "chroma" && !input) return setProblem(t("tp.need_input"));
      if (method === "dual" && (!dark || !light)) return setProblem(t("tp.need_pair"));
      if (!autoMatte && !matteHex) return setProblem(t("tp.bad_color"));
      body =
        method === "chroma"
          ? { method, profile, material: mat, strict: false, input: await upload(input!), ...(autoMatte ? {} : { matte_color: matteHex }) }
          : { method, profile, material: mat, strict: false, dark_image: await upload(dark!), light_image: await upload(light!) };
    } else {
      if (!input) return setProblem(t("tp.need_input"));
      body = { input: await upload(input), profile, strict: false, ...(autoMatte || !matteHex ? {} : { expected_matte_color: matteHex }) };
    }
    setBusy(true);
    try {
      const result = await send(current, body);
      setOutcome({ result, error: null, key: Date.now() });
    } catch (err) {
      setOutcome({ result: null, error: toApiError(err), key: Date.now() });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="tp-page">
      <header className="page-header">
        <h1 className="page-title">{t("tp.title")}</h1>
        <p className="page-subtitle">{t("tp.subtitle")}</p>
      </header>
      <div className="tp-layout">
        <form className="card compose" onSubmit={(e) => void submit(e)} noValidate aria-label={t("tp.form_label")}>
          <SegmentedControl
            legend={t("tp.mode")}
            hideLegend
            options={modes.map((m) => ({ value: m, label: t(`tp.mode.${m}`) }))}
            value={current}
            onChange={(m) => {
              setMode(m);
              setOutcome(null);
              setProblem(null);
            }}
          />
          <p className="form-note">{t(`tp.mode_hint.${current}`)}</p>

          {current === "generate" ? (
            <>
              <div className="field">
                <label htmlFor={`${id}-prompt`} className="field-label">
                  {t("field.prompt")}
                </label>
                <textarea id={`${id}-prompt`} className="input textarea" rows={4} value={prompt} onChange={(e) => setPrompt(e.target.value)} placeholder={t("tp.prompt_placeholder")} />
              </div>
              <div className="params__row">
                <div className="field">
                  <label htmlFor={`${id}-provider`} className="field-label">
                    {t("field.provider")}
                  </label>
                  <div className="select">
                    <select id={`${id}-provider`} value={provider} onChange={(e) => setProvider(e.target.value)}>
                      <option value="">{providers.effectiveDefault ? t("provider.default_named", { name: providers.effectiveDefault }) : t("provider.default")}</option>
                      {providers.providers.map((p) => (
                        <option key={p.name} value={p.name}>
                          {p.name}
                        </option>
                      ))}
                    </select>
                  </div>
                </div>
                <SizeField draft={size} onChange={(k, v) => setSize((s) => ({ ...s, [k]: v }))} />
              </div>
            </>
          ) : current === "extract" ? (
            <>
              <SegmentedControl
                legend={t("tp.method")}
                options={[
                  { value: "chroma", label: t("tp.method.chroma") },
                  { value: "dual", label: t("tp.method.dual") },
                ]}
                value={method}
                onChange={setMethod}
              />
              {method === "chroma" ? (
                <FilePick label={t("tp.source")} file={input} onFile={setInput} testId="tp-input" />
              ) : (
                <div className="params__row">
                  <FilePick label={t("tp.dark")} file={dark} onFile={setDark} testId="tp-dark" />
                  <FilePick label={t("tp.light")} file={light} onFile={setLight} testId="tp-light" />
                </div>
              )}
            </>
          ) : (
            <FilePick label={t("tp.png_to_check")} file={input} onFile={setInput} testId="tp-input" />
          )}

          <div className="params__row">
            <div className="field">
              <label htmlFor={`${id}-profile`} className="field-label">
                {t("tp.profile")}
              </label>
              <div className="select">
                <select id={`${id}-profile`} value={profile} onChange={(e) => setProfile(e.target.value as Profile)}>
                  {PROFILES.map((p) => (
                    <option key={p} value={p}>
                      {t(`tp.profile.${p}`)}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            {current !== "verify" ? (
              <div className="field">
                <label htmlFor={`${id}-material`} className="field-label">
                  {t("tp.material")}
                </label>
                <div className="select">
                  <select id={`${id}-material`} value={material} onChange={(e) => setMaterial(e.target.value as Material)}>
                    {MATERIALS.map((m) => (
                      <option key={m} value={m}>
                        {t(`tp.material.${m || "default"}`)}
                      </option>
                    ))}
                  </select>
                </div>
                <p className="field-hint">{t("tp.preset", { threshold: preset.threshold, softness: preset.softness, spill: preset.spill_suppression })}</p>
              </div>
            ) : null}
          </div>

          {current === "generate" || method === "chroma" || current === "verify" ? (
            <div className="field">
              <span className="field-label" id={`${id}-matte-label`}>
                {t(current === "verify" ? "tp.expected_matte" : "tp.matte")}
              </span>
              <div className="matte-row" role="group" aria-labelledby={`${id}-matte-label`}>
                {current !== "generate" ? (
                  <label className="check">
                    <input type="checkbox" checked={autoMatte} onChange={(e) => setAutoMatte(e.target.checked)} />
                    {t(current === "verify" ? "tp.matte_none" : "tp.matte_auto")}
                  </label>
                ) : null}
                {current === "generate" || !autoMatte ? (
                  <>
                    <input type="color" className="color-input" value={normalizeHex(matte) ?? "#00ff00"} onChange={(e) => setMatte(e.target.value)} aria-label={t("tp.matte_pick")} />
                    <input className="input mono matte-row__hex" value={matte} onChange={(e) => setMatte(e.target.value)} aria-label={t("tp.matte_hex")} />
                  </>
                ) : null}
              </div>
            </div>
          ) : null}

          {problem ? (
            <p className="field-error" role="alert">
              {problem}
            </p>
          ) : null}
          <div className="compose__footer">
            <span />
            <Button type="submit" variant="primary" size="lg" icon={current === "verify" ? "shield" : "layers"} busy={busy} disabled={busy || modes.length === 0}>
              {t(`tp.submit.${current}`)}
            </Button>
          </div>
        </form>
        <section className="tp-result card" aria-labelledby="tp-result-title" aria-live="polite">
          <h2 id="tp-result-title" className="visually-hidden">
            {t("tp.result")}
          </h2>
          {outcome ? (
            <Outcome key={outcome.key} result={outcome.result} error={outcome.error} />
          ) : (
            <div className="canvas-empty tp-empty">
              <span className="canvas-empty__icon">
                <Icon name="layers" size={26} />
              </span>
              <p className="canvas-empty__title">{t("tp.empty_title")}</p>
              <p className="canvas-empty__text">{t("tp.empty_text")}</p>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}

