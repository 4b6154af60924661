import { describe, expect, it } from "vitest";
import { hrefFor, parseHash } from "./router";

describe("router", () => {
  it("parses screens and params", () => {
    expect(parseHash("")).toEqual({ screen: "", params: [] });
    expect(parseHash("#/generate")).toEqual({ screen: "generate", params: [] });
    expect(parseHash("#tasks/web-1%2F2")).toEqual({ screen: "tasks", params: ["web-1/2"] });
    expect(parseHash("#/tasks/abc?x=1")).toEqual({ screen: "tasks", params: ["abc"] });
  });
  it("builds hrefs that round-trip", () => {
    const href = hrefFor("tasks", "web-1/2");
    expect(href).toBe("#/tasks/web-1%2F2");
    expect(parseHash(href)).toEqual({ screen: "tasks", params: ["web-1/2"] });
  });
});
