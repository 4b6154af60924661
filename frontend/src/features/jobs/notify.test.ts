import { describe, expect, it } from "vitest";
import { LOCAL_NOTIFY_DEFAULTS, notifyPlan, parseLocalNotifyConfig, statusAllowed, type NotifyContext } from "./notify";

const away: NotifyContext = { shownOnScreen: false, pageVisible: true, permission: "granted" };

describe("local notification config", () => {
  it("takes the server's defaults for missing fields", () => {
    expect(parseLocalNotifyConfig(undefined)).toEqual(LOCAL_NOTIFY_DEFAULTS);
    expect(parseLocalNotifyConfig({})).toEqual({ enabled: true, on_completed: true, on_failed: true, on_cancelled: true, toast: true, system: false });
    expect(parseLocalNotifyConfig({ toast: "yes", system: { enabled: true, mode: "browser" }, on_failed: false })).toMatchObject({
      toast: true,
      system: true,
      on_failed: false,
    });
  });

  it("allows a status only when notifications and its switch are on", () => {
    const config = parseLocalNotifyConfig({ on_completed: true, on_failed: false, on_cancelled: false });
    expect(statusAllowed(config, "completed")).toBe(true);
    expect(statusAllowed(config, "partial_failed")).toBe(true); // on_completed covers partial results
    expect(statusAllowed(config, "failed")).toBe(false);
    expect(statusAllowed(config, "cancelled")).toBe(false);
    expect(statusAllowed(config, "running")).toBe(false);
    expect(statusAllowed({ ...config, enabled: false }, "completed")).toBe(false);
    expect(statusAllowed(parseLocalNotifyConfig({ on_completed: false }), "partial_failed")).toBe(false);
  });
});

describe("notifyPlan", () => {
  const config = parseLocalNotifyConfig({ system: { enabled: true } });

  it("uses the channels the config turns on", () => {
    expect(notifyPlan(config, "completed", away)).toEqual({ toast: true, system: true });
    expect(notifyPlan({ ...config, toast: false }, "failed", away)).toEqual({ toast: false, system: true });
    expect(notifyPlan({ ...config, system: false }, "cancelled", away)).toEqual({ toast: true, system: false });
  });

  it("stays silent for a status that is turned off", () => {
    expect(notifyPlan({ ...config, on_failed: false }, "failed", away)).toEqual({ toast: false, system: false });
    expect(notifyPlan({ ...config, enabled: false }, "completed", away)).toEqual({ toast: false, system: false });
    expect(notifyPlan(config, "queued", away)).toEqual({ toast: false, system: false });
  });

  it("needs a granted permission for system notifications and never asks for one", () => {
    expect(notifyPlan(config, "completed", { ...away, permission: "default" }).system).toBe(false);
    expect(notifyPlan(config, "completed", { ...away, permission: "denied" }).system).toBe(false);
    expect(notifyPlan(config, "completed", { ...away, permission: "unsupported" }).system).toBe(false);
  });

  it("skips what the screen on display already shows", () => {
    const shown = { ...away, shownOnScreen: true };
    expect(notifyPlan(config, "completed", shown)).toEqual({ toast: false, system: false });
    // In a background tab the system notification still tells the user.
    expect(notifyPlan(config, "completed", { ...shown, pageVisible: false })).toEqual({ toast: false, system: true });
  });
});
