import { describe, expect, it } from "vitest";
import { credentialRef, credentialSources, draftFromStored } from "./CredentialEditor";
import { headersFromRows, headersMissingValue, nextHeaderName, parseNotifications, parseRecipients, renameHeaderRow, rowKeepsStored, rowStored, testSummary, type HeaderRow } from "./NotificationsSection";

describe("notification settings", () => {
  it("splits recipients on commas, semicolons and spaces", () => {
    expect(parseRecipients(" a@x.test, b@y.test;c@z.test  ,, ")).toEqual(["a@x.test", "b@y.test", "c@z.test"]);
    expect(parseRecipients("")).toEqual([]);
  });

  it("reads the server's email view and keeps the redacted password reference", () => {
    const parsed = parseNotifications({
      enabled: true,
      email: { enabled: true, smtp_host: "smtp.x", smtp_port: 465, tls: "smtps", from: "a@x", to: ["b@x", 3], password: { source: "file", present: true } },
    });
    expect(parsed.email).toMatchObject({ enabled: true, smtp_host: "smtp.x", smtp_port: 465, tls: "smtps", from: "a@x", to: ["b@x"] });
    expect(parsed.email.password).toEqual({ source: "file", present: true });
  });

  it("falls back to safe defaults for a missing or odd email section", () => {
    expect(parseNotifications({}).email).toMatchObject({ enabled: false, smtp_port: 587, tls: "start-tls", to: [] });
    expect(parseNotifications({ email: { tls: "ssl3" } }).email.tls).toBe("start-tls");
  });
});

describe("notification tests and headers", () => {
  it("summarises a test: sent, not all sent, or nothing to send with", () => {
    expect(testSummary({ ok: true, reason: null, deliveries: [{ ok: true }, { ok: true }] }, false)).toBe("sent");
    expect(testSummary({ ok: false, reason: null, deliveries: [{ ok: true }, { ok: false }] }, true)).toBe("not_all");
    expect(testSummary({ ok: true, reason: "local_only", deliveries: [] }, false)).toBe("sent");
    expect(testSummary({ ok: false, reason: "no_eligible_channel", deliveries: [] }, true)).toBe("sent");
    expect(testSummary({ ok: false, reason: "no_eligible_channel", deliveries: [] }, false)).toBe("no_method");
  });

  it("offers Authorization first, then numbered secret headers", () => {
    expect(nextHeaderName([])).toBe("Authorization");
    expect(nextHeaderName(["authorization"])).toBe("X-Webhook-Secret-1");
    expect(nextHeaderName(["Authorization", "X-Webhook-Secret-1"])).toBe("X-Webhook-Secret-2");
  });

  it("builds the headers object from named rows with a reference", () => {
    const env = { source: "env", env: "HOOK_TOKEN" };
    expect(headersFromRows([{ name: " X-Token ", ref: env }, { name: "", ref: env }, { name: "X-None", ref: null }])).toEqual({ "X-Token": env });
  });
});

describe("renamed headers", () => {
  const storedFile = { source: "file", present: true };
  const loaded: HeaderRow = { key: 0, name: "Authorization", loadedName: "Authorization", stored: storedFile, ref: { source: "file", value: "" } };

  it("a renamed header no longer keeps the stored file value and needs a new one", () => {
    expect(rowKeepsStored(loaded)).toBe(true);
    expect(headersMissingValue([loaded])).toEqual([]);
    const renamed = renameHeaderRow(loaded, "X-Token");
    expect(renamed.ref).toBeNull();
    expect(rowKeepsStored(renamed)).toBe(false);
    expect(rowStored(renamed)).toBeNull();
    expect(headersMissingValue([renamed])).toEqual(["X-Token"]);
    expect(headersFromRows([renamed])).toEqual({});
    // A value typed after the rename is sent under the new name.
    const typed = { ...renamed, ref: { source: "file", value: "Bearer t" } };
    expect(headersMissingValue([typed])).toEqual([]);
    expect(headersFromRows([typed])).toEqual({ "X-Token": { source: "file", value: "Bearer t" } });
  });

  it("the old name back keeps the stored value again; editing within the same state keeps the reference", () => {
    const back = renameHeaderRow(renameHeaderRow(loaded, "X-Token"), " Authorization ");
    expect(rowKeepsStored(back)).toBe(true);
    expect(back.ref).toEqual({ source: "file", value: "" });
    expect(rowStored(back)).toBe(storedFile);
    const typed = { ...renameHeaderRow(loaded, "X-Token"), ref: { source: "file", value: "v" } };
    expect(renameHeaderRow(typed, "X-Token-2").ref).toEqual({ source: "file", value: "v" });
  });

  it("references that do not depend on the stored value survive a rename", () => {
    const env = { key: 1, name: "X-Env", loadedName: "X-Env", stored: { source: "env", env: "HOOK", present: true }, ref: { source: "env", env: "HOOK" } };
    const renamed = renameHeaderRow(env, "X-Other");
    expect(renamed.ref).toEqual({ source: "env", env: "HOOK" });
    expect(rowStored(renamed)).toEqual(env.stored);
    expect(headersMissingValue([renamed])).toEqual([]);
    const fresh: HeaderRow = { key: 2, name: "X-New", loadedName: "", stored: null, ref: null };
    expect(headersMissingValue([renameHeaderRow(fresh, "X-Newer")])).toEqual([]);
  });
});

describe("credential editor references", () => {
  const storedFile = { source: "file", present: true, value: { _omitted: "secret" } };
  it("an empty file input keeps a stored file secret and means none otherwise", () => {
    expect(credentialRef({ source: "file", secret: "", env: "" }, storedFile)).toEqual({ source: "file", value: "" });
    expect(credentialRef({ source: "file", secret: "", env: "" }, null)).toBeNull();
    expect(credentialRef({ source: "file", secret: "s3cret", env: "" }, storedFile)).toEqual({ source: "file", value: "s3cret" });
    expect(credentialRef({ source: "file", secret: "", env: "" }, { source: "env", env: "X", present: true })).toBeNull();
  });

  it("env sends the variable name; the keychain only keeps what is stored there", () => {
    expect(credentialRef({ source: "env", secret: "", env: " SMTP_PASSWORD " }, null)).toEqual({ source: "env", env: "SMTP_PASSWORD" });
    expect(credentialRef({ source: "env", secret: "", env: "  " }, null)).toBeNull();
    const keychain = { source: "keychain", service: "gpt-image-2", account: "email:password", present: false };
    expect(credentialRef({ source: "keychain", secret: "", env: "" }, keychain)).toEqual({ source: "keychain", service: "gpt-image-2", account: "email:password" });
    expect(credentialRef({ source: "keychain", secret: "", env: "" }, storedFile)).toBeNull();
  });

  it("offers the keychain only for a credential stored there", () => {
    expect(credentialSources(null)).toEqual(["file", "env"]);
    expect(credentialSources(storedFile)).toEqual(["file", "env"]);
    expect(credentialSources({ source: "keychain" })).toEqual(["file", "env", "keychain"]);
    expect(draftFromStored({ source: "env", env: "HOOK_TOKEN", present: false })).toEqual({ source: "env", secret: "", env: "HOOK_TOKEN" });
  });
});
