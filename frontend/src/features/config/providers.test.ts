import { describe, expect, it } from "vitest";
import { checkProviderName, parseProvider, providerList, regionModeOf } from "./providers";

const config = {
  default_provider: "my-api",
  providers: {
    codex: { type: "codex", model: "gpt-5.4", supports_n: false, credentials: {}, builtin: true, edit_region_mode: "reference-hint" },
    openai: { type: "openai-compatible", api_base: "https://api.openai.com/v1", builtin: true, credentials: { api_key: { source: "env", env: "OPENAI_API_KEY", present: true } } },
    "my-api": { type: "openai-compatible", api_base: "http://127.0.0.1:9/v1", credentials: { api_key: { source: "file", present: true, value: { _omitted: "secret" } } } },
  },
};

describe("providers", () => {
  it("lists the effective default first, then configured, then built-ins", () => {
    const list = providerList(config);
    expect(list.effectiveDefault).toBe("my-api");
    expect(list.providers.map((p) => p.name)).toEqual(["my-api", "codex", "openai"]);
    expect(list.providers[0]!.credentials.api_key).toEqual({ source: "file", present: true, env: undefined, service: undefined, account: undefined });
  });

  it("names no default when the server selects automatically", () => {
    expect(providerList({ ...config, default_provider: "auto" }).effectiveDefault).toBeNull();
    expect(providerList({ providers: { openai: {} }, default_provider: null }).effectiveDefault).toBeNull();
    expect(providerList({ ...config, default_provider: "gone" }).effectiveDefault).toBeNull();
    expect(providerList(undefined).effectiveDefault).toBeNull();
  });

  it("knows each provider's region edit method", () => {
    expect(regionModeOf(parseProvider("c", { type: "codex" }))).toBe("reference-hint");
    expect(regionModeOf(parseProvider("o", { type: "openai" }))).toBe("native-mask");
    expect(regionModeOf(parseProvider("x", { edit_region_mode: "none" }))).toBe("none");
    expect(regionModeOf(parseProvider("gw", { type: "openai-compatible" }))).toBe("reference-hint");
    expect(regionModeOf(parseProvider("gw", {}))).toBe("reference-hint");
    expect(regionModeOf(parseProvider("gw", { type: "openai-compatible", edit_region_mode: "native-mask" }))).toBe("native-mask");
  });

  it("validates new provider names", () => {
    expect(checkProviderName(" ", [])).toBe("empty");
    expect(checkProviderName("OpenAI", [])).toBe("reserved");
    expect(checkProviderName("Mine", ["mine"])).toBe("exists");
    expect(checkProviderName("a b", [])).toBe("chars");
    expect(checkProviderName("a/b", [])).toBe("chars");
    expect(checkProviderName("relay-1", ["mine"])).toBeNull();
  });
});
