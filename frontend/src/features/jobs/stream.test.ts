import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { JobEvent } from "../../api/types";
import { ev, makeJob } from "../../test/fixtures";
import type { Connection } from "./progress";
import { EVENT_SOURCE_CLOSED, JobEventStream, StreamSlots, type EventSourceLike, type JobSnapshot } from "./stream";

class FakeEventSource implements EventSourceLike {
  readyState = 0;
  onopen: EventSourceLike["onopen"] = null;
  onerror: EventSourceLike["onerror"] = null;
  closed = false;
  readonly listeners = new Map<string, ((ev: MessageEvent<string>) => void)[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (ev: MessageEvent<string>) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
    this.readyState = EVENT_SOURCE_CLOSED;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.call(this, new Event("open"));
  }
  emit(event: JobEvent, name = event.type): void {
    const message = { data: JSON.stringify(event), lastEventId: String(event.seq), type: name } as MessageEvent<string>;
    for (const l of this.listeners.get(name) ?? []) l(message);
  }
  fail(readyState = 0): void {
    this.readyState = readyState;
    this.onerror?.call(this, new Event("error"));
  }
}

function setup(fetchJob: (id: string) => Promise<JobSnapshot>, slots = new StreamSlots(3), jobId = "job-1") {
  const sources: FakeEventSource[] = [];
  const events: JobEvent[] = [];
  const snapshots: JobSnapshot[] = [];
  const connections: Connection[] = [];
  const onFinished = vi.fn();
  const stream = new JobEventStream({
    jobId,
    url: `/api/jobs/${jobId}/events`,
    slots,
    openEventSource: (url) => {
      const s = new FakeEventSource(url);
      sources.push(s);
      return s;
    },
    fetchJob: vi.fn(fetchJob),
    onEvents: (e) => events.push(...e),
    onSnapshot: (s) => snapshots.push(s),
    onConnection: (c) => connections.push(c),
    onFinished,
  });
  return { stream, sources, events, snapshots, connections, onFinished };
}

