/**
 * The rule state of one device on one trip: the run trackers of every run-shaped rule over the
 * device's events inside the trip's window `[arming, closing)`, and the device's signal-loss timer.
 */
import { ALARM_SEVERITY, type Alarm } from "../domain/model.js";
import type { RouteHint } from "../geo/route-index.js";
import type { AlarmBook } from "./alarm-book.js";
import type { DeviceEvent } from "./device-event.js";
import type { EventSequence } from "./event-sequence.js";
import { RunTracker, type Window } from "./run-tracker.js";
import type { Timer, TimerQueue } from "./timer-queue.js";
import { RunAlarms } from "./rules/run-alarms.js";
import {
  always,
  batteryPolicy,
  deviationPolicy,
  restrictedPolicy,
  spansAtLeast,
  stopPolicy,
  stopQualifies,
  tamperPolicy,
} from "./rules/policies.js";
import type { DeviceRuntime } from "./device-runtime.js";
import type { TripRuntime } from "./trip-runtime.js";

export class Track implements Timer {
  closeAtMs: number | null = null;
  readonly routeHint: RouteHint = { segment: 0 };
  private readonly deviation: RunTracker;
  private readonly stop: RunTracker;
  private readonly tamper: RunTracker;
  private readonly battery: RunTracker;
  /** One tracker per restricted zone the device's fixes have entered, by zone number. */
  private readonly restricted = new Map<number, RunTracker>();

  /** Signal loss: null for passive devices. */
  private readonly signalLossMs: number | null;
  private lastReceivedAtMs: number;
  private openSignalLoss: Alarm | null = null;
  queued = false;

  constructor(
    readonly trip: TripRuntime,
    readonly device: DeviceRuntime,
    readonly armAtMs: number,
    private readonly book: AlarmBook,
    private readonly timers: TimerQueue,
    /** Zone ids by zone number, to label restricted-zone alarms. */
    private readonly zoneIds: readonly string[],
  ) {
    const rules = trip.rules;
    const base = { trip: trip.id, device: device.id };
    this.deviation = new RunTracker(
      deviationPolicy,
      new RunAlarms(book, {
        ...base,
        type: "route_deviation",
        qualifies: spansAtLeast(rules.deviationMinS),
        clears: true,
      }),
    );
    this.stop = new RunTracker(
      stopPolicy(rules),
      new RunAlarms(book, {
        ...base,
        type: "unauthorized_stop",
        qualifies: stopQualifies(rules.stopMinS),
        clears: true,
      }),
    );
    this.tamper = new RunTracker(
      tamperPolicy,
      new RunAlarms(book, { ...base, type: "tamper", qualifies: always, clears: false }),
    );
    this.battery = new RunTracker(
      batteryPolicy(rules),
      new RunAlarms(book, { ...base, type: "low_battery", qualifies: always, clears: true }),
    );
    const interval = device.reportIntervalS;
    this.signalLossMs =
      device.spec.class === "passive" || interval === undefined
        ? null
        : (rules.signalLossS ?? 2 * interval) * 1000;
    this.lastReceivedAtMs = armAtMs;
  }

  /** Whether `timeMs` falls inside the window `[arming, closing)`. */
  covers(timeMs: number): boolean {
    return timeMs >= this.armAtMs && (this.closeAtMs === null || timeMs < this.closeAtMs);
  }

  private window(sequence: EventSequence): Window {
    const lo = sequence.lowerBoundTime(this.armAtMs);
    const hi = this.closeAtMs === null ? sequence.length : sequence.lowerBoundTime(this.closeAtMs);
    return { sequence, lo, hi };
  }

  private restrictedTracker(zone: number): RunTracker {
    let tracker = this.restricted.get(zone);
    if (tracker === undefined) {
      tracker = new RunTracker(
        restrictedPolicy(zone),
        new RunAlarms(this.book, {
          type: "restricted_zone",
          trip: this.trip.id,
          device: this.device.id,
          zone: this.zoneIds[zone]!,
          qualifies: always,
          clears: true,
        }),
      );
      this.restricted.set(zone, tracker);
    }
    return tracker;
  }

  /** Computes the trip-specific facts of a fix before the rules see it. */
  prepareFix(fix: DeviceEvent): void {
    fix.outOfCorridor = !this.trip.route.isWithinM(
      fix.lon,
      fix.lat,
      this.trip.rules.corridorM,
      this.routeHint,
    );
  }

  /** A fix inside the window was inserted at `index` of the device's fixes. */
  fixInserted(index: number): void {
    const fixes = this.device.timeline.fixes;
    const window = this.window(fixes);
    this.deviation.inserted(window, index);
    this.stop.inserted(window, index);
    const fix = fixes.get(index);
    const touched = new Set<number>();
    for (const zone of fix.zones) if (this.trip.isRestricted(zone)) touched.add(zone);
    if (index - 1 >= window.lo)
      for (const zone of fixes.get(index - 1).zones) if (this.trip.isRestricted(zone)) touched.add(zone);
    if (index + 1 < window.hi)
      for (const zone of fixes.get(index + 1).zones) if (this.trip.isRestricted(zone)) touched.add(zone);
    for (const zone of touched) this.restrictedTracker(zone).inserted(window, index);
  }

  tamperInserted(index: number): void {
    this.tamper.inserted(this.window(this.device.timeline.tampers), index);
  }

  batteryInserted(index: number): void {
    this.battery.inserted(this.window(this.device.timeline.batteries), index);
  }

  /** The window opened (arming): evaluates whatever events already fall inside it. */
  opened(): void {
    const { fixes, tampers, batteries } = this.device.timeline;
    const fixWindow = this.window(fixes);
    for (let k = fixWindow.lo; k < fixWindow.hi; k++) {
      const fix = fixes.get(k);
      this.prepareFix(fix);
      for (const zone of fix.zones) if (this.trip.isRestricted(zone)) this.restrictedTracker(zone);
    }
    this.deviation.rebuild(fixWindow);
    this.stop.rebuild(fixWindow);
    for (const tracker of this.restricted.values()) tracker.rebuild(fixWindow);
    this.tamper.rebuild(this.window(tampers));
    this.battery.rebuild(this.window(batteries));
    if (this.signalLossMs !== null) this.timers.schedule(this);
  }

  /** The window closed at `closeAtMs` (disarm): events at or after it leave the rules. */
  closed(closeAtMs: number): void {
    this.closeAtMs = closeAtMs;
    const { fixes, tampers, batteries } = this.device.timeline;
    const fixWindow = this.window(fixes);
    this.deviation.truncated(fixWindow);
    this.stop.truncated(fixWindow);
    for (const tracker of this.restricted.values()) tracker.truncated(fixWindow);
    this.tamper.truncated(this.window(tampers));
    this.battery.truncated(this.window(batteries));
    if (this.openSignalLoss !== null) {
      this.book.set({ ...this.openSignalLoss, clearedAtMs: closeAtMs });
      this.openSignalLoss = null;
    }
  }

  // Signal loss, as a clock-driven timer.

  get dueMs(): number {
    return this.lastReceivedAtMs + (this.signalLossMs ?? 0);
  }

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
    this.timers.schedule(this);
  }
}
