/**
 * Framework-free message lookup: `{name}` placeholders and plural keys
 * (`base.one` / `base.other`, chosen with Intl.PluralRules).
 */
import { en } from "./messages/en";

export type MessageKey = keyof typeof en;
export type Catalogue = Readonly<Record<MessageKey, string>>;
export type Vars = Readonly<Record<string, string | number>>;

/** Keys that come in `.one` / `.other` pairs. */
export type PluralKey = MessageKey extends infer K
  ? K extends `${infer Base}.other`
    ? Base
    : never
  : never;

const PLACEHOLDER = /\{(\w+)\}/g;

export function interpolate(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(PLACEHOLDER, (match, name: string) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : match,
  );
}

/** Names of the `{placeholders}` used in a message (for catalogue checks). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? "").sort();
}

export function translate(catalogue: Catalogue, key: MessageKey, vars?: Vars): string {
  return interpolate(catalogue[key] ?? en[key] ?? key, vars);
}

export function translatePlural(
  catalogue: Catalogue,
  locale: string,
  base: PluralKey,
  count: number,
  vars?: Vars,
): string {
  const category = new Intl.PluralRules(locale).select(count);
  const key = (category === "one" ? `${base}.one` : `${base}.other`) as MessageKey;
  return translate(catalogue, key, { count, ...vars });
}
