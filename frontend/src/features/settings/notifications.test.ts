import { describe, expect, it } from "vitest";
import { parseNotifications, parseRecipients } from "./NotificationsSection";

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
