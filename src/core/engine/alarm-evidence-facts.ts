/**
 * The evidence of an alarm, read from the engine's own history the moment the alarm is raised or
 * updated: the events of the condition (its first, its worst, its last and the one that ended it),
 * where they were, and the measured values against the trip's rule settings. Pure: the same history
 * gives the same evidence. The device's own words are added later from the stored readings.
 */
import type {
  AlarmEvidence,
  EvidenceMeasure,
  EvidencePoint,
  EvidenceReading,
} from "../evidence/alarm-evidence.js";
import { reasonOf } from "../evidence/wording.js";
import type { Alarm, Zone } from "../domain/model.js";
import type { DeviceEvent } from "./device-event.js";
import type { DeviceRuntime } from "./device-runtime.js";
import type { EventSequence } from "./event-sequence.js";
import type { TripRuntime } from "./trip-runtime.js";

/** What the engine lends to read an alarm's evidence. */
export interface EvidenceSources {
  readonly trip: TripRuntime | undefined;
  readonly device: DeviceRuntime | undefined;
  readonly zone: (id: string) => Zone | undefined;
  readonly clockMs: number;
}

/** At most this many fixes are measured against the route for one alarm (evenly spread beyond). */
const MAX_MEASURED_FIXES = 2_000;

type Role = EvidenceReading["role"];

/** The events of a condition in one of the device's sequences: from its start to its end. */
interface Span {
  readonly events: EventSequence;
  readonly from: number;
  /** Exclusive: the ending event's index, or the window's end while the condition holds. */
  readonly to: number;
  readonly ended: DeviceEvent | undefined;
}

function spanOf(events: EventSequence, alarm: Alarm, device: DeviceRuntime): Span {
  const from = events.lowerBoundTime(alarm.startedAtMs);
  let to: number;
  let ended: DeviceEvent | undefined;
  if (alarm.clearedAtMs !== null) {
    to = events.lowerBoundTime(alarm.clearedAtMs);
    const candidate = to < events.length ? events.get(to) : undefined;
    ended = candidate?.atMs === alarm.clearedAtMs ? candidate : undefined;
  } else {
    const closeAtMs = device.trackAt(alarm.startedAtMs)?.closeAtMs ?? null;
    to = closeAtMs === null ? events.length : events.lowerBoundTime(closeAtMs);
  }
  return { events, from, to: Math.max(from, to), ended };
}

/** The latest fix at or before an event (the event's own fix when it has one). */
function fixFor(device: DeviceRuntime, event: DeviceEvent): DeviceEvent | undefined {
  if (event.hasFix) return event;
  const fixes = device.timeline.fixes;
  const before = fixes.lowerBoundTime(event.atMs + 1) - 1;
  return before >= 0 ? fixes.get(before) : undefined;
}

function pointOf(device: DeviceRuntime, event: DeviceEvent, src: EvidenceSources): EvidencePoint {
  if (event.office !== null) {
    // A passive read: where the office is.
    const zone = src.zone(event.office);
    return {
      atMs: event.atMs,
      ...(zone === undefined ? {} : { position: zoneCentre(zone) }),
      office: event.office,
    };
  }
  const fix = fixFor(device, event);
  return {
    atMs: event.atMs,
    ...(fix === undefined
      ? {}
      : { position: [fix.lon, fix.lat] as const, fixAgeS: (event.atMs - fix.atMs) / 1000 }),
  };
}

function readingOf(device: DeviceRuntime, event: DeviceEvent, role: Role): EvidenceReading {
  return {
    role,
    deviceId: device.id,
    atMs: event.atMs,
    receivedAtMs: event.receivedAtMs,
    ...(event.hasFix ? { position: [event.lon, event.lat] as const } : {}),
  };
}

/** Readings of a span by role, each event once (the first role it plays). */
function spanReadings(device: DeviceRuntime, span: Span, worst?: DeviceEvent): EvidenceReading[] {
  const out: EvidenceReading[] = [];
  const seen = new Set<DeviceEvent>();
  const add = (event: DeviceEvent | undefined, role: Role): void => {
    if (event === undefined || seen.has(event)) return;
    seen.add(event);
    out.push(readingOf(device, event, role));
    if (!event.hasFix && role === "began") {
      const fix = fixFor(device, event);
      if (fix !== undefined && !seen.has(fix)) {
        seen.add(fix);
        out.push(readingOf(device, fix, "located_by"));
      }
    }
  };
  add(span.from < span.to ? span.events.get(span.from) : undefined, "began");
  add(worst, "worst");
  add(span.to > span.from ? span.events.get(span.to - 1) : undefined, "last");
  add(span.ended, "ended");
  return out;
}

