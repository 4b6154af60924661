import { useCallback, useEffect, useState } from "react";
import { readJson, writeJson } from "../../lib/storage";
import { restoreDraft, type GenerateDraft } from "./draft";

const DRAFT_KEY = "gpt2.generateDraft";
const isObject = (v: unknown): v is object => typeof v === "object" && v !== null;

/** The Generate form state, kept in localStorage so a reload loses nothing. */
export function useDraft() {
  const [draft, setDraft] = useState<GenerateDraft>(() => restoreDraft(readJson(DRAFT_KEY, isObject)));

  useEffect(() => {
    const id = window.setTimeout(() => writeJson(DRAFT_KEY, draft), 250);
    return () => window.clearTimeout(id);
  }, [draft]);

  const update = useCallback(<K extends keyof GenerateDraft>(key: K, value: GenerateDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
  }, []);

  return { draft, update };
}
