/**
 * The monitoring engine: the contract of `spec/monitoring.md`, applied one input at a time.
 *
 * Pure and incremental: no I/O, no wall clock, no randomness. Time comes with the inputs (event
 * times, arrival times, commands and ticks); the clock is the largest arrival time seen. Each input
 * touches only the runs and timers around it, and its result lists only the net changes it made.
 *
 * A host that keeps history in a store can also bring trips back silently (`restoreEvents`,
 * `restoreTrip`) after a restart or for late data, and let finished trips go (`evictTrip`,
 * `trimDevice`), so that memory follows the live trips rather than the whole history.
 */
import { SealwatchError } from "../errors.js";
import {
  compareAlarms,
  type Alarm,
  type Device,
  type TripSpec,
  type Zone,
  type ZoneKind,
} from "../domain/model.js";
import { ZoneIndex } from "../geo/zone-index.js";
import { formatTimeMs } from "../time/rfc3339.js";
import type { AlarmEvidence } from "../evidence/alarm-evidence.js";
import { AlarmBook, type AlarmChange } from "./alarm-book.js";
import { alarmEvidence } from "./alarm-evidence-facts.js";
import { armRefusal, cancelRefusal, disarmRefusal } from "./commands.js";
import { messageEvent, readEvent, type DeviceEvent } from "./device-event.js";
import { DeviceRuntime } from "./device-runtime.js";
import {
  memoryTimeline,
  type DeviceTimeline,
  type EventSequence,
  type TimelineFactory,
} from "./event-sequence.js";
import type {
  ApplyResult,
  ApplyStatus,
  CommandInput,
  EngineInput,
  MessageInput,
  ReadInput,
  TripChange,
} from "./inputs.js";
import { OpeningRule } from "./rules/opening-rule.js";
import { restrictedRule, type RunRule } from "./rules/run-rules.js";
import { evaluateOverdue, passiveRead, withdrawCheckpointsFrom } from "./rules/trip-alarms.js";
import { TimerQueue, type Timer } from "./timer-queue.js";
import { Track } from "./track.js";
import { TripRuntime } from "./trip-runtime.js";

export interface EngineOptions {
  /** Where device histories live; in memory by default. */
  readonly timeline?: TimelineFactory;
}

/** What the store recorded about a trip, to bring it back without replaying its inputs. */
export interface RestoredTripState {
  readonly armAtMs?: number;
  readonly closeAtMs?: number;
  readonly cancelAtMs?: number;
  /** Recorded transitions; used as they are for closed trips (final), recomputed otherwise. */
  readonly inTransitAtMs?: number;
  readonly arrivedAtMs?: number;
  /** Per device: the latest arrival since arming, and its recorded signal_loss alarms. */
  readonly signalLoss?: readonly {
    readonly deviceId: string;
    readonly lastReceivedAtMs: number;
    readonly alarms: readonly Alarm[];
  }[];
}

const NO_TRIP_CHANGES: TripChange[] = [];

export class MonitoringEngine {
  private readonly zones: Zone[] = [];
  private readonly zoneNumbers = new Map<string, number>();
  private zoneIndex: ZoneIndex | null = null;
  private zoneKinds: ZoneKind[] = [];
  private readonly devices = new Map<string, DeviceRuntime>();
  private readonly trips = new Map<string, TripRuntime>();
  private readonly book = new AlarmBook();
  private readonly timers = new TimerQueue();
  private readonly openings = new OpeningRule(this.book);
  private readonly timelineFactory: TimelineFactory;
  private clock: number | null = null;
  private readonly dirtyTrips = new Set<TripRuntime>();
  private readonly restrictedRules = new Map<number, RunRule>();

  constructor(options: EngineOptions = {}) {
    this.timelineFactory = options.timeline ?? memoryTimeline;
  }

  /** The largest arrival time seen so far, or null before the first accepted input. */
  get clockMs(): number | null {
    return this.clock;
  }

  // Definitions.

