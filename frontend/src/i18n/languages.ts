import { en } from "./messages/en";
import { zh } from "./messages/zh";
import type { Catalogue } from "./translate";

export type Language = "en" | "zh";

export interface LanguageInfo {
  id: Language;
  /** BCP 47 tag for <html lang> and Intl formatters. */
  locale: string;
  /** Name of the language in itself, shown in the switcher. */
  nativeName: string;
  catalogue: Catalogue;
}

export const LANGUAGES: Readonly<Record<Language, LanguageInfo>> = {
  en: { id: "en", locale: "en", nativeName: "English", catalogue: en },
  zh: { id: "zh", locale: "zh-CN", nativeName: "中文", catalogue: zh },
};

export const LANGUAGE_STORAGE_KEY = "gpt2.lang";

export function isLanguage(value: unknown): value is Language {
  return value === "en" || value === "zh";
}

/** First supported language in the browser's preference list; English otherwise. */
export function detectLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split("-")[0];
    if (isLanguage(base)) return base;
  }
  return "en";
}
