/**
 * Maximal runs over a window of an event sequence, kept up to date incrementally.
 *
 * Every run-shaped rule of the contract (route deviation, unauthorized stop, restricted zone, tamper,
 * low battery) is the same greedy walk in event-time order: an event that `continues` the current
 * run (judged against the run's first event, its anchor) extends it; one that does not ends it and,
 * if it `starts` a run, opens the next one. A run records its first and last events and the event
 * after it (which clears the alarm), or null while it is still open.
 *
 * An inserted event changes the walk only from the run it falls into, and only until the walk is
 * again in the same state as before (both outside any run, or inside runs with the same anchor).
 * Appending, the common case, costs O(log runs); a late event costs the length of the change it makes.
 */
import { compareEvents, type DeviceEvent } from "./device-event.js";
import type { EventSequence } from "./event-sequence.js";

export interface Run {
  readonly first: DeviceEvent;
  readonly last: DeviceEvent;
  /** The event that ended the run, or null while the run is still open at the window's end. */
  readonly next: DeviceEvent | null;
}

export interface RunPolicy {
  starts(event: DeviceEvent): boolean;
  continues(anchor: DeviceEvent, event: DeviceEvent): boolean;
  /**
   * Whether the event that ends a run may itself start the next one (true unless set to false: a
   * stop run's ending fix may start the next stop; the report that clears low battery does not
   * raise it again).
   */
  readonly endingEventMayStart?: boolean;
}

/** Receives every change of the run set: the runs removed and the runs that replace them. */
export interface RunSink<R extends { readonly policy: RunPolicy }> {
  replaced(tracker: RunTracker<R>, removed: readonly Run[], added: readonly Run[]): void;
}

const NO_RUNS: readonly Run[] = Object.freeze([]);

/**
 * `R` is whatever the sink needs to know which rule the runs belong to; it must carry the policy.
 * The window is `[lo, hi)` in index positions of `sequence`, passed with each call.
 */
export class RunTracker<R extends { readonly policy: RunPolicy }> {
  private readonly runs: Run[] = [];

  constructor(
    readonly rule: R,
    private readonly sink: RunSink<R>,
  ) {}

  /** Current runs, in order (for tests and inspection). */
  get current(): readonly Run[] {
    return this.runs;
  }