  addZone(zone: Zone): void {
    if (this.zoneNumbers.has(zone.id))
      throw new SealwatchError("DUPLICATE_ID", `zone "${zone.id}" is already defined`);
    this.zoneNumbers.set(zone.id, this.zones.length);
    this.zones.push(zone);
    this.zoneIndex = null;
    this.zoneKinds = this.zones.map((z) => z.kind);
  }

  /**
   * Replaces a zone's shape, name or kind. Fixes already received keep the zones they were found in;
   * the change applies to fixes that arrive from now on.
   */
  updateZone(zone: Zone): void {
    const number = this.zoneNumbers.get(zone.id);
    if (number === undefined)
      throw new SealwatchError("UNKNOWN_REFERENCE", `zone "${zone.id}" is not defined`);
    this.zones[number] = zone;
    this.zoneIndex = null;
    this.zoneKinds = this.zones.map((z) => z.kind);
    this.restrictedRules.delete(number);
  }

  hasZone(id: string): boolean {
    return this.zoneNumbers.has(id);
  }

  /**
   * Adds a device. A host whose history lives in a store passes `historyInStore`: the device's
   * history then counts as not in memory until `restoreEvents` brings it back.
   */
  addDevice(device: Device, options: { historyInStore?: boolean } = {}): void {
    if (this.devices.has(device.id))
      throw new SealwatchError("DUPLICATE_ID", `device "${device.id}" is already defined`);
    const runtime = new DeviceRuntime(device, this.timelineFactory(device.id));
    if (options.historyInStore === true) runtime.residentFromMs = Infinity;
    this.devices.set(device.id, runtime);
  }

  /**
   * Changes a device's report interval (its class cannot change: rules depend on it). Applies to the
   * signal-loss limit of trips armed from now on.
   */
  updateDevice(device: Device): void {
    const runtime = this.devices.get(device.id);
    if (runtime === undefined)
      throw new SealwatchError("UNKNOWN_REFERENCE", `device "${device.id}" is not defined`);
    if (runtime.spec.class !== device.class) {
      throw new SealwatchError(
        "INVALID_DEFINITION",
        `device "${device.id}" is ${runtime.spec.class}; its class cannot change`,
      );
    }
    runtime.redefine(device);
  }

  hasDevice(id: string): boolean {
    return this.devices.has(id);
  }

  declareTrip(spec: TripSpec): void {
    const office = (id: string, role: string): number => {
      const number = this.zoneNumbers.get(id);
      if (number === undefined)
        throw new SealwatchError("UNKNOWN_REFERENCE", `${role} "${id}" is not a known zone`);
      const kind = this.zones[number]!.kind;
      if (kind !== "office")
        throw new SealwatchError("INVALID_DEFINITION", `${role} "${id}" is a ${kind} zone, not an office`);
      return number;
    };
    const origin = office(spec.origin, "origin");
    const destination = office(spec.destination, "destination");
    for (const checkpoint of spec.checkpoints ?? []) office(checkpoint, "checkpoint");
    if (spec.devices.length === 0)
      throw new SealwatchError("INVALID_DEFINITION", `trip "${spec.id}" has no device`);
    let positionReporting = false;
    for (const id of spec.devices) {
      const device = this.devices.get(id);
      if (device === undefined)
        throw new SealwatchError("UNKNOWN_REFERENCE", `device "${id}" is not defined`);
      if (device.spec.class !== "passive") positionReporting = true;
    }
    if (spec.route.length === 0)
      throw new SealwatchError("INVALID_DEFINITION", `trip "${spec.id}" has an empty route`);
    // Checked last, so that a declaration with other faults answers alike whether or not the id is taken.
    if (this.trips.has(spec.id))
      throw new SealwatchError("DUPLICATE_ID", `trip "${spec.id}" is already declared`);
    const trip = new TripRuntime(spec, origin, destination, this.zoneKinds, positionReporting, (zone) =>
      this.restrictedRule(zone),
    );
    this.trips.set(spec.id, trip);
    this.openings.maxFixAgeMs = Math.max(this.openings.maxFixAgeMs, trip.rules.openingFixMaxAgeS * 1000);
  }

