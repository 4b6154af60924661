import { describe, expect, it } from "vitest";
import { logMessage, toJsonl } from "./LogsSection";
import { checkProxyUrl, parseHostList } from "./ProviderDialog";
import { parseStorage, storageBody, validateStorage } from "./storage";

describe("storage draft", () => {
  const raw = {
    targets: { "local-default": { type: "local", directory: "/data/fallback" }, s3: { type: "s3", bucket: "b", secret_access_key: { source: "file", present: true } } },
    pipeline: { mode: "mirror", archives: ["s3"], cleanup: { mode: "by_age", retention_days: 7 } },
    default_targets: ["s3", "gone"],
    upload_concurrency: 3,
    target_concurrency: 2,
    policy: { managed: false },
  };
  it("round-trips the stored config and keeps remote targets as they are", () => {
    const body = storageBody(parseStorage(raw));
    expect(body.targets?.s3).toEqual({ type: "s3", bucket: "b", secret_access_key: { source: "file", present: true } });
    expect(body.pipeline).toEqual({ mode: "mirror", origin: null, archives: ["s3"], cleanup: { mode: "by_age", retention_days: 7, max_origin_gb: null } });
    expect(body.default_targets).toEqual(["s3"]);
    expect(body).not.toHaveProperty("policy");
  });
  it("blocks incomplete configs", () => {
    const d = parseStorage(raw);
    expect(validateStorage(d)).toEqual([]);
    d.targets.push({ key: "n", name: "bad name", type: "local", directory: "", publicBaseUrl: "ftp://x", raw: {} });
    d.retentionDays = "0";
    d.archives = [];
    const codes = validateStorage(d).map((p) => p.code);
    expect(codes).toEqual(["name_chars", "directory_missing", "url_invalid", "archives_missing", "range"]);
  });
  it("needs a read-back origin for cloud primary", () => {
    const d = parseStorage(raw);
    d.mode = "cloud_primary";
    d.origin = "";
    expect(validateStorage(d).map((p) => p.code)).toEqual(["origin_missing"]);
    d.origin = "local-default";
    expect(validateStorage(d)).toEqual([]);
  });
});

describe("proxy and logs helpers", () => {
  it("checks proxy URLs", () => {
    expect(checkProxyUrl("socks5h://u:p@127.0.0.1:1080")).toBe(true);
    expect(checkProxyUrl("http://proxy.local:3128")).toBe(true);
    expect(checkProxyUrl("ftp://proxy:21")).toBe(false);
    expect(checkProxyUrl("http://proxy")).toBe(false);
    expect(parseHostList("a, b\n\nc")).toEqual(["a", "b", "c"]);
  });
  it("summarises entries and exports JSONL", () => {
    expect(logMessage({ data: { error: { message: "boom" }, message: "x" } })).toBe("boom");
    expect(logMessage({ data: { message: "hi" } })).toBe("hi");
    expect(logMessage({ data: { a: 1 } })).toBe('{"a":1}');
    expect(toJsonl([{ ts: "t", level: "info", kind: "k", type: "x", data: null }])).toBe('{"ts":"t","level":"info","kind":"k","type":"x","data":null}\n');
  });
});
