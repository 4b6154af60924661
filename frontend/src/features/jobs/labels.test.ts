import { describe, expect, it } from "vitest";
import { en } from "../../i18n/messages/en";
import { KNOWN_EVENT_TYPES } from "./progress";
import { phaseText, STATUS_LABEL } from "./labels";

describe("status line", () => {
  it("has a translated label for every event type we subscribe to", () => {
    for (const type of KNOWN_EVENT_TYPES) {
      if (type === "job.notifications") continue;
      const text = phaseText(type, "server words", "running");
      expect(text, type).toHaveProperty("key");
    }
  });

  it("falls back to the server message, then to the status", () => {
    expect(phaseText("something_new", "Uploading to S3", "running")).toEqual({ text: "Uploading to S3" });
    expect(phaseText(null, null, "queued")).toEqual({ key: "phase.queued" });
    expect(phaseText(null, null, "running")).toEqual({ key: "phase.working" });
  });

  it("every status label exists in the catalogue", () => {
    for (const key of Object.values(STATUS_LABEL)) expect(en).toHaveProperty([key]);
  });
});