  hasTrip(id: string): boolean {
    return this.trips.has(id);
  }

  private restrictedRule(zone: number): RunRule {
    let rule = this.restrictedRules.get(zone);
    if (rule === undefined) {
      rule = restrictedRule(zone, this.zones[zone]!.id);
      this.restrictedRules.set(zone, rule);
    }
    return rule;
  }

  private get index(): ZoneIndex {
    this.zoneIndex ??= new ZoneIndex(this.zones.map((zone) => zone.shape));
    return this.zoneIndex;
  }

  // Inspection.

  /** Every alarm the rules currently give, in contract order. */
  alarms(): Alarm[] {
    return this.book.all().sort(compareAlarms);
  }

  /** The alarms of one resident trip, in contract order. */
  tripAlarms(tripId: string): Alarm[] {
    return this.book.forTrip(tripId).sort(compareAlarms);
  }

  tripIds(): string[] {
    return [...this.trips.keys()];
  }

  tripStatus(id: string): TripChange | undefined {
    const trip = this.trips.get(id);
    return trip === undefined
      ? undefined
      : { trip: trip.id, state: trip.state, transitions: trip.transitions() };
  }

  /** The trip a device is on now (armed, in transit or arrived), if any. */
  activeTripOf(deviceId: string): string | undefined {
    return this.devices.get(deviceId)?.activeTrack?.trip.id;
  }

  /** The largest openingFixMaxAgeS of any trip, in ms: how much history before a window openings read. */
  get lookbackMs(): number {
    return this.openings.maxFixAgeMs;
  }

  /** Event time from which the device's history is complete in memory (-Infinity if never trimmed). */
  residentFromMs(deviceId: string): number {
    return this.devices.get(deviceId)?.residentFromMs ?? -Infinity;
  }

  /** How many of the device's events are in memory (every sequence of its timeline counted). */
  residentEventCount(deviceId: string): number {
    const timeline = this.devices.get(deviceId)?.timeline;
    if (timeline === undefined) return 0;
    const { bare, fixes, seals, tampers, batteries, reads, openings } = timeline;
    return (
      bare.length +
      fixes.length +
      seals.length +
      tampers.length +
      batteries.length +
      reads.length +
      openings.length
    );
  }

  // Inputs.

  apply(input: EngineInput): ApplyResult {
    switch (input.type) {
      case "message":
        return this.applyMessage(input);
      case "read":
        return this.applyRead(input);
      case "command":
        return this.applyCommand(input);
      case "tick":
        if (this.isLate(input.atMs)) return this.rejectLate(input.atMs);
        this.advanceClock(input.atMs);
        return this.finish("accepted");
    }
  }

  private isLate(arrivalMs: number): boolean {
    return this.clock !== null && arrivalMs < this.clock;
  }

  private rejectLate(arrivalMs: number): ApplyResult {
    return reject(
      `arrival ${formatTimeMs(arrivalMs)} is earlier than the previous input's ${formatTimeMs(this.clock!)}`,
    );
  }

  private advanceClock(arrivalMs: number): void {
    if (this.clock !== null && arrivalMs <= this.clock) return;
    this.clock = arrivalMs;
    this.timers.advance(arrivalMs);
  }

  private finish(status: ApplyStatus): ApplyResult {
    const alarms = this.withEvidence(this.book.commit());
    if (status === "accepted" && alarms.length === 0 && this.dirtyTrips.size === 0) return ACCEPTED_UNCHANGED;
    let trips = NO_TRIP_CHANGES;
    if (this.dirtyTrips.size > 0) {
      trips = [];
      for (const trip of this.dirtyTrips)
        trips.push({ trip: trip.id, state: trip.state, transitions: trip.transitions() });
      this.dirtyTrips.clear();
    }
    return { status, alarms, trips };
  }

  /** The changes with the evidence of each raised or updated alarm, read now (history moves on). */
  private withEvidence(changes: AlarmChange[]): AlarmChange[] {
    if (changes.length === 0) return changes;
    return changes.map((change) => {
      if (change.change === "retracted") return change;
      const evidence = this.evidenceOf(change.alarm);
      return evidence === undefined ? change : { ...change, evidence };
    });
  }

