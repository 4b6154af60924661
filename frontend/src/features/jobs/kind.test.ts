import { describe, expect, it } from "vitest";
import { jobKind, KIND_COMMANDS } from "./kind";

describe("kind filter commands", () => {
  it("sends for each filter exactly the commands whose jobs show that kind", () => {
    for (const [kind, commands] of Object.entries(KIND_COMMANDS)) {
      expect(commands.length).toBeGreaterThan(0);
      for (const command of commands) {
        expect(jobKind({ command, metadata: {} })).toBe(kind);
      }
    }
  });

  it("keeps region edits under the edit filter (same command)", () => {
    expect(jobKind({ command: "images edit", metadata: { has_mask: true } })).toBe("region");
    expect(KIND_COMMANDS.edit).toContain("images edit");
  });
});
