/**
 * The monitoring engine: the contract of `spec/monitoring.md`, applied one input at a time.
 *
 * Pure and incremental: no I/O, no wall clock, no randomness. Time comes with the inputs (event
 * times, arrival times, commands and ticks); the clock is the largest arrival time seen. Each input
 * touches only the runs and timers around it, and its result lists only the net changes it made.
 */
import { SealwatchError } from "../errors.js";
import {
  ALARM_SEVERITY,
  compareAlarms,
  type Alarm,
  type Device,
  type TripSpec,
  type Zone,
  type ZoneKind,
} from "../domain/model.js";
import { ZoneIndex } from "../geo/zone-index.js";
import { formatTimeMs } from "../time/rfc3339.js";
import { AlarmBook, type AlarmChange } from "./alarm-book.js";
import { DeviceEvent } from "./device-event.js";
import { DeviceRuntime } from "./device-runtime.js";
import { memoryTimeline, type TimelineFactory } from "./event-sequence.js";
import type {
  ApplyResult,
  ApplyStatus,
  CommandInput,
  EngineInput,
  MessageInput,
  ReadInput,
  TripChange,
} from "./inputs.js";
import { TimerQueue, type Timer } from "./timer-queue.js";
import { Track } from "./track.js";
import { TripRuntime } from "./trip-runtime.js";
import { restrictedRule, type RunRule } from "./rules/run-rules.js";

export interface EngineOptions {
  /** Where device histories live; in memory by default. */
  readonly timeline?: TimelineFactory;
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
  private readonly timelineFactory: TimelineFactory;
  private clock: number | null = null;
  /** The largest openingFixMaxAgeS of any trip: how far after a fix an opening may be located by it. */
  private maxOpeningFixAgeMs = 0;
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

  addDevice(device: Device): void {
    if (this.devices.has(device.id))
      throw new SealwatchError("DUPLICATE_ID", `device "${device.id}" is already defined`);
    this.devices.set(device.id, new DeviceRuntime(device, this.timelineFactory(device.id)));
  }