  /**
   * Why, where and on which events the rules give `alarm`, as the history in memory shows it now;
   * undefined when the alarm's trip is not in memory.
   */
  evidenceOf(alarm: Alarm): AlarmEvidence | undefined {
    return alarmEvidence(alarm, {
      trip: this.trips.get(alarm.trip),
      device: alarm.device === null ? undefined : this.devices.get(alarm.device),
      zone: (id) => {
        const number = this.zoneNumbers.get(id);
        return number === undefined ? undefined : this.zones[number];
      },
      clockMs: this.clock ?? alarm.startedAtMs,
    });
  }

  /**
   * Whether an identical event (same instant, same content) was already accepted. An identical
   * event carries the same fields, so it sits in the same home sequence as this one.
   */
  private isDuplicate(device: DeviceRuntime, event: DeviceEvent): boolean {
    const home = homeSequence(device.timeline, event);
    for (let i = home.lowerBoundTime(event.atMs); i < home.length; i++) {
      const other = home.get(i);
      if (other.atMs !== event.atMs) break;
      if (other.content === event.content) return true;
    }
    return false;
  }

  private applyMessage(input: MessageInput): ApplyResult {
    const device = this.devices.get(input.device);
    if (device === undefined) return reject(`unknown device "${input.device}"`);
    if (device.spec.class === "passive") {
      return reject(
        `device "${input.device}" is a passive seal: it is read at offices and sends no messages`,
      );
    }
    const event = messageEvent(input);
    if (this.isDuplicate(device, event)) return DUPLICATE;
    if (this.isLate(input.receivedAtMs)) return this.rejectLate(input.receivedAtMs);
    this.advanceClock(input.receivedAtMs);
    this.insertMessage(device, event, true);
    device.activeTrack?.received(input.receivedAtMs);
    return this.finish("accepted");
  }

  /** Puts a message into the device's timeline and, when `evaluate`, through the rules. */
  private insertMessage(device: DeviceRuntime, event: DeviceEvent, evaluate: boolean): void {
    const timeline = device.timeline;
    if (homeSequence(timeline, event) === timeline.bare) timeline.bare.insert(event);
    const track = evaluate ? device.trackAt(event.atMs) : undefined;
    if (event.hasFix) {
      this.locate(event);
      const index = timeline.fixes.insert(event);
      if (track !== undefined) {
        track.prepareFix(event);
        track.fixInserted(index);
        this.tripFixSeen(track.trip, event);
      }
      if (evaluate) this.openings.fixInserted(device, event);
    }
    if (event.seal !== null) {
      if (evaluate) this.openings.sealInserted(device, event);
      else timeline.seals.insert(event);
    }
    if (event.tamper !== null) {
      const index = timeline.tampers.insert(event);
      if (track !== undefined) track.tamperInserted(index);
    }
    if (event.batteryPct !== null) {
      const index = timeline.batteries.insert(event);
      if (track !== undefined) track.batteryInserted(index);
    }
  }

  private applyRead(input: ReadInput): ApplyResult {
    const device = this.devices.get(input.device);
    if (device === undefined) return reject(`unknown device "${input.device}"`);
    if (device.spec.class !== "passive") {
      return reject(
        `device "${input.device}" is ${device.spec.class}, not a passive seal: it cannot be read`,
      );
    }
    const zone = this.zoneNumbers.get(input.office);
    if (zone === undefined) return reject(`unknown office "${input.office}"`);
    const kind = this.zones[zone]!.kind;
    if (kind !== "office") return reject(`zone "${input.office}" is a ${kind} zone, not an office`);
    const event = readEvent(input);
    if (this.isDuplicate(device, event)) return DUPLICATE;
    const arrivalMs = input.receivedAtMs ?? input.atMs;
    if (this.isLate(arrivalMs)) return this.rejectLate(arrivalMs);
    this.advanceClock(arrivalMs);
    this.insertRead(device, event, true);
    return this.finish("accepted");
  }

