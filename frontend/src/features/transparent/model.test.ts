import { describe, expect, it } from "vitest";
import { en } from "../../i18n/messages/en";
import { explainReason, explainWarning, findResultImage, findVerification, normalizeHex, scorePercent, scoreTone } from "./model";

describe("transparent report", () => {
  it("explains every failure reason of the spec in plain language", () => {
    for (const code of [
      "not_png", "missing_alpha_channel", "checkerboard_detected", "empty_subject", "no_fully_transparent_pixels",
      "alpha_range_too_low", "transparent_area_too_small", "transparent_rgb_not_scrubbed", "profile_requires_opaque_pixels",
      "profile_transparent_area_too_small", "subject_touches_edge", "too_many_stray_pixels", "matte_residue_too_high",
      "effect_touches_edge", "profile_requires_partial_alpha",
    ]) {
      const e = explainReason(code);
      expect("key" in e && e.key in en, code).toBe(true);
    }
    expect(explainReason("new_code_x")).toEqual({ text: "new code x" });
  });

  it("recognises the spec's warning sentences", () => {
    const warnings = [
      "nontransparent pixels reach the image edge; consider adding margin before extraction",
      "no semi-transparent pixels detected",
      "checkerboard-like pattern detected; visual transparency is not enough",
      "fully transparent pixels contain non-zero RGB values; scrub them to avoid compositing artifacts",
      "possible matte-color residue on semi-transparent edge pixels",
      "matte residue was not checked; pass --expected-matte-color when verifying chroma outputs",
    ];
    for (const w of warnings) expect("key" in explainWarning(w), w).toBe(true);
    expect(explainWarning("something new")).toEqual({ text: "something new" });
  });

  it("formats scores", () => {
    expect(scorePercent(0.6000000000000001)).toBe(60);
    expect(scorePercent(1.2)).toBe(100);
    expect(scorePercent(null)).toBeNull();
    expect(scoreTone(85)).toBe("good");
    expect(scoreTone(60)).toBe("fair");
    expect(scoreTone(10)).toBe("poor");
  });

  it("finds the verification and image in the possible response shapes", () => {
    const v = { passed: true, quality_score: 1 };
    expect(findVerification({ verification: v })).toBe(v);
    expect(findVerification({ job: { metadata: { verification: v } } })).toBe(v);
    expect(findVerification({ error: { detail: {} } })).toBeNull();
    const url = (id: string, i: number) => `/api/jobs/${id}/outputs/${i}`;
    expect(findResultImage({ image_base64: "QUJD" }, url)).toBe("data:image/png;base64,QUJD");
    expect(findResultImage({ output: { url: "/x.png" } }, url)).toBe("/x.png");
    expect(findResultImage({ history: { job_id: "j1" } }, url)).toBe("/api/jobs/j1/outputs/0");
    expect(findResultImage({}, url)).toBeNull();
  });

  it("normalises matte colours", () => {
    expect(normalizeHex("#0F0")).toBe("#00ff00");
    expect(normalizeHex("ff00ff")).toBe("#ff00ff");
    expect(normalizeHex("green")).toBeNull();
  });
});
