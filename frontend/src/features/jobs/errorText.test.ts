import { describe, expect, it } from "vitest";
import { errorText, upstreamError } from "./errorText";

describe("errorText", () => {
  it("surfaces the upstream message hidden in a JSON string detail", () => {
    const detail = '{"error":{"message":"Your request was rejected by the safety system.","code":"moderation_blocked"}}';
    expect(errorText({ message: "HTTP 400", detail })).toEqual({
      message: "Your request was rejected by the safety system.",
      context: "HTTP 400",
      upstreamCode: "moderation_blocked",
    });
  });

  it("reads parsed detail objects too", () => {
    expect(upstreamError({ error: { message: "Rate limited" } })).toEqual({ message: "Rate limited", code: null });
    expect(upstreamError({ body: '{"error":{"message":"nested"}}' })).toEqual({ message: "nested", code: null });
  });

  it("keeps the server message when there is nothing better", () => {
    expect(errorText({ message: "Prompt is required.", detail: null })).toEqual({
      message: "Prompt is required.",
      context: null,
      upstreamCode: null,
    });
    expect(errorText({ message: "boom", detail: "plain text detail" }).message).toBe("boom");
    expect(errorText({ message: "boom", detail: "{not json" }).message).toBe("boom");
  });

  it("does not repeat an identical message", () => {
    expect(errorText({ message: "Same", detail: { message: "Same", code: "x" } })).toEqual({
      message: "Same",
      context: null,
      upstreamCode: "x",
    });
  });
});
