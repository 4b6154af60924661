/**
 * Follows one job: Server-Sent Events first, polling as the fallback.
 *
 * - Opens an EventSource on `/api/jobs/{id}/events`. The browser reconnects by
 *   itself after a dropped connection and sends `Last-Event-ID`; when we have
 *   to reopen it ourselves we pass `?after=<last seq>`. The reducer
 *   deduplicates replays by `seq` either way.
 * - The server ends the stream after the terminal event; we close the source
 *   then (otherwise EventSource would reconnect forever) and fetch the final
 *   job once so outputs and errors are exact.
 * - If the stream fails `maxSseFailures` times without delivering an event in
 *   between, or the browser gives up (readyState CLOSED, e.g. a 4xx), we poll
 *   `GET /api/jobs/{id}` instead until the job is final.
 * - While the stream is open a slow safety poll catches anything the stream
 *   could not deliver (e.g. an event type we do not listen for).
 *
 * No React here: the hook in useJobProgress.ts wires this to a reducer, and
 * the tests drive it with a fake EventSource and fake timers.
 */
import type { Job, JobEvent } from "../../api/types";
import { isTerminalStatus } from "../../lib/jobs";
import { isTerminalEvent, KNOWN_EVENT_TYPES, type Connection } from "./progress";

/** The part of the browser's EventSource that we use. */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((this: EventSourceLike, ev: Event) => unknown) | null;
  onerror: ((this: EventSourceLike, ev: Event) => unknown) | null;
  addEventListener(type: string, listener: (ev: MessageEvent<string>) => void): void;
  close(): void;
}

export const EVENT_SOURCE_CLOSED = 2;

/**
 * Caps how many event streams are open at once. Over HTTP/1.1 a browser
 * allows about six connections per host; long-lived streams must leave room
 * for API calls and images. A job that finds no free slot polls until one frees.
 */
export class StreamSlots {
  private readonly holders = new Set<object>();

  constructor(readonly max: number) {}

  tryAcquire(owner: object): boolean {
    if (this.holders.has(owner)) return true;
    if (this.holders.size >= this.max) return false;
    this.holders.add(owner);
    return true;
  }

  release(owner: object): void {
    this.holders.delete(owner);
  }

  get inUse(): number {
    return this.holders.size;
  }
}

export const defaultStreamSlots = new StreamSlots(3);

export interface JobSnapshot {
  job: Job;
  events: JobEvent[];
}

export interface JobStreamOptions {
  jobId: string;
  url: string;
  openEventSource: (url: string) => EventSourceLike;
  fetchJob: (jobId: string) => Promise<JobSnapshot>;
  onEvents: (events: JobEvent[]) => void;
  onSnapshot: (snapshot: JobSnapshot) => void;
  onConnection: (connection: Connection) => void;
  /** Called once when the job is known to be final. */
  onFinished?: () => void;
  slots?: StreamSlots;
  maxSseFailures?: number;
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  safetyPollMs?: number;
  reopenDelayMs?: number;
  timers?: {
    setTimeout: (fn: () => void, ms: number) => unknown;
    clearTimeout: (handle: unknown) => void;
  };
}

function parseEvent(message: MessageEvent<string>): JobEvent | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.data);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const record = parsed as Record<string, unknown>;
  const seq = typeof record.seq === "number" ? record.seq : Number.parseInt(message.lastEventId, 10);
  if (!Number.isFinite(seq)) return null;
  const type = typeof record.type === "string" ? record.type : message.type;
  return { ...record, seq, type, kind: record.kind ?? "local", data: record.data ?? {} } as JobEvent;
}

export class JobEventStream {
  private readonly opts: Required<Omit<JobStreamOptions, "onFinished">> & Pick<JobStreamOptions, "onFinished">;
  private source: EventSourceLike | null = null;
  private failures = 0;
  private timer: unknown = null;
  private safetyTimer: unknown = null;
  private pollDelay: number;
  private stopped = false;
  private finished = false;
  /** Highest seq delivered so far; a stream we reopen ourselves resumes after it. */
  private lastSeq = 0;
  /** SSE failed repeatedly: poll until the job ends, never retry the stream. */
  private sseBroken = false;

  constructor(options: JobStreamOptions) {
    this.opts = {
      slots: defaultStreamSlots,
      maxSseFailures: 3,
      pollIntervalMs: 1200,
      maxPollIntervalMs: 10_000,
      safetyPollMs: 15_000,
      reopenDelayMs: 1000,
      timers: {
        setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
        clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
      },
      ...options,
    };
    this.pollDelay = this.opts.pollIntervalMs;
  }

  start(): void {
    this.openSource();
  }

  stop(): void {
    this.stopped = true;
    this.closeSource();
    this.clearTimers();
  }

  get isFinished(): boolean {
    return this.finished;
  }

