import { describe, expect, it } from "vitest";
import { ev, makeJob } from "../../test/fixtures";
import { initialProgress, isTerminalEvent, MAX_TIMELINE, progressReducer, type ProgressState } from "./progress";

const apply = (state: ProgressState, ...events: ReturnType<typeof ev>[]) =>
  progressReducer(state, { type: "events", events });

describe("progressReducer", () => {
  it("seeds from the enqueue response", () => {
    const job = makeJob();
    const state = initialProgress(job.id, job, [ev(1, "job.queued", { status: "queued", position: 1 })]);
    expect(state).toMatchObject({ status: "queued", lastSeq: 1, terminal: false, percent: null, job });
  });

  it("follows progress events: status, percent and message", () => {
    let s = initialProgress("j");
    s = apply(s, ev(1, "job.queued", { status: "queued" }));
    s = apply(s, ev(2, "job.running", { status: "running" }));
    expect(s.status).toBe("running");
    s = apply(s, ev(3, "request_started", { percent: 10, message: "Calling the provider" }, "progress"));
    expect(s).toMatchObject({ percent: 10, message: "Calling the provider", phase: "request_started" });
    s = apply(s, ev(4, "request_completed", { percent: 80 }, "progress"));
    expect(s).toMatchObject({ percent: 80, message: "Calling the provider", phase: "request_completed" });
  });

  it("a step that reports completed does not finish the job", () => {
    let s = apply(initialProgress("j"), ev(1, "job.running", { status: "running" }));
    s = apply(s, ev(2, "output_saved", { status: "completed", percent: 100, message: "Saved." }, "progress"));
    expect(s).toMatchObject({ status: "running", terminal: false, percent: 100 });
  });

  it("treats progress events after queued as running even without a status", () => {
    let s = apply(initialProgress("j"), ev(1, "job.queued", { status: "queued" }));
    s = apply(s, ev(2, "request_started", { percent: 5 }, "progress"));
    expect(s.status).toBe("running");
  });

  it("never moves the bar backwards and clamps to 0..100", () => {
    let s = apply(initialProgress("j"), ev(1, "request_started", { percent: 60 }, "progress"));
    s = apply(s, ev(2, "retry_scheduled", { percent: 20, message: "Retrying in 1s" }, "progress"));
    expect(s.percent).toBe(60);
    expect(s.message).toBe("Retrying in 1s");
    s = apply(s, ev(3, "output_saved", { percent: 250 }, "progress"));
    expect(s.percent).toBe(100);
    expect(apply(initialProgress("j"), ev(1, "x", { percent: -5 })).percent).toBe(0);
    expect(apply(initialProgress("j"), ev(1, "x", { percent: "50" })).percent).toBeNull();
  });

  it("deduplicates replayed and out-of-order events by seq", () => {
    let s = apply(initialProgress("j"), ev(2, "job.running", { status: "running" }), ev(1, "job.queued"));
    expect(s.lastSeq).toBe(2);
    expect(s.status).toBe("running");
    expect(s.timeline.map((e) => e.seq)).toEqual([1, 2]);
    const again = apply(s, ev(1, "job.queued"), ev(2, "job.running"));
    expect(again).toBe(s);
  });

  it("completes with the job snapshot from the terminal event", () => {
    const done = makeJob({ status: "completed", outputs: [{ index: 0, path: "/x/out.png", bytes: 10 }] as never });
    let s = apply(initialProgress("j"), ev(1, "request_started", { percent: 40 }, "progress"));
    s = apply(s, ev(2, "job.completed", { status: "completed", job: done, error: null }));
    expect(s).toMatchObject({ status: "completed", terminal: true, percent: 100, job: done, error: null });
    expect(s.message).toBeNull();
  });

  it("records the error of a failed job", () => {
    let s = apply(initialProgress("j"), ev(1, "job.running", { status: "running" }));
    s = apply(s, ev(2, "job.failed", { status: "failed", error: { code: "http_error", message: "Bad prompt" } }));
    expect(s).toMatchObject({ status: "failed", terminal: true });
    expect(s.error).toMatchObject({ code: "http_error", message: "Bad prompt" });
    expect(s.percent).toBeNull();
  });

  it("takes the error from the job when the event carries none", () => {
    const failed = makeJob({ status: "failed", error: { code: "network_error", message: "boom" } as never });
    const s = apply(initialProgress("j"), ev(1, "job.failed", { status: "failed", job: failed }));
    expect(s.error).toMatchObject({ code: "network_error", message: "boom" });
  });

  it("normalises canceled and ignores late non-terminal events", () => {
    let s = apply(initialProgress("j"), ev(1, "job.canceled", { status: "canceled" }));
    expect(s).toMatchObject({ status: "cancelled", terminal: true });
    s = apply(s, ev(2, "job.notifications", { deliveries: [] }));
    expect(s.status).toBe("cancelled");
  });

  it("partial failure is terminal with a full bar", () => {
    const s = apply(initialProgress("j"), ev(1, "job.partial_failed", { status: "partial_failed", error: { message: "1 of 2 failed" } }));
    expect(s).toMatchObject({ status: "partial_failed", terminal: true, percent: 100 });
    expect(s.error?.message).toBe("1 of 2 failed");
  });

  it("a terminal snapshot from polling finishes the job even without events", () => {
    const failed = makeJob({ status: "failed", error: { code: "x", message: "upstream said no" } as never });
    const s = progressReducer(initialProgress("j"), { type: "snapshot", job: failed, events: [] });
    expect(s).toMatchObject({ status: "failed", terminal: true });
    expect(s.error?.message).toBe("upstream said no");
  });

  it("a stale running snapshot does not undo a terminal event", () => {
    let s = apply(initialProgress("j"), ev(3, "job.completed", { status: "completed" }));
    s = progressReducer(s, { type: "snapshot", job: makeJob({ status: "running" }) });
    expect(s).toMatchObject({ status: "completed", terminal: true });
  });

  it("ignores a snapshot older than the live state", () => {
    let s = apply(initialProgress("j"), ev(1, "job.queued"), ev(2, "job.running", { status: "running" }));
    const stale = makeJob({ status: "queued" });
    expect(progressReducer(s, { type: "snapshot", job: stale })).toBe(s);
    s = progressReducer(s, { type: "snapshot", job: makeJob({ status: "uploading" }) });
    expect(s.status).toBe("uploading");
  });

  it("snapshot events are applied before the row", () => {
    const running = makeJob({ status: "running" });
    const s = progressReducer(initialProgress("j"), {
      type: "snapshot",
      job: running,
      events: [ev(1, "job.queued"), ev(2, "job.running", { status: "running" }), ev(3, "request_started", { percent: 30, message: "Sent" })],
    });
    expect(s).toMatchObject({ status: "running", percent: 30, message: "Sent", lastSeq: 3 });
  });

  it("caps the timeline", () => {
    const events = Array.from({ length: MAX_TIMELINE + 10 }, (_, i) => ev(i + 1, "request_started", { percent: i }));
    const s = apply(initialProgress("j"), ...events);
    expect(s.timeline).toHaveLength(MAX_TIMELINE);
    expect(s.timeline[0]?.seq).toBe(11);
  });

  it("connection changes keep identity when unchanged", () => {
    const s = progressReducer(initialProgress("j"), { type: "connection", connection: "live" });
    expect(s.connection).toBe("live");
    expect(progressReducer(s, { type: "connection", connection: "live" })).toBe(s);
  });

  it("knows terminal event types", () => {
    expect(isTerminalEvent({ type: "job.completed" })).toBe(true);
    expect(isTerminalEvent({ type: "job.canceled" })).toBe(true);
    expect(isTerminalEvent({ type: "output_saved" })).toBe(false);
  });
});
