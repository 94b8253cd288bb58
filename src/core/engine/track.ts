/**
 * The rule state of one device on one trip: the run trackers of every run-shaped rule over the
 * device's events inside the trip's window `[arming, closing)`, and the device's signal-loss timer.
 */
import { ALARM_SEVERITY, type Alarm } from "../domain/model.js";
import type { RouteHint } from "../geo/route-index.js";
import type { AlarmBook } from "./alarm-book.js";
import type { DeviceEvent } from "./device-event.js";
import type { EventSequence } from "./event-sequence.js";
import { RunTracker, type Run, type RunSink } from "./run-tracker.js";
import type { Timer, TimerQueue } from "./timer-queue.js";
import { runAlarm, type RunRule } from "./rules/run-rules.js";
import type { DeviceRuntime } from "./device-runtime.js";
import type { TripRuntime } from "./trip-runtime.js";

type Tracker = RunTracker<RunRule>;

const NO_ZONES: readonly number[] = [];

export class Track implements Timer, RouteHint, RunSink<RunRule> {
  closeAtMs: number | null = null;
  /** The route segment the device matched last (a `RouteHint`). */
  segment = 0;
  private readonly deviation: Tracker;
  private readonly stop: Tracker;
  private tamper: Tracker | null = null;
  private battery: Tracker | null = null;
  /** One tracker per restricted zone the device's fixes have entered, by zone number. */
  private restricted: Map<number, Tracker> | null = null;

  /** Signal loss: null for passive devices. */
  private readonly signalLossMs: number | null;
  private lastReceivedAtMs: number;
  /** lastReceivedAtMs + the signal-loss limit, kept as a field: the timer queue reads it often. */
  dueMs: number;
  private openSignalLoss: Alarm | null = null;
  queued = false;

  constructor(
    readonly trip: TripRuntime,
    readonly device: DeviceRuntime,
    readonly armAtMs: number,
    private readonly book: AlarmBook,
    private readonly timers: TimerQueue,
  ) {
    this.deviation = new RunTracker(trip.deviationRule, this);
    this.stop = new RunTracker(trip.stopRule, this);
    const interval = device.reportIntervalS;
    this.signalLossMs =
      device.spec.class === "passive" || interval === undefined
        ? null
        : (trip.rules.signalLossS ?? 2 * interval) * 1000;
    this.lastReceivedAtMs = armAtMs;
    this.dueMs = armAtMs + (this.signalLossMs ?? 0);
  }

  /** Whether `timeMs` falls inside the window `[arming, closing)`. */
  covers(timeMs: number): boolean {
    return timeMs >= this.armAtMs && (this.closeAtMs === null || timeMs < this.closeAtMs);
  }

  private lo(sequence: EventSequence): number {
    return sequence.lowerBoundTime(this.armAtMs);
  }

  private hi(sequence: EventSequence): number {
    return this.closeAtMs === null ? sequence.length : sequence.lowerBoundTime(this.closeAtMs);
  }

  // Run changes become alarm changes.

  replaced(tracker: Tracker, removed: readonly Run[], added: readonly Run[]): void {
    const rule = tracker.rule;
    const { qualifies, clears } = rule;
    if (removed.length === 1 && added.length === 1) {
      // The usual change: the open run grew by one event.
      const before = removed[0]!;
      const after = added[0]!;
      if (before.first === after.first) {
        const was = qualifies(before);
        const is = qualifies(after);
        if (!was && !is) return;
        if (was && is && (!clears || before.next === after.next)) return;
      }
    }
    // An alarm is identified by its run's first event time. When same-instant events end a run and
    // start another at that instant, both runs share one identity: the alarm then follows the last
    // of them, the state the condition is in after that instant.
    const instants = new Set<number>();
    for (const run of removed) instants.add(run.first.atMs);
    for (const run of added) instants.add(run.first.atMs);
    const trip = this.trip.id;
    const device = this.device.id;
    for (const atMs of instants) {
      const runs = tracker.runsStartingAt(atMs);
      let last: Run | undefined;
      for (const run of runs) if (qualifies(run)) last = run;
      if (last === undefined)
        this.book.remove({
          type: rule.type,
          trip,
          device,
          startedAtMs: atMs,
          ...(rule.zone === undefined ? {} : { zone: rule.zone }),
        });
      else this.book.set(runAlarm(rule, trip, device, last));
    }
  }

  private restrictedTracker(zone: number): Tracker {
    this.restricted ??= new Map();
    let tracker = this.restricted.get(zone);
    if (tracker === undefined) {
      tracker = new RunTracker(this.trip.restrictedRule(zone), this);
      this.restricted.set(zone, tracker);
    }
    return tracker;
  }

  /** Computes the trip-specific facts of a fix before the rules see it. */
  prepareFix(fix: DeviceEvent): void {
    fix.outOfCorridor = !this.trip.route.isWithinM(fix.lon, fix.lat, this.trip.rules.corridorM, this);
  }

