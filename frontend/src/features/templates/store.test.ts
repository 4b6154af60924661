import { describe, expect, it } from "vitest";
import { insertAt, parseTemplates, seedTemplates, templatesFor } from "./store";

describe("templates", () => {
  const state = seedTemplates("en");

  it("filters by scope: common always, region also gets edit", () => {
    expect(templatesFor(state, "generate").map((t) => t.id).sort()).toEqual(["seed-material", "seed-product"]);
    expect(templatesFor(state, "region").map((t) => t.id).sort()).toEqual(["seed-material", "seed-region"]);
    const withEdit = { ...state, templates: [...state.templates, { ...state.templates[0]!, id: "e", scope: "edit" as const }] };
    expect(templatesFor(withEdit, "region").map((t) => t.id)).toContain("e");
    expect(templatesFor(withEdit, "generate").map((t) => t.id)).not.toContain("e");
  });

  it("searches titles and prompts and sorts recently used first", () => {
    expect(templatesFor(state, "generate", "studio").map((t) => t.id)).toEqual(["seed-product"]);
    const used = { ...state, templates: state.templates.map((t) => (t.id === "seed-material" ? { ...t, usedAt: 5 } : t)) };
    expect(templatesFor(used, "generate")[0]!.id).toBe("seed-material");
  });

  it("parses documents defensively", () => {
    expect(parseTemplates(null)).toBeNull();
    expect(parseTemplates({ groups: [], templates: [] })).toEqual({ version: 1, groups: [], templates: [] });
    const parsed = parseTemplates({
      groups: [{ id: "g", name: "G" }],
      templates: [
        { id: "a", groupId: "g", title: "A", prompt: "p", scope: "weird" },
        { id: "b", groupId: "missing", title: "B", prompt: "p" },
        { id: 3 },
      ],
    });
    expect(parsed?.templates.map((t) => [t.id, t.scope])).toEqual([["a", "common"]]);
  });

  it("inserts at the caret, replacing the selection", () => {
    expect(insertAt("", "hello", 0, 0)).toEqual({ value: "hello", caret: 5 });
    expect(insertAt("a cat", "red", 2, 2)).toEqual({ value: "a red cat", caret: 5 });
    expect(insertAt("a dog here", "cat", 2, 5)).toEqual({ value: "a cat here", caret: 5 });
    expect(insertAt("word", "x", 4, 4)).toEqual({ value: "word x", caret: 6 });
  });
});