/** From the first to the last event of the condition: what the rule itself measures. */
function durationS(span: Span, startedAtMs: number): number {
  const lastMs = span.to > span.from ? span.events.get(span.to - 1).atMs : startedAtMs;
  return Math.max(0, lastMs - startedAtMs) / 1000;
}

function evenlyMeasured(span: Span, measure: (event: DeviceEvent) => number): DeviceEvent | undefined {
  const count = span.to - span.from;
  if (count <= 0) return undefined;
  const stride = Math.max(1, Math.ceil(count / MAX_MEASURED_FIXES));
  let best: DeviceEvent | undefined;
  let bestValue = -Infinity;
  for (let i = span.from; i < span.to; i += stride) {
    const event = span.events.get(i);
    const value = measure(event);
    if (value > bestValue) {
      bestValue = value;
      best = event;
    }
  }
  return best;
}

interface Facts {
  readonly measure: EvidenceMeasure;
  readonly began: EvidencePoint;
  readonly ended: EvidencePoint | null;
  readonly readings: EvidenceReading[];
}

type RunAlarmType = "route_deviation" | "unauthorized_stop" | "restricted_zone" | "low_battery" | "tamper";

function runFacts(
  alarm: Alarm,
  type: RunAlarmType,
  trip: TripRuntime,
  device: DeviceRuntime,
  src: EvidenceSources,
): Facts {
  const rules = trip.rules;
  const timeline = device.timeline;
  const sequence =
    alarm.type === "tamper"
      ? timeline.tampers
      : alarm.type === "low_battery"
        ? timeline.batteries
        : timeline.fixes;
  const span = spanOf(sequence, alarm, device);
  const first = span.from < span.to ? span.events.get(span.from) : undefined;
  const began = first === undefined ? { atMs: alarm.startedAtMs } : pointOf(device, first, src);
  const ended = span.ended === undefined ? null : pointOf(device, span.ended, src);
  const lasting = durationS(span, alarm.startedAtMs);
  let worst: DeviceEvent | undefined;
  let measure: EvidenceMeasure;
  switch (type) {
    case "route_deviation": {
      worst = evenlyMeasured(span, (e) => trip.route.distanceM(e.lon, e.lat));
      const distanceM = worst === undefined ? 0 : trip.route.distanceM(worst.lon, worst.lat);
      measure = {
        type: "route_deviation",
        distanceM: Math.round(distanceM),
        corridorM: rules.corridorM,
        durationS: lasting,
        minDurationS: rules.deviationMinS,
      };
      break;
    }
    case "unauthorized_stop":
      measure = {
        type: "unauthorized_stop",
        durationS: lasting,
        allowedS: rules.stopMinS,
        radiusM: rules.stopRadiusM,
        stopSpeedKmh: rules.stopSpeedKmh,
      };
      break;
    case "restricted_zone": {
      const zone = alarm.zone === undefined ? undefined : src.zone(alarm.zone);
      measure = {
        type: "restricted_zone",
        zoneId: alarm.zone ?? "",
        ...(zone?.name === undefined ? {} : { zoneName: zone.name }),
        durationS: lasting,
      };
      break;
    }
    case "low_battery": {
      worst = evenlyMeasured(span, (e) => -(e.batteryPct ?? Infinity));
      measure = {
        type: "low_battery",
        batteryPct: worst?.batteryPct ?? first?.batteryPct ?? 0,
        thresholdPct: rules.lowBatteryPct,
        clearPct: rules.lowBatteryClearPct,
      };
      break;
    }
    case "tamper": {
      let reports = 0;
      for (let i = span.from; i < span.to && span.events.get(i).tamper === true; i++) reports++;
      measure = { type: "tamper", reports: Math.max(1, reports) };
    }
  }
  return { measure, began, ended, readings: spanReadings(device, span, worst) };
}