  private clearTimers(): void {
    const { clearTimeout } = this.opts.timers;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.safetyTimer !== null) clearTimeout(this.safetyTimer);
    this.timer = null;
    this.safetyTimer = null;
  }

  private closeSource(): void {
    this.opts.slots.release(this);
    if (!this.source) return;
    this.source.onopen = null;
    this.source.onerror = null;
    this.source.close();
    this.source = null;
  }

  private openSource(): void {
    if (this.stopped || this.finished) return;
    if (!this.opts.slots.tryAcquire(this)) {
      this.startPolling("waiting");
      return;
    }
    this.opts.onConnection(this.failures === 0 ? "connecting" : "reconnecting");
    let source: EventSourceLike;
    const url = this.lastSeq > 0 ? `${this.opts.url}?after=${this.lastSeq}` : this.opts.url;
    try {
      source = this.opts.openEventSource(url);
    } catch {
      this.sseBroken = true;
      this.closeSource();
      this.startPolling("fallback");
      return;
    }
    this.source = source;
    const handle = (message: MessageEvent<string>) => this.handleMessage(message);
    for (const type of KNOWN_EVENT_TYPES) source.addEventListener(type, handle);
    source.addEventListener("message", handle);
    source.onopen = () => {
      if (this.source === source) this.opts.onConnection("live");
    };
    source.onerror = (ev: Event) => {
      // A server event *named* "error" (Codex forwards upstream `error` events)
      // arrives as a MessageEvent with data: that is a message, not a failure.
      if (typeof (ev as Partial<MessageEvent>).data === "string") return;
      if (this.source === source) this.handleError(source);
    };
    this.scheduleSafetyPoll();
  }

  private handleMessage(message: MessageEvent<string>): void {
    if (this.stopped || this.finished) return;
    const event = parseEvent(message);
    if (!event) return;
    this.failures = 0;
    this.lastSeq = Math.max(this.lastSeq, event.seq);
    this.opts.onConnection("live");
    this.opts.onEvents([event]);
    if (isTerminalEvent(event)) {
      this.closeSource();
      this.finish();
      void this.refreshOnce();
    }
  }

  private handleError(source: EventSourceLike): void {
    if (this.stopped || this.finished) return;
    this.failures += 1;
    if (this.failures >= this.opts.maxSseFailures) {
      this.sseBroken = true;
      this.closeSource();
      this.startPolling("fallback");
      return;
    }
    if (source.readyState === EVENT_SOURCE_CLOSED) {
      // The browser gave up (HTTP error or wrong content type): retry ourselves.
      this.closeSource();
      this.opts.onConnection("reconnecting");
      this.schedule(() => this.openSource(), this.opts.reopenDelayMs * this.failures);
      return;
    }
    // CONNECTING: the browser reconnects with Last-Event-ID on its own.
    this.opts.onConnection("reconnecting");
  }

  private schedule(fn: () => void, ms: number): void {
    const { setTimeout, clearTimeout } = this.opts.timers;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      fn();
    }, ms);
  }

  private scheduleSafetyPoll(): void {
    const { setTimeout, clearTimeout } = this.opts.timers;
    if (this.safetyTimer !== null) clearTimeout(this.safetyTimer);
    this.safetyTimer = setTimeout(() => {
      this.safetyTimer = null;
      if (this.stopped || this.finished || !this.source) return;
      void this.refreshOnce().then(() => this.scheduleSafetyPoll());
    }, this.opts.safetyPollMs);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimers();
    this.opts.onConnection("closed");
    this.opts.onFinished?.();
  }

  /** Fetch the job once; finishes the stream if the job turned out final. */
  private async refreshOnce(): Promise<boolean> {
    try {
      const snapshot = await this.opts.fetchJob(this.opts.jobId);
      if (this.stopped) return false;
      for (const event of snapshot.events) this.lastSeq = Math.max(this.lastSeq, event.seq);
      this.opts.onSnapshot(snapshot);
      if (isTerminalStatus(snapshot.job.status)) {
        this.closeSource();
        this.finish();
      }
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Poll `GET /api/jobs/{id}`: as the fallback when SSE keeps failing, or while
   * waiting for a free stream slot (then switch to SSE as soon as one frees).
   */
  private startPolling(reason: "fallback" | "waiting"): void {
    if (this.stopped || this.finished) return;
    this.opts.onConnection(reason === "fallback" ? "polling" : "waiting");
    const tick = async () => {
      if (this.stopped || this.finished) return;
      if (reason === "waiting" && !this.sseBroken && this.opts.slots.tryAcquire(this)) {
        this.openSource();
        return;
      }
      const ok = await this.refreshOnce();
      if (this.stopped || this.finished) return;
      this.pollDelay = ok
        ? this.opts.pollIntervalMs
        : Math.min(this.pollDelay * 2, this.opts.maxPollIntervalMs);
      this.schedule(() => void tick(), this.pollDelay);
    };
    void tick();
  }
}
