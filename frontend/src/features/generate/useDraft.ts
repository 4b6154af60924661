import { useCallback, useEffect, useState } from "react";
import { readJson, writeJson } from "../../lib/storage";
import { restoreDraft, type GenerateDraft } from "./draft";

const DRAFT_KEY = "gpt2.generateDraft";
const isObject = (v: unknown): v is object => typeof v === "object" && v !== null;

/** The Generate form state, kept in localStorage so a reload loses nothing. */
export function useDraft(key: string = DRAFT_KEY) {
  const [draft, setDraft] = useState<GenerateDraft>(() => restoreDraft(readJson(key, isObject)));

  useEffect(() => {
    const id = window.setTimeout(() => writeJson(key, draft), 250);
    return () => window.clearTimeout(id);
  }, [draft, key]);

  const update = useCallback(<K extends keyof GenerateDraft>(key: K, value: GenerateDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
  }, []);

  const replace = useCallback((patch: Partial<GenerateDraft>) => setDraft((d) => ({ ...d, ...patch })), []);

  return { draft, update, replace };
}