function openingFacts(alarm: Alarm, trip: TripRuntime, device: DeviceRuntime, src: EvidenceSources): Facts {
  const seals = device.timeline.seals;
  const at = seals.lowerBoundTime(alarm.startedAtMs);
  const opening = at < seals.length ? seals.get(at) : undefined;
  const maxFixAgeS = trip.rules.openingFixMaxAgeS;
  if (opening === undefined || opening.atMs !== alarm.startedAtMs) {
    return {
      measure: { type: "unauthorized_opening", maxFixAgeS, located: false },
      began: { atMs: alarm.startedAtMs },
      ended: null,
      readings: [],
    };
  }
  const fix = fixFor(device, opening);
  const located = fix !== undefined && (opening.atMs - fix.atMs) / 1000 <= maxFixAgeS;
  const readings = [readingOf(device, opening, "began")];
  const before = at > 0 ? seals.get(at - 1) : undefined;
  if (before !== undefined) readings.push(readingOf(device, before, "before"));
  if (fix !== undefined && fix !== opening && fix !== before)
    readings.push(readingOf(device, fix, "located_by"));
  return {
    measure: { type: "unauthorized_opening", maxFixAgeS, located },
    began: pointOf(device, opening, src),
    ended: null,
    readings,
  };
}

function readFacts(alarm: Alarm, trip: TripRuntime, device: DeviceRuntime, src: EvidenceSources): Facts {
  const reads = device.timeline.reads;
  let read: DeviceEvent | undefined;
  for (let i = reads.lowerBoundTime(alarm.startedAtMs); i < reads.length; i++) {
    const candidate = reads.get(i);
    if (candidate.atMs !== alarm.startedAtMs) break;
    const fits =
      alarm.type === "unexpected_checkpoint"
        ? trip.expectedOffices !== null && !trip.expectedOffices.has(candidate.office ?? "")
        : candidate.sealNumber !== null && !(trip.declaredSeals?.has(candidate.sealNumber.trim()) ?? true);
    if (fits) {
      read = candidate;
      break;
    }
  }
  const office = read?.office ?? "";
  const zone = src.zone(office);
  const officeName = zone?.name === undefined ? {} : { officeName: zone.name };
  const position = zone === undefined ? undefined : zoneCentre(zone);
  const began: EvidencePoint = {
    atMs: alarm.startedAtMs,
    ...(position === undefined ? {} : { position }),
    ...(read === undefined ? {} : { office }),
  };
  const readings =
    read === undefined
      ? []
      : [{ ...readingOf(device, read, "began"), ...(position === undefined ? {} : { position }) }];
  const measure: EvidenceMeasure =
    alarm.type === "unexpected_checkpoint"
      ? {
          type: "unexpected_checkpoint",
          office,
          ...officeName,
          expectedOffices: [...(trip.expectedOffices ?? [])],
        }
      : {
          type: "seal_mismatch",
          sealNumber: read?.sealNumber ?? "",
          declaredSeals: [...(trip.declaredSeals ?? [])],
          office,
          ...officeName,
        };
  return { measure, began, ended: null, readings };
}

/** Degrees to 7 decimals (about a centimetre): an average of vertices, not a measurement. */
function round7(deg: number): number {
  return Math.round(deg * 1e7) / 1e7;
}

function zoneCentre(zone: Zone): readonly [number, number] {
  const shape = zone.shape;
  if (shape.type === "circle") return shape.center;
  let lon = 0;
  let lat = 0;
  for (const [x, y] of shape.ring) {
    lon += x;
    lat += y;
  }
  return [round7(lon / shape.ring.length), round7(lat / shape.ring.length)];
}

/** The latest fix of any of the trip's devices at or before `atMs`, as a point at `atMs`. */
function tripPointAt(trip: TripRuntime, atMs: number): { point: EvidencePoint; reading?: EvidenceReading } {
  let best: { fix: DeviceEvent; device: DeviceRuntime } | undefined;
  for (const track of trip.tracks) {
    const fixes = track.device.timeline.fixes;
    const i = fixes.lowerBoundTime(atMs + 1) - 1;
    if (i < 0) continue;
    const fix = fixes.get(i);
    if (best === undefined || fix.atMs > best.fix.atMs) best = { fix, device: track.device };
  }
  if (best === undefined) return { point: { atMs } };
  return {
    point: { atMs, position: [best.fix.lon, best.fix.lat], fixAgeS: (atMs - best.fix.atMs) / 1000 },
    reading: readingOf(best.device, best.fix, "located_by"),
  };
}

function overdueFacts(alarm: Alarm, trip: TripRuntime, src: EvidenceSources): Facts {
  const destination = trip.spec.destination;
  const zone = src.zone(destination);
  const endMs = alarm.clearedAtMs ?? src.clockMs;
  const began = tripPointAt(trip, alarm.startedAtMs);
  const ended = alarm.clearedAtMs === null ? undefined : tripPointAt(trip, alarm.clearedAtMs);
  const readings: EvidenceReading[] = [];
  if (began.reading !== undefined) readings.push({ ...began.reading, role: "began" });
  if (ended?.reading !== undefined && ended.reading.atMs !== began.reading?.atMs)
    readings.push({ ...ended.reading, role: "ended" });
  return {
    measure: {
      type: "overdue",
      deadlineMs: alarm.startedAtMs,
      lateS: Math.max(0, endMs - alarm.startedAtMs) / 1000,
      destination,
      ...(zone?.name === undefined ? {} : { destinationName: zone.name }),
    },
    began: began.point,
    ended: ended?.point ?? null,
    readings,
  };
}