  private insertRead(device: DeviceRuntime, event: DeviceEvent, evaluate: boolean): void {
    const timeline = device.timeline;
    timeline.reads.insert(event);
    const tamperIndex = timeline.tampers.insert(event);
    const track = evaluate ? device.trackAt(event.atMs) : undefined;
    if (track === undefined) return;
    track.tamperInserted(tamperIndex);
    passiveRead(this.book, track, event);
    if (event.office === track.trip.spec.destination && track.trip.destinationReadSeen(event.atMs)) {
      this.tripMoved(track.trip);
    }
  }

  // Geography of a fix, independent of any trip.

  private locate(fix: DeviceEvent): void {
    const zones = this.index.zonesAt(fix.lon, fix.lat);
    fix.zones = zones;
    for (const zone of zones) {
      const kind = this.zoneKinds[zone];
      if (kind === "office") {
        fix.inOffice = true;
        fix.exempt = true;
      } else if (kind === "rest") {
        fix.exempt = true;
      }
    }
  }

  // Trip transitions and overdue.

  private tripFixSeen(trip: TripRuntime, fix: DeviceEvent): void {
    if (trip.final) return;
    const outsideOrigin = !fix.zones.includes(trip.originZone);
    const insideDestination = fix.zones.includes(trip.destinationZone);
    if (trip.fixSeen(fix.atMs, outsideOrigin, insideDestination)) this.tripMoved(trip);
  }

  private tripMoved(trip: TripRuntime): void {
    this.dirtyTrips.add(trip);
    if (trip.overdueChecked) evaluateOverdue(this.book, trip, this.clock);
  }

  private overdueTimer(trip: TripRuntime): Timer {
    return {
      dueMs: trip.deadlineMs,
      queued: false,
      get pending() {
        return !trip.overdueChecked && !trip.evicted;
      },
      fire: () => {
        trip.overdueChecked = true;
        evaluateOverdue(this.book, trip, this.clock);
      },
    };
  }

  // Commands.

  private applyCommand(input: CommandInput): ApplyResult {
    const trip = this.trips.get(input.trip);
    if (trip === undefined) return reject(`unknown trip "${input.trip}"`);
    if (this.isLate(input.atMs)) return this.rejectLate(input.atMs);
    switch (input.command) {
      case "arm": {
        const refusal = armRefusal(trip, this.devicesOf(trip), input.atMs);
        if (refusal !== null) return reject(`arm refused: ${refusal}`);
        this.advanceClock(input.atMs);
        this.arm(trip, input.atMs);
        return this.finish("accepted");
      }
      case "disarm": {
        const refusal = disarmRefusal(trip, input);
        if (refusal !== null) return reject(`disarm refused: ${refusal}`);
        this.advanceClock(input.atMs);
        this.close(trip, input.atMs);
        return this.finish("accepted");
      }
      case "cancel": {
        const refusal = cancelRefusal(trip);
        if (refusal !== null) return reject(`cancel refused: ${refusal}`);
        this.advanceClock(input.atMs);
        trip.cancelAtMs = input.atMs;
        this.dirtyTrips.add(trip);
        return this.finish("accepted");
      }
    }
  }

  private devicesOf(trip: TripRuntime): DeviceRuntime[] {
    return trip.spec.devices.map((id) => this.devices.get(id)!);
  }

  private arm(trip: TripRuntime, atMs: number): void {
    trip.armAtMs = atMs;
    if (!trip.positionReporting) trip.inTransitAtMs = atMs;
    this.dirtyTrips.add(trip);
    for (const device of this.devicesOf(trip)) {
      const track = new Track(trip, device, atMs, this.book, this.timers);
      device.addTrack(track);
      trip.tracks.push(track);
      this.openWindow(track, true);
    }
    this.timers.schedule(this.overdueTimer(trip));
  }