  /**
   * The runs whose first event has event time `timeMs`, in order. Several runs can start at one
   * instant when same-instant events of different content end and restart a run.
   */
  runsStartingAt(timeMs: number): Run[] {
    const runs = this.runs;
    let lo = 0;
    let hi = runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (runs[mid]!.first.atMs < timeMs) lo = mid + 1;
      else hi = mid;
    }
    const found: Run[] = [];
    for (let i = lo; i < runs.length && runs[i]!.first.atMs === timeMs; i++) found.push(runs[i]!);
    return found;
  }

  /** Index of the run whose span contains `event`, or -1. */
  private runContaining(event: DeviceEvent): number {
    const runs = this.runs;
    const n = runs.length;
    if (n === 0) return -1;
    const lastRun = runs[n - 1]!;
    if (lastRun.last === event) return n - 1;
    // Last run whose first event is at or before `event`.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEvents(runs[mid]!.first, event) <= 0) lo = mid + 1;
      else hi = mid;
    }
    const candidate = lo - 1;
    if (candidate < 0) return -1;
    return compareEvents(runs[candidate]!.last, event) >= 0 ? candidate : -1;
  }

  /** Index of the first run whose first event comes after `event`. */
  private firstRunAfter(event: DeviceEvent, from: number): number {
    const runs = this.runs;
    let lo = from;
    let hi = runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEvents(runs[mid]!.first, event) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The event at `index` of the window was just inserted into the sequence. */
  inserted(sequence: EventSequence, lo: number, hi: number, index: number): void {
    const policy = this.rule.policy;
    const previous = index - 1 >= lo ? sequence.get(index - 1) : null;
    let replaceFrom: number;
    let first: DeviceEvent | null = null;
    let last: DeviceEvent | null = null;
    if (previous === null) {
      replaceFrom = 0;
    } else {
      const containing = this.runContaining(previous);
      if (containing >= 0) {
        replaceFrom = containing;
        first = this.runs[containing]!.first;
        last = previous;
      } else {
        replaceFrom = this.firstRunAfter(previous, 0);
      }
    }
    let added: Run[] | null = null;
    let replaceTo = -1;
    for (let k = index; k < hi; k++) {
      const event = sequence.get(k);
      if (first !== null && policy.continues(first, event)) {
        last = event;
      } else {
        const ended = first !== null;
        if (ended) (added ??= []).push({ first: first!, last: last!, next: event });
        if ((!ended || policy.endingEventMayStart !== false) && policy.starts(event)) {
          first = event;
          last = event;
        } else {
          first = null;
          last = null;
        }
      }
      if (k > index) {
        // Past the inserted event: stop as soon as the walk agrees with the old runs.
        const old = this.runContaining(event);
        if (first === null && old < 0) {
          replaceTo = this.firstRunAfter(event, replaceFrom);
          break;
        }
        if (first !== null && old >= 0 && this.runs[old]!.first === first) {
          const oldRun = this.runs[old]!;
          (added ??= []).push({ first, last: oldRun.last, next: oldRun.next });
          first = null;
          replaceTo = old + 1;
          break;
        }
      }
    }
    if (replaceTo < 0) {
      if (first !== null) (added ??= []).push({ first, last: last!, next: null });
      replaceTo = this.runs.length;
    }
    this.replace(replaceFrom, replaceTo, added ?? NO_RUNS);
  }

  /** The window's upper bound moved down to `window.hi`: later events no longer belong to it. */
  truncated(sequence: EventSequence, lo: number, hi: number): void {
    if (hi <= lo) {
      this.replace(0, this.runs.length, NO_RUNS);
      return;
    }
    const lastInWindow = sequence.get(hi - 1);
    const containing = this.runContaining(lastInWindow);
    if (containing < 0) {
      this.replace(this.firstRunAfter(lastInWindow, 0), this.runs.length, NO_RUNS);
      return;
    }
    const run = this.runs[containing]!;
    const next = run.next !== null && compareEvents(run.next, lastInWindow) <= 0 ? run.next : null;
    const trimmed: Run =
      compareEvents(run.last, lastInWindow) > 0
        ? { first: run.first, last: lastInWindow, next }
        : { ...run, next };
    this.replace(containing, this.runs.length, [trimmed]);
  }

  /** Recomputes every run of the window from scratch (when a window opens). */
  rebuild(sequence: EventSequence, lo: number, hi: number): void {
    const policy = this.rule.policy;
    const added: Run[] = [];
    let first: DeviceEvent | null = null;
    let last: DeviceEvent | null = null;
    for (let k = lo; k < hi; k++) {
      const event = sequence.get(k);
      if (first !== null && policy.continues(first, event)) {
        last = event;
        continue;
      }
      const ended = first !== null;
      if (ended) added.push({ first: first!, last: last!, next: event });
      if ((!ended || policy.endingEventMayStart !== false) && policy.starts(event)) {
        first = event;
        last = event;
      } else {
        first = null;
        last = null;
      }
    }
    if (first !== null) added.push({ first, last: last!, next: null });
    this.replace(0, this.runs.length, added);
  }

  private replace(from: number, to: number, added: readonly Run[]): void {
    if (from === to && added.length === 0) return;
    const removed = to > from ? this.runs.slice(from, to) : NO_RUNS;
    if (from === this.runs.length) {
      for (const run of added) this.runs.push(run);
    } else {
      this.runs.splice(from, to - from, ...added);
    }
    this.sink.replaced(this, removed, added);
  }
}