/** The device's event that arrived at `receivedAtMs` (the last message before a silence). */
function eventReceivedAt(device: DeviceRuntime, receivedAtMs: number): DeviceEvent | undefined {
  const t = device.timeline;
  for (const sequence of [t.fixes, t.bare, t.seals, t.tampers, t.batteries]) {
    // Buffered messages arrive after their event time: look back from the arrival time.
    for (let i = sequence.lowerBoundTime(receivedAtMs + 1) - 1, n = 0; i >= 0 && n < 64; i--, n++) {
      const event = sequence.get(i);
      if (event.receivedAtMs === receivedAtMs) return event;
    }
  }
  return undefined;
}

function signalLossFacts(
  alarm: Alarm,
  trip: TripRuntime,
  device: DeviceRuntime,
  src: EvidenceSources,
): Facts {
  const allowedS = trip.rules.signalLossS ?? 2 * (device.reportIntervalS ?? 0);
  const sinceArming =
    trip.armAtMs === alarm.startedAtMs && eventReceivedAt(device, alarm.startedAtMs) === undefined;
  const last = sinceArming ? undefined : eventReceivedAt(device, alarm.startedAtMs);
  const endMs = alarm.clearedAtMs ?? src.clockMs;
  const readings: EvidenceReading[] = [];
  let began: EvidencePoint = { atMs: alarm.startedAtMs };
  if (last !== undefined) {
    readings.push(readingOf(device, last, "began"));
    const fix = fixFor(device, last);
    if (fix !== undefined) {
      began = {
        atMs: alarm.startedAtMs,
        position: [fix.lon, fix.lat],
        fixAgeS: (alarm.startedAtMs - fix.atMs) / 1000,
      };
      if (fix !== last) readings.push(readingOf(device, fix, "located_by"));
    }
  }
  let ended: EvidencePoint | null = null;
  if (alarm.clearedAtMs !== null) {
    const next = eventReceivedAt(device, alarm.clearedAtMs);
    ended =
      next === undefined
        ? { atMs: alarm.clearedAtMs }
        : { ...pointOf(device, next, src), atMs: alarm.clearedAtMs };
    if (next !== undefined) readings.push(readingOf(device, next, "ended"));
  }
  return {
    measure: {
      type: "signal_loss",
      silentS: Math.max(0, endMs - alarm.startedAtMs) / 1000,
      allowedS,
      sinceArming,
    },
    began,
    ended,
    readings,
  };
}

/** The facts of an alarm of one device (every type but overdue). */
function deviceFacts(
  alarm: Alarm,
  trip: TripRuntime,
  device: DeviceRuntime | undefined,
  src: EvidenceSources,
): Facts | undefined {
  if (device === undefined) return undefined;
  switch (alarm.type) {
    case "unauthorized_opening":
      return openingFacts(alarm, trip, device, src);
    case "unexpected_checkpoint":
    case "seal_mismatch":
      return readFacts(alarm, trip, device, src);
    case "signal_loss":
      return signalLossFacts(alarm, trip, device, src);
    case "route_deviation":
    case "unauthorized_stop":
    case "restricted_zone":
    case "low_battery":
    case "tamper":
      return runFacts(alarm, alarm.type, trip, device, src);
    case "overdue":
      return undefined;
  }
}

/**
 * The evidence of an alarm as the engine's history shows it at `sources.clockMs`; undefined when the
 * alarm's trip (or device) is not in memory.
 */
export function alarmEvidence(alarm: Alarm, sources: EvidenceSources): AlarmEvidence | undefined {
  const { trip, device } = sources;
  if (trip === undefined) return undefined;
  const facts =
    alarm.type === "overdue" ? overdueFacts(alarm, trip, sources) : deviceFacts(alarm, trip, device, sources);
  if (facts === undefined) return undefined;
  return {
    reason: reasonOf(facts.measure),
    measure: facts.measure,
    began: facts.began,
    ended: facts.ended,
    readings: facts.readings,
    asOfMs: sources.clockMs,
  };
}
