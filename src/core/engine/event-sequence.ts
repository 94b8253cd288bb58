/**
 * An event-time-ordered sequence of one device's events. The engine reaches a device's history only
 * through this interface, so that history can later be paged from a store instead of held in memory.
 */
import { compareEvents, type DeviceEvent } from "./device-event.js";

export interface EventSequence {
  readonly length: number;
  get(index: number): DeviceEvent;
  /** Inserts in order and returns the index; appending (the usual case) costs O(1). */
  insert(event: DeviceEvent): number;
  /** Index of the first event with `atMs >= timeMs` (`length` if none). */
  lowerBoundTime(timeMs: number): number;
  /** Index of `event`, which must be in the sequence. */
  indexOf(event: DeviceEvent): number;
  /** Removes `event` if present. */
  remove(event: DeviceEvent): void;
  /** Removes the events at index positions [from, to). */
  removeRange(from: number, to: number): void;
  last(): DeviceEvent | undefined;
}

/** The in-memory implementation: a sorted array. */
export class ArrayEventSequence implements EventSequence {
  private readonly items: DeviceEvent[] = [];
  /** Event time of the last item, kept as a number so the append test needs no trip to the item. */
  private lastAtMs = -Infinity;
  /** Inserts and removals anywhere but the end; a cached position stays valid while this does not move. */
  private reshapes = 0;
  /** One cached lowerBoundTime answer: windows ask for their arming time on every event. */
  private cachedTimeMs = Number.NaN;
  private cachedIndex = 0;
  private cachedReshapes = -1;

  get length(): number {
    return this.items.length;
  }

  get(index: number): DeviceEvent {
    return this.items[index]!;
  }

  last(): DeviceEvent | undefined {
    return this.items[this.items.length - 1];
  }

  insert(event: DeviceEvent): number {
    const items = this.items;
    const n = items.length;
    if (event.atMs > this.lastAtMs || n === 0 || compareEvents(items[n - 1]!, event) < 0) {
      items.push(event);
      this.lastAtMs = event.atMs;
      return n;
    }
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEvents(items[mid]!, event) < 0) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, event);
    this.reshapes++;
    return lo;
  }

  lowerBoundTime(timeMs: number): number {
    const items = this.items;
    let lo = 0;
    let hi = items.length;
    if (hi === 0 || this.lastAtMs < timeMs) return hi;
    // Appends never move the first position at or after a time that some item already reaches.
    if (timeMs === this.cachedTimeMs && this.cachedReshapes === this.reshapes) return this.cachedIndex;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (items[mid]!.atMs < timeMs) lo = mid + 1;
      else hi = mid;
    }
    this.cachedTimeMs = timeMs;
    this.cachedIndex = lo;
    this.cachedReshapes = this.reshapes;
    return lo;
  }

  indexOf(event: DeviceEvent): number {
    const items = this.items;
    const n = items.length;
    if (n > 0 && items[n - 1] === event) return n - 1;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEvents(items[mid]!, event) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (items[lo] !== event) throw new Error("event is not in the sequence");
    return lo;
  }

  removeRange(from: number, to: number): void {
    if (to <= from) return;
    this.items.splice(from, to - from);
    this.reshapes++;
    this.lastAtMs = this.items.length === 0 ? -Infinity : this.items[this.items.length - 1]!.atMs;
  }

  remove(event: DeviceEvent): void {
    const items = this.items;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEvents(items[mid]!, event) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (items[lo] === event) {
      items.splice(lo, 1);
      this.reshapes++;
      this.lastAtMs = items.length === 0 ? -Infinity : items[items.length - 1]!.atMs;
    }
  }
}

/** A device's history, split by what each rule reads. */
export interface DeviceTimeline {
  /** Messages that carry nothing the other sequences hold (no valid fix, seal, tamper or battery). */
  readonly bare: EventSequence;
  /** Messages with a valid position. */
  readonly fixes: EventSequence;
  /** Messages carrying `seal`. */
  readonly seals: EventSequence;
  /** Messages carrying `tamper`, and passive reads. */
  readonly tampers: EventSequence;
  /** Messages carrying `batteryPct`. */
  readonly batteries: EventSequence;
  /** Passive reads. */
  readonly reads: EventSequence;
  /** Events where the seal goes from closed to open. */
  readonly openings: EventSequence;
}

export type TimelineFactory = (deviceId: string) => DeviceTimeline;

export const memoryTimeline: TimelineFactory = () => ({
  bare: new ArrayEventSequence(),
  fixes: new ArrayEventSequence(),
  seals: new ArrayEventSequence(),
  tampers: new ArrayEventSequence(),
  batteries: new ArrayEventSequence(),
  reads: new ArrayEventSequence(),
  openings: new ArrayEventSequence(),
});