  declareTrip(spec: TripSpec): void {
    if (this.trips.has(spec.id))
      throw new SealwatchError("DUPLICATE_ID", `trip "${spec.id}" is already declared`);
    const office = (id: string, role: string): number => {
      const number = this.zoneNumbers.get(id);
      if (number === undefined)
        throw new SealwatchError("UNKNOWN_REFERENCE", `${role} "${id}" is not a known zone`);
      if (this.zones[number]!.kind !== "office") {
        throw new SealwatchError(
          "INVALID_DEFINITION",
          `${role} "${id}" is a ${this.zones[number]!.kind} zone, not an office`,
        );
      }
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
    const trip = new TripRuntime(spec, origin, destination, this.zoneKinds, positionReporting, (zone) =>
      this.restrictedRule(zone),
    );
    this.trips.set(spec.id, trip);
    this.maxOpeningFixAgeMs = Math.max(this.maxOpeningFixAgeMs, trip.rules.openingFixMaxAgeS * 1000);
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

  tripIds(): string[] {
    return [...this.trips.keys()];
  }

  tripStatus(id: string): TripChange | undefined {
    const trip = this.trips.get(id);
    return trip === undefined
      ? undefined
      : { trip: trip.id, state: trip.state, transitions: trip.transitions() };
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
    const alarms: AlarmChange[] = this.book.commit();
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

  /** Whether an identical event (same instant, same content) was already accepted. */
  private isDuplicate(device: DeviceRuntime, event: DeviceEvent): boolean {
    const all = device.timeline.all;
    for (let i = all.lowerBoundTime(event.atMs); i < all.length; i++) {
      const other = all.get(i);
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
    const position = input.position;
    const hasFix = position !== undefined && position.valid;
    const event = new DeviceEvent(
      "message",
      input.atMs,
      input.receivedAtMs,
      input.content,
      hasFix,
      position?.lon ?? 0,
      position?.lat ?? 0,
      position?.speedKmh ?? 0,
      input.seal ?? null,
      input.tamper ?? null,
      input.batteryPct ?? null,
      null,
      null,
    );
    if (this.isDuplicate(device, event)) return DUPLICATE;
    if (this.isLate(input.receivedAtMs)) return this.rejectLate(input.receivedAtMs);
    this.advanceClock(input.receivedAtMs);

    const timeline = device.timeline;
    timeline.all.insert(event);
    const track = device.trackAt(event.atMs);
    if (hasFix) {
      this.locate(event);
      const index = timeline.fixes.insert(event);
      if (track !== undefined) {
        track.prepareFix(event);
        track.fixInserted(index);
        this.tripFixSeen(track.trip, event);
      }
      this.relocateOpeningsAfter(device, event);
    }
    if (event.seal !== null) this.sealInserted(device, event);
    if (event.tamper !== null) {
      const index = timeline.tampers.insert(event);
      if (track !== undefined) track.tamperInserted(index);
    }
    if (event.batteryPct !== null) {
      const index = timeline.batteries.insert(event);
      if (track !== undefined) track.batteryInserted(index);
    }
    device.activeTrack?.received(input.receivedAtMs);
    return this.finish("accepted");
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
    if (this.zones[zone]!.kind !== "office")
      return reject(`zone "${input.office}" is a ${this.zones[zone]!.kind} zone, not an office`);
    const event = new DeviceEvent(
      "read",
      input.atMs,
      input.atMs,
      input.content,
      false,
      0,
      0,
      0,
      null,
      input.status === "broken",
      null,
      input.office,
      input.status,
    );
    if (this.isDuplicate(device, event)) return DUPLICATE;
    if (this.isLate(input.atMs)) return this.rejectLate(input.atMs);
    this.advanceClock(input.atMs);

    const timeline = device.timeline;
    timeline.all.insert(event);
    timeline.reads.insert(event);
    const tamperIndex = timeline.tampers.insert(event);
    const track = device.trackAt(event.atMs);
    if (track !== undefined) {
      track.tamperInserted(tamperIndex);
      this.checkpointRead(track, event);
      if (input.office === track.trip.spec.destination && track.trip.destinationReadSeen(event.atMs)) {
        this.tripMoved(track.trip);
      }
    }
    return this.finish("accepted");
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

  // Trip transitions.

  private tripFixSeen(trip: TripRuntime, fix: DeviceEvent): void {
    if (trip.final) return;
    const outsideOrigin = !fix.zones.includes(trip.originZone);
    const insideDestination = fix.zones.includes(trip.destinationZone);
    if (trip.fixSeen(fix.atMs, outsideOrigin, insideDestination)) this.tripMoved(trip);
  }

  private tripMoved(trip: TripRuntime): void {
    this.dirtyTrips.add(trip);
    if (trip.overdueChecked) this.evaluateOverdue(trip);
  }

  // Unauthorized opening.

  /** A seal-carrying message was inserted: the seal transitions at it and at the next one may change. */
  private sealInserted(device: DeviceRuntime, event: DeviceEvent): void {
    const seals = device.timeline.seals;
    const index = seals.insert(event);
    this.evaluateSealTransition(device, index);
    if (index + 1 < seals.length) this.evaluateSealTransition(device, index + 1);
  }

  private evaluateSealTransition(device: DeviceRuntime, index: number): void {
    const seals = device.timeline.seals;
    const event = seals.get(index);
    const previous = index > 0 ? seals.get(index - 1) : undefined;
    const isOpening = previous !== undefined && previous.seal === "closed" && event.seal === "open";
    const wasOpening = event.isOpening;
    if (isOpening !== wasOpening) {
      event.isOpening = isOpening;
      if (isOpening) device.timeline.openings.insert(event);
      else device.timeline.openings.remove(event);
    }
    // Nothing to raise or withdraw for an event that is not, and was not, an opening.
    if (isOpening || wasOpening) this.evaluateOpening(device, event);
  }

  /** Raises or withdraws the unauthorized_opening alarm of one seal event. */
  private evaluateOpening(device: DeviceRuntime, event: DeviceEvent): void {
    const track = device.trackAt(event.atMs);
    if (track === undefined) return;
    const identity = {
      type: "unauthorized_opening" as const,
      trip: track.trip.id,
      device: device.id,
      startedAtMs: event.atMs,
    };
    if (event.isOpening && !this.openedInOffice(device, event, track.trip.rules.openingFixMaxAgeS * 1000)) {
      this.book.set({ ...identity, severity: ALARM_SEVERITY.unauthorized_opening, clearedAtMs: null });
    } else {
      this.book.remove(identity);
    }
  }

  /** Whether the opening is located inside an office: by its own fix, else by a recent enough earlier fix. */
  private openedInOffice(device: DeviceRuntime, event: DeviceEvent, maxAgeMs: number): boolean {
    if (event.hasFix) return event.inOffice;
    const fixes = device.timeline.fixes;
    const before = fixes.lowerBoundTime(event.atMs) - 1;
    if (before < 0) return false;
    const fix = fixes.get(before);
    return event.atMs - fix.atMs <= maxAgeMs && fix.inOffice;
  }

  /** A fix may now be the one that locates openings shortly after it. */
  private relocateOpeningsAfter(device: DeviceRuntime, fix: DeviceEvent): void {
    const openings = device.timeline.openings;
    if (openings.length === 0) return;
    const from = openings.lowerBoundTime(fix.atMs + 1);
    const to = openings.lowerBoundTime(fix.atMs + this.maxOpeningFixAgeMs + 1);
    for (let i = from; i < to; i++) this.evaluateOpening(device, openings.get(i));
  }

  // Unexpected checkpoint.

  private checkpointRead(track: Track, read: DeviceEvent): void {
    const expected = track.trip.expectedOffices;
    if (expected === null || expected.has(read.office!)) return;
    this.book.set({
      type: "unexpected_checkpoint",
      severity: ALARM_SEVERITY.unexpected_checkpoint,
      trip: track.trip.id,
      device: track.device.id,
      startedAtMs: read.atMs,
      clearedAtMs: null,
    });
  }

  // Overdue.

  private evaluateOverdue(trip: TripRuntime): void {
    const identity = { type: "overdue" as const, trip: trip.id, device: null, startedAtMs: trip.deadlineMs };
    const deadline = trip.deadlineMs;
    const late =
      trip.armAtMs !== null &&
      this.clock !== null &&
      this.clock > deadline &&
      !(trip.arrivedAtMs !== null && trip.arrivedAtMs <= deadline) &&
      !(trip.closeAtMs !== null && trip.closeAtMs <= deadline);
    if (!late) {
      this.book.remove(identity);
      return;
    }
    const ends = [trip.arrivedAtMs, trip.closeAtMs].filter((t): t is number => t !== null);
    this.book.set({
      ...identity,
      severity: ALARM_SEVERITY.overdue,
      clearedAtMs: ends.length === 0 ? null : Math.min(...ends),
    });
  }

  private overdueTimer(trip: TripRuntime): Timer {
    const timer: Timer = {
      dueMs: trip.deadlineMs,
      queued: false,
      get pending() {
        return !trip.overdueChecked;
      },
      fire: () => {
        trip.overdueChecked = true;
        this.evaluateOverdue(trip);
      },
    };
    return timer;
  }

  // Commands.

  private applyCommand(input: CommandInput): ApplyResult {
    const trip = this.trips.get(input.trip);
    if (trip === undefined) return reject(`unknown trip "${input.trip}"`);
    if (this.isLate(input.atMs)) return this.rejectLate(input.atMs);
    switch (input.command) {
      case "arm": {
        const refusal = this.armRefusal(trip, input.atMs);
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
        if (trip.state !== "declared")
          return reject(`cancel refused: trip ${trip.id} is ${trip.state}, not declared`);
        this.advanceClock(input.atMs);
        trip.cancelAtMs = input.atMs;
        this.dirtyTrips.add(trip);
        return this.finish("accepted");
      }
    }
  }

  private armRefusal(trip: TripRuntime, atMs: number): string | null {
    if (trip.state !== "declared") return `trip ${trip.id} is ${trip.state}, not declared`;
    if (atMs > trip.deadlineMs)
      return `the deadline ${formatTimeMs(trip.deadlineMs)} of trip ${trip.id} has passed`;
    for (const id of trip.spec.devices) {
      const device = this.devices.get(id)!;
      const other = device.activeTrack;
      if (other !== undefined)
        return `device ${id} is on trip ${other.trip.id}, which is ${other.trip.state}`;
    }
    for (const id of trip.spec.devices) {
      const device = this.devices.get(id)!;
      if (device.spec.class === "passive") {
        const reads = device.timeline.reads;
        let latest: DeviceEvent | undefined;
        for (let i = reads.length - 1; i >= 0; i--) {
          const read = reads.get(i);
          if (read.office === trip.spec.origin) {
            latest = read;
            break;
          }
        }
        if (latest === undefined) return `passive seal ${id} has not been read at ${trip.spec.origin}`;
        if (latest.readStatus !== "intact")
          return `passive seal ${id} was last read ${latest.readStatus} at ${trip.spec.origin}`;
      } else {
        const latest = device.timeline.seals.last();
        if (latest === undefined) return `device ${id} has not reported its seal state`;
        if (latest.seal !== "closed") return `seal of ${id} is ${latest.seal}, not closed`;
      }
    }
    return null;
  }

  private arm(trip: TripRuntime, atMs: number): void {
    trip.armAtMs = atMs;
    if (!trip.positionReporting) trip.inTransitAtMs = atMs;
    this.dirtyTrips.add(trip);
    for (const id of trip.spec.devices) {
      const device = this.devices.get(id)!;
      const track = new Track(trip, device, atMs, this.book, this.timers);
      device.tracks.push(track);
      trip.tracks.push(track);
      track.opened();
      // Events at exactly the arming time that arrived before the command belong to the window.
      const { fixes, seals, reads } = device.timeline;
      for (let i = fixes.lowerBoundTime(atMs); i < fixes.length; i++) this.tripFixSeen(trip, fixes.get(i));
      for (let i = seals.lowerBoundTime(atMs); i < seals.length; i++)
        this.evaluateOpening(device, seals.get(i));
      for (let i = reads.lowerBoundTime(atMs); i < reads.length; i++) {
        const read = reads.get(i);
        this.checkpointRead(track, read);
        if (read.office === trip.spec.destination && trip.destinationReadSeen(read.atMs))
          this.dirtyTrips.add(trip);
      }
    }
    this.timers.schedule(this.overdueTimer(trip));
  }

  private close(trip: TripRuntime, atMs: number): void {
    trip.closeAtMs = atMs;
    this.dirtyTrips.add(trip);
    for (const track of trip.tracks) {
      track.closed(atMs);
      // Events at exactly the closing time leave the window: their point alarms go.
      const device = track.device;
      const { seals, reads } = device.timeline;
      for (let i = seals.lowerBoundTime(atMs); i < seals.length; i++) {
        this.book.remove({
          type: "unauthorized_opening",
          trip: trip.id,
          device: device.id,
          startedAtMs: seals.get(i).atMs,
        });
      }
      for (let i = reads.lowerBoundTime(atMs); i < reads.length; i++) {
        this.book.remove({
          type: "unexpected_checkpoint",
          trip: trip.id,
          device: device.id,
          startedAtMs: reads.get(i).atMs,
        });
      }
    }
    this.evaluateOverdue(trip);
  }
}

function disarmRefusal(trip: TripRuntime, input: CommandInput): string | null {
  const state = trip.state;
  if (state === "arrived") return null;
  if (state === "armed" || state === "in_transit") {
    if (input.force !== true) return `trip ${trip.id} is ${state}, not arrived`;
    if (input.reason === undefined || !/\S/.test(input.reason)) {
      return `trip ${trip.id} is ${state} and the forced disarm has no reason`;
    }
    return null;
  }
  return `trip ${trip.id} is ${state}, not arrived`;
}

const ACCEPTED_UNCHANGED: ApplyResult = Object.freeze({ status: "accepted", alarms: [], trips: [] });
const DUPLICATE: ApplyResult = Object.freeze({ status: "duplicate", alarms: [], trips: [] });

function reject(reason: string): ApplyResult {
  return { status: "rejected", reason, alarms: [], trips: [] };
}
