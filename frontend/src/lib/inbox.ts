/**
 * One-shot hand-offs between screens ("generate again" prefills Generate,
 * "send to edit" adds images to Edit). The receiving screen may not be
 * mounted yet, so items wait here until it takes them.
 */
import { useEffect, useState } from "react";

export class Inbox<T> {
  private items: T[] = [];
  private readonly listeners = new Set<() => void>();

  put(item: T): void {
    this.items.push(item);
    for (const l of this.listeners) l();
  }

  take(): T[] {
    const items = this.items;
    this.items = [];
    return items;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.items.length;
  }
}

/** Deliver every item put into `inbox` to `onItem`, now and later. */
export function useInbox<T>(inbox: Inbox<T>, onItem: (item: T) => void): void {
  const [tick, setTick] = useState(0);
  useEffect(() => inbox.subscribe(() => setTick((n) => n + 1)), [inbox]);
  useEffect(() => {
    for (const item of inbox.take()) onItem(item);
    // `onItem` is deliberately not a dependency: it is read fresh on every delivery.
  }, [inbox, tick]);
}