  /** A fix inside the window was inserted at `index` of the device's fixes. */
  fixInserted(index: number): void {
    const fixes = this.device.timeline.fixes;
    const lo = this.lo(fixes);
    const hi = this.hi(fixes);
    this.deviation.inserted(fixes, lo, hi, index);
    this.stop.inserted(fixes, lo, hi, index);
    // Restricted zones: the fix and its neighbours may start, extend, split or end a zone's run.
    const fix = fixes.get(index);
    const previous = index - 1 >= lo ? fixes.get(index - 1).zones : NO_ZONES;
    const next = index + 1 < hi ? fixes.get(index + 1).zones : NO_ZONES;
    if (fix.zones.length === 0 && previous.length === 0 && next.length === 0) return;
    for (const zone of new Set([...fix.zones, ...previous, ...next])) {
      if (this.trip.isRestricted(zone)) this.restrictedTracker(zone).inserted(fixes, lo, hi, index);
    }
  }

  tamperInserted(index: number): void {
    const tampers = this.device.timeline.tampers;
    this.tamper ??= new RunTracker(this.trip.tamperRule, this);
    this.tamper.inserted(tampers, this.lo(tampers), this.hi(tampers), index);
  }

  batteryInserted(index: number): void {
    const batteries = this.device.timeline.batteries;
    this.battery ??= new RunTracker(this.trip.batteryRule, this);
    this.battery.inserted(batteries, this.lo(batteries), this.hi(batteries), index);
  }

  /** The window opened (arming or restore): evaluates whatever events already fall inside it. */
  opened(scheduleSignalLoss: boolean): void {
    const { fixes, tampers, batteries } = this.device.timeline;
    const lo = this.lo(fixes);
    const hi = this.hi(fixes);
    for (let k = lo; k < hi; k++) {
      const fix = fixes.get(k);
      this.prepareFix(fix);
      for (const zone of fix.zones) if (this.trip.isRestricted(zone)) this.restrictedTracker(zone);
    }
    this.deviation.rebuild(fixes, lo, hi);
    this.stop.rebuild(fixes, lo, hi);
    for (const tracker of this.restricted?.values() ?? []) tracker.rebuild(fixes, lo, hi);
    if (this.hi(tampers) > this.lo(tampers)) {
      this.tamper ??= new RunTracker(this.trip.tamperRule, this);
      this.tamper.rebuild(tampers, this.lo(tampers), this.hi(tampers));
    }
    if (this.hi(batteries) > this.lo(batteries)) {
      this.battery ??= new RunTracker(this.trip.batteryRule, this);
      this.battery.rebuild(batteries, this.lo(batteries), this.hi(batteries));
    }
    if (scheduleSignalLoss && this.signalLossMs !== null) this.timers.schedule(this);
  }

  /** Restores the signal-loss state the store recorded: the latest arrival and the open alarm, if any. */
  restoreSignalLoss(lastReceivedAtMs: number, open: Alarm | null): void {
    this.lastReceivedAtMs = lastReceivedAtMs;
    this.dueMs = lastReceivedAtMs + (this.signalLossMs ?? 0);
    this.openSignalLoss = open;
  }

  /** The window closed at `closeAtMs` (disarm): events at or after it leave the rules. */
  closed(closeAtMs: number): void {
    this.closeAtMs = closeAtMs;
    const { fixes, tampers, batteries } = this.device.timeline;
    const lo = this.lo(fixes);
    const hi = this.hi(fixes);
    this.deviation.truncated(fixes, lo, hi);
    this.stop.truncated(fixes, lo, hi);
    for (const tracker of this.restricted?.values() ?? []) tracker.truncated(fixes, lo, hi);
    this.tamper?.truncated(tampers, this.lo(tampers), this.hi(tampers));
    this.battery?.truncated(batteries, this.lo(batteries), this.hi(batteries));
    if (this.openSignalLoss !== null) {
      this.book.set({ ...this.openSignalLoss, clearedAtMs: closeAtMs });
      this.openSignalLoss = null;
    }
  }

  // Signal loss, as a clock-driven timer.

  get pending(): boolean {
    return this.signalLossMs !== null && this.closeAtMs === null && this.openSignalLoss === null;
  }

  fire(): void {
    const alarm: Alarm = {
      type: "signal_loss",
      severity: ALARM_SEVERITY.signal_loss,
      trip: this.trip.id,
      device: this.device.id,
      startedAtMs: this.lastReceivedAtMs,
      clearedAtMs: null,
    };
    this.openSignalLoss = alarm;
    this.book.set(alarm);
  }

  /** A message of the device was received (the track's trip is not closed). */
  received(receivedAtMs: number): void {
    if (this.signalLossMs === null) return;
    if (this.openSignalLoss !== null) {
      this.book.set({ ...this.openSignalLoss, clearedAtMs: receivedAtMs });
      this.openSignalLoss = null;
    }
    this.lastReceivedAtMs = receivedAtMs;
    this.dueMs = receivedAtMs + this.signalLossMs;
    this.timers.schedule(this);
  }
}
