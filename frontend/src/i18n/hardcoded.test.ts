/// <reference types="node" />
/**
 * Every user-facing string goes through the catalogue: no JSX text and no
 * user-visible attribute (title, placeholder, aria-label, alt) may be a
 * hard-coded word. Brand names and protocol tokens are allowed.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;
const ALLOWED = new Set(["URL", "POST", "PUT", "PATCH", "GPT&nbsp;Image&nbsp;2", "GPT Image 2"]);

function tsxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsxFiles(path);
    return name.endsWith(".tsx") ? [path] : [];
  });
}

describe("no hard-coded UI text", () => {
  it("JSX text and visible attributes come from the catalogue", () => {
    const offenders: string[] = [];
    for (const file of tsxFiles(ROOT)) {
      const source = readFileSync(file, "utf8");
      // Text between tags that contains a letter, e.g. `>Save<`.
      for (const m of source.matchAll(/>([^<>{}]*\p{L}[^<>{}]*)</gu)) {
        const text = m[1]!.trim();
        if (source[m.index - 1] === "=") continue; // an arrow function's `=>`, not a tag
        if (!/^[\p{L}\p{N}][\p{L}\p{N} .,!?'’…:&;-]*$/u.test(text)) continue; // code, not prose
        if (!ALLOWED.has(text)) offenders.push(`${file.slice(ROOT.length)}: ${text}`);
      }
      for (const m of source.matchAll(/\b(title|placeholder|aria-label|alt|label)="([^"]*\p{L}[^"]*)"/gu)) {
        if (!ALLOWED.has(m[2]!) && !/^(sk-|my-|https?:|gpt-|#|OPENAI_)/.test(m[2]!)) offenders.push(`${file.slice(ROOT.length)}: ${m[1]}="${m[2]}"`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