  /**
   * Evaluates what already lies in a track's window: events at exactly the arming time that arrived
   * before the command, or, on restore, everything the store brought back.
   */
  private openWindow(track: Track, scheduleSignalLoss: boolean): void {
    const trip = track.trip;
    const device = track.device;
    track.opened(scheduleSignalLoss);
    const { fixes, reads } = device.timeline;
    const hi = track.closeAtMs === null ? fixes.length : fixes.lowerBoundTime(track.closeAtMs);
    for (let i = fixes.lowerBoundTime(track.armAtMs); i < hi; i++) this.tripFixSeen(trip, fixes.get(i));
    this.openings.evaluateFrom(device, track.armAtMs);
    const readsHi = track.closeAtMs === null ? reads.length : reads.lowerBoundTime(track.closeAtMs);
    for (let i = reads.lowerBoundTime(track.armAtMs); i < readsHi; i++) {
      const read = reads.get(i);
      passiveRead(this.book, track, read);
      if (read.office === trip.spec.destination && trip.destinationReadSeen(read.atMs))
        this.dirtyTrips.add(trip);
    }
  }

  private close(trip: TripRuntime, atMs: number): void {
    trip.closeAtMs = atMs;
    this.dirtyTrips.add(trip);
    for (const track of trip.tracks) {
      track.closed(atMs);
      // Events at exactly the closing time leave the window: their point alarms go.
      this.openings.withdrawFrom(track.device, trip.id, atMs);
      withdrawCheckpointsFrom(this.book, track, atMs);
    }
    evaluateOverdue(this.book, trip, this.clock);
  }

  // Restoring and forgetting state (for a host that keeps history in a store).

  /** Moves the clock forward to `clockMs` without firing anything yet; never moves it back. */
  restoreClock(clockMs: number): void {
    if (this.clock === null || clockMs > this.clock) this.clock = clockMs;
  }

  /**
   * Silently adds events the store already holds (accepted earlier): no rule runs, no change is
   * reported, the clock does not move. Duplicates of resident events are skipped. Restore the events
   * of a trip's window before `restoreTrip`.
   */
  restoreEvents(
    deviceId: string,
    inputs: readonly (MessageInput | ReadInput)[],
    options: { completeFromMs?: number } = {},
  ): number {
    const device = this.devices.get(deviceId);
    if (device === undefined)
      throw new SealwatchError("UNKNOWN_REFERENCE", `device "${deviceId}" is not defined`);
    let added = 0;
    for (const input of inputs) {
      const event = input.type === "message" ? messageEvent(input) : readEvent(input);
      if (this.isDuplicate(device, event)) continue;
      if (input.type === "message") this.insertMessage(device, event, false);
      else this.insertRead(device, event, false);
      added++;
    }
    if (added > 0) this.openings.recomputeAll(device);
    this.book.discard();
    // The history is now complete from `completeFromMs` on (the caller loaded everything after it).
    if (options.completeFromMs !== undefined && options.completeFromMs < device.residentFromMs) {
      device.residentFromMs = options.completeFromMs;
    }
    return added;
  }

  /**
   * Brings a trip back as the store recorded it and rebuilds its rule state from the resident events,
   * silently. Returns the trip's alarms as the rules now give them (signal_loss as recorded): the
   * host compares them with its records.
   */
  restoreTrip(spec: TripSpec, state: RestoredTripState): Alarm[] {
    if (!this.trips.has(spec.id)) this.declareTrip(spec);
    const trip = this.trips.get(spec.id)!;
    if (trip.armAtMs !== null || trip.cancelAtMs !== null) {
      throw new SealwatchError("DUPLICATE_ID", `trip "${spec.id}" is already in memory`);
    }
    if (state.cancelAtMs !== undefined) {
      trip.cancelAtMs = state.cancelAtMs;
      this.book.discard();
      return [];
    }
    if (state.armAtMs === undefined) return [];
    const armAtMs = state.armAtMs;
    trip.armAtMs = armAtMs;
    if (state.closeAtMs !== undefined) {
      trip.closeAtMs = state.closeAtMs;
      trip.inTransitAtMs = state.inTransitAtMs ?? null;
      trip.arrivedAtMs = state.arrivedAtMs ?? null;
    } else if (!trip.positionReporting) {
      trip.inTransitAtMs = armAtMs;
    }
    for (const device of this.devicesOf(trip)) {
      const track = new Track(trip, device, armAtMs, this.book, this.timers);
      track.closeAtMs = state.closeAtMs ?? null;
      device.addTrack(track);
      trip.tracks.push(track);
      const signal = state.signalLoss?.find((s) => s.deviceId === device.id);
      if (signal !== undefined) {
        for (const alarm of signal.alarms) this.book.restore(alarm);
        const open = signal.alarms.find((alarm) => alarm.clearedAtMs === null);
        track.restoreSignalLoss(signal.lastReceivedAtMs, open ?? null);
      }
      this.openWindow(track, state.closeAtMs === undefined);
    }
    if (this.clock !== null && this.clock > trip.deadlineMs) {
      trip.overdueChecked = true;
      evaluateOverdue(this.book, trip, this.clock);
    } else if (state.closeAtMs === undefined) {
      this.timers.schedule(this.overdueTimer(trip));
    }
    this.book.discard();
    this.dirtyTrips.delete(trip);
    return this.tripAlarms(trip.id);
  }