const running = (): Promise<JobSnapshot> => Promise.resolve({ job: makeJob({ status: "running" }), events: [] });

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("JobEventStream", () => {
  it("delivers SSE events and closes after the terminal event", async () => {
    const done = makeJob({ status: "completed" });
    const t = setup(() => Promise.resolve({ job: done, events: [] }));
    t.stream.start();
    const source = t.sources[0]!;
    expect(source.url).toBe("/api/jobs/job-1/events");
    source.open();
    source.emit(ev(2, "job.running", { status: "running" }));
    source.emit(ev(3, "request_started", { percent: 10 }, "progress"));
    source.emit(ev(4, "job.completed", { status: "completed" }));
    expect(t.events.map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(source.closed).toBe(true);
    expect(t.onFinished).toHaveBeenCalledTimes(1);
    await vi.runAllTimersAsync();
    // One final fetch for the exact outputs, then nothing more.
    expect(t.snapshots).toHaveLength(1);
    expect(t.sources).toHaveLength(1);
    expect(t.connections).toContain("live");
    expect(t.connections.at(-1)).toBe("closed");
  });

  it("treats Codex upstream events (kind sse), even one named error, as messages", () => {
    const t = setup(running);
    t.stream.start();
    const source = t.sources[0]!;
    source.open();
    source.emit(ev(2, "response.image_generation_call.partial_image", { type: "response.image_generation_call.partial_image" }, "sse"));
    // A named "error" event also reaches onerror in browsers; it must not count as a failure.
    const named = { data: JSON.stringify(ev(3, "error", { message: "upstream hiccup" }, "sse")), lastEventId: "3", type: "error" } as MessageEvent<string>;
    for (const l of source.listeners.get("error") ?? []) l(named);
    source.onerror?.call(source, named as unknown as Event);
    expect(t.events.map((e) => [e.seq, e.kind])).toEqual([
      [2, "sse"],
      [3, "sse"],
    ]);
    expect(t.connections.at(-1)).toBe("live");
    expect(t.sources).toHaveLength(1);
  });

  it("accepts unnamed messages and takes seq from the event id", () => {
    const t = setup(running);
    t.stream.start();
    const source = t.sources[0]!;
    const message = { data: JSON.stringify({ type: "job.running", kind: "local", data: {} }), lastEventId: "7", type: "message" };
    for (const l of source.listeners.get("message") ?? []) l(message as MessageEvent<string>);
    expect(t.events[0]).toMatchObject({ seq: 7, type: "job.running" });
    t.stream.stop();
  });

  it("ignores malformed messages", () => {
    const t = setup(running);
    t.stream.start();
    for (const l of t.sources[0]!.listeners.get("job.running") ?? []) {
      l({ data: "not json", lastEventId: "", type: "job.running" } as MessageEvent<string>);
    }
    expect(t.events).toHaveLength(0);
    t.stream.stop();
  });

  it("lets the browser reconnect on a transient drop", () => {
    const t = setup(running);
    t.stream.start();
    const source = t.sources[0]!;
    source.open();
    source.fail(0); // CONNECTING: the browser retries with Last-Event-ID itself
    expect(t.connections.at(-1)).toBe("reconnecting");
    expect(source.closed).toBe(false);
    source.open();
    source.emit(ev(5, "output_saved", { percent: 90 }));
    expect(t.connections.at(-1)).toBe("live");
    expect(t.sources).toHaveLength(1);
    t.stream.stop();
  });

  it("reopens the stream itself when the browser gives up, resuming after the last seq", async () => {
    const t = setup(running);
    t.stream.start();
    t.sources[0]!.emit(ev(4, "job.running", { status: "running" }));
    t.sources[0]!.fail(EVENT_SOURCE_CLOSED);
    expect(t.sources[0]!.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.sources).toHaveLength(2);
    expect(t.sources[1]!.url).toBe("/api/jobs/job-1/events?after=4");
    t.stream.stop();
  });

  it("falls back to polling after repeated failures and stops when the job is final", async () => {
    let calls = 0;
    const t = setup(() => {
      calls += 1;
      const status = calls >= 3 ? "failed" : "running";
      return Promise.resolve({ job: makeJob({ status }), events: [ev(calls, "job.running")] });
    });
    t.stream.start();
    const source = t.sources[0]!;
    source.fail(0);
    source.fail(0);
    source.fail(0);
    expect(source.closed).toBe(true);
    expect(t.connections).toContain("polling");
    await vi.advanceTimersByTimeAsync(1200 * 5);
    expect(calls).toBe(3);
    expect(t.snapshots.at(-1)?.job.status).toBe("failed");
    expect(t.onFinished).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(3);
    expect(t.sources).toHaveLength(1);
  });

  it("backs off while polling fails", async () => {
    let calls = 0;
    const t = setup(() => {
      calls += 1;
      return Promise.reject(new Error("offline"));
    });
    t.stream.start();
    for (let i = 0; i < 3; i += 1) t.sources[0]!.fail(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(2400);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(4800);
    expect(calls).toBe(3);
    t.stream.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toBe(3);
  });

  it("an event between failures resets the failure count", () => {
    const t = setup(running);
    t.stream.start();
    const source = t.sources[0]!;
    source.fail(0);
    source.fail(0);
    source.emit(ev(1, "job.running"));
    source.fail(0);
    source.fail(0);
    expect(source.closed).toBe(false);
    expect(t.connections).not.toContain("polling");
    t.stream.stop();
  });

  it("the safety poll finishes a job whose terminal event was missed", async () => {
    const t = setup(() => Promise.resolve({ job: makeJob({ status: "completed" }), events: [] }));
    t.stream.start();
    t.sources[0]!.open();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(t.snapshots).toHaveLength(1);
    expect(t.sources[0]!.closed).toBe(true);
    expect(t.onFinished).toHaveBeenCalledTimes(1);
  });

  it("stop() closes everything", async () => {
    const t = setup(running);
    t.stream.start();
    t.stream.stop();
    expect(t.sources[0]!.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(t.snapshots).toHaveLength(0);
  });

  it("polls while no stream slot is free, then switches to SSE", async () => {
    const slots = new StreamSlots(1);
    const a = setup(running, slots, "a");
    const b = setup(running, slots, "b");
    a.stream.start();
    b.stream.start();
    expect(a.sources).toHaveLength(1);
    expect(b.sources).toHaveLength(0);
    expect(b.connections).toEqual(["waiting"]);
    await vi.advanceTimersByTimeAsync(0);
    expect(b.snapshots).toHaveLength(1); // polled right away

    a.sources[0]!.emit(ev(9, "job.completed", { status: "completed" }));
    expect(slots.inUse).toBe(0);
    await vi.advanceTimersByTimeAsync(1200);
    expect(b.sources).toHaveLength(1);
    expect(b.sources[0]!.url).toBe("/api/jobs/b/events");
    expect(slots.inUse).toBe(1);
    b.stream.stop();
    expect(slots.inUse).toBe(0);
  });

  it("gives its slot back when SSE falls back to polling", () => {
    const slots = new StreamSlots(1);
    const t = setup(running, slots);
    t.stream.start();
    expect(slots.inUse).toBe(1);
    for (let i = 0; i < 3; i += 1) t.sources[0]!.fail(0);
    expect(slots.inUse).toBe(0);
    t.stream.stop();
  });
});
