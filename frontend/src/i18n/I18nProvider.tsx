import { createContext, useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import { detectLanguage, isLanguage, LANGUAGE_STORAGE_KEY, LANGUAGES, type Language } from "./languages";
import { translate, translatePlural, type MessageKey, type PluralKey, type Vars } from "./translate";

export interface I18n {
  lang: Language;
  locale: string;
  setLang: (lang: Language) => void;
  t: (key: MessageKey, vars?: Vars) => string;
  tp: (base: PluralKey, count: number, vars?: Vars) => string;
}

export const I18nContext = createContext<I18n | null>(null);

function readStoredLanguage(): Language | null {
  try {
    const stored = window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(stored) ? stored : null;
  } catch {
    return null;
  }
}

function initialLanguage(): Language {
  if (typeof window === "undefined") return "en";
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  return readStoredLanguage() ?? detectLanguage(preferred.filter(Boolean));
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Language>(initialLanguage);
  const info = LANGUAGES[lang];

  const setLang = useCallback((next: Language) => {
    setLangState(next);
    try {
      window.localStorage.setItem(LANGUAGE_STORAGE_KEY, next);
    } catch {
      // Storage may be unavailable (private mode); the choice lasts for this page.
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = info.locale;
  }, [info]);

  const value = useMemo<I18n>(
    () => ({
      lang,
      locale: info.locale,
      setLang,
      t: (key, vars) => translate(info.catalogue, key, vars),
      tp: (base, count, vars) => translatePlural(info.catalogue, info.locale, base, count, vars),
    }),
    [lang, info, setLang],
  );

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}