  /**
   * Forgets a closed or cancelled trip: its rule state and its alarms leave memory (they are not
   * retracted). Late data for it needs `restoreTrip` again.
   */
  evictTrip(tripId: string): void {
    const trip = this.trips.get(tripId);
    if (trip === undefined) return;
    if (!trip.final && trip.armAtMs !== null) {
      throw new SealwatchError(
        "INVALID_DEFINITION",
        `trip "${tripId}" is ${trip.state}: only closed or cancelled trips can be evicted`,
      );
    }
    for (const track of trip.tracks) track.device.removeTrack(track);
    trip.evicted = true;
    this.book.forget(tripId);
    this.trips.delete(tripId);
  }

  /**
   * Trims every device's history before `beforeMs` (see `trimDevice`): devices on no trip keep only
   * what is newer, devices on a resident trip keep their trip windows.
   */
  trimHistories(beforeMs: number): void {
    for (const id of this.devices.keys()) this.trimDevice(id, beforeMs);
  }

  /**
   * Drops a device's events older than `beforeMs` that no resident trip window needs, keeping the
   * latest seal message and fix before the cut (they decide openings after it). Late events older
   * than the cut need `restoreEvents` first.
   */
  trimDevice(deviceId: string, beforeMs: number): void {
    const device = this.devices.get(deviceId);
    if (device === undefined) return;
    let cut = beforeMs;
    for (const track of device.tracks) cut = Math.min(cut, track.armAtMs - this.openings.maxFixAgeMs);
    if (cut <= device.residentFromMs) return;
    const { bare, fixes, seals, tampers, batteries, openings } = device.timeline;
    bare.removeRange(0, bare.lowerBoundTime(cut));
    fixes.removeRange(0, fixes.lowerBoundTime(cut) - 1);
    seals.removeRange(0, seals.lowerBoundTime(cut) - 1);
    tampers.removeRange(0, tampers.lowerBoundTime(cut));
    batteries.removeRange(0, batteries.lowerBoundTime(cut));
    openings.removeRange(0, openings.lowerBoundTime(cut));
    device.residentFromMs = cut;
  }
}

/** The sequence where an event and any copy of it are sure to be: the first that holds it. */
function homeSequence(timeline: DeviceTimeline, event: DeviceEvent): EventSequence {
  if (event.kind === "read") return timeline.reads;
  if (event.hasFix) return timeline.fixes;
  if (event.seal !== null) return timeline.seals;
  if (event.tamper !== null) return timeline.tampers;
  if (event.batteryPct !== null) return timeline.batteries;
  return timeline.bare;
}

const ACCEPTED_UNCHANGED: ApplyResult = Object.freeze({ status: "accepted", alarms: [], trips: [] });
const DUPLICATE: ApplyResult = Object.freeze({ status: "duplicate", alarms: [], trips: [] });

function reject(reason: string): ApplyResult {
  return { status: "rejected", reason, alarms: [], trips: [] };
}
