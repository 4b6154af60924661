import { describe, expect, it } from "vitest";
import { detectLanguage, LANGUAGES } from "./languages";
import { en } from "./messages/en";
import { zh } from "./messages/zh";
import { interpolate, placeholders, translate, translatePlural, type MessageKey } from "./translate";

const enKeys = Object.keys(en).sort();
const zhKeys = Object.keys(zh).sort();

describe("catalogues", () => {
  it("every en key exists in zh", () => {
    expect(enKeys.filter((k) => !(k in zh))).toEqual([]);
  });

  it("every zh key exists in en", () => {
    expect(zhKeys.filter((k) => !(k in en))).toEqual([]);
  });

  it("messages are non-empty in every language", () => {
    for (const info of Object.values(LANGUAGES)) {
      const empty = Object.entries(info.catalogue).filter(([, v]) => typeof v !== "string" || v.trim() === "");
      expect(empty, info.id).toEqual([]);
    }
  });

  it("zh uses exactly the placeholders of en", () => {
    const mismatched = enKeys.filter(
      (k) => placeholders(en[k as MessageKey]).join() !== placeholders(zh[k as MessageKey]).join(),
    );
    expect(mismatched).toEqual([]);
  });

  it("plural keys come in one/other pairs", () => {
    for (const key of enKeys) {
      if (key.endsWith(".one")) expect(enKeys).toContain(key.replace(/\.one$/, ".other"));
    }
  });
});

describe("translate", () => {
  it("interpolates placeholders and leaves unknown ones", () => {
    expect(interpolate("{a} and {b}", { a: 1 })).toBe("1 and {b}");
    expect(translate(en, "output.numbered", { n: 2 })).toBe("Image 2");
    expect(translate(zh, "output.numbered", { n: 2 })).toBe("图像 2");
  });

  it("chooses plural forms by locale", () => {
    expect(translatePlural(en, "en", "tasks.total", 1)).toBe("1 job");
    expect(translatePlural(en, "en", "tasks.total", 3)).toBe("3 jobs");
    expect(translatePlural(zh, "zh-CN", "tasks.total", 1)).toBe("1 个任务");
  });

  it("detects the browser language", () => {
    expect(detectLanguage(["zh-CN", "en"])).toBe("zh");
    expect(detectLanguage(["zh-TW"])).toBe("zh");
    expect(detectLanguage(["de-DE", "en-US"])).toBe("en");
    expect(detectLanguage(["fr"])).toBe("en");
    expect(detectLanguage([])).toBe("en");
  });
});
