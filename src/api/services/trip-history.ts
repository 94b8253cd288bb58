/**
 * A trip's history for the API: its track as GeoJSON (from the stored readings of its devices within
 * its monitoring window) and its timeline (readings, alarm changes, transitions and officers'
 * actions, from the readings and the audit chain).
 */
import type { AuditRecord, ReadingRecord, Store, TripRecord } from "../../store/ports.js";
import { iso } from "../views.js";

/** The window in which the trip's devices count for it: arming to closing (or now). */
export function tripWindow(trip: TripRecord, nowMs: number): { fromMs: number; toMs: number } | undefined {
  if (trip.armedAtMs === undefined) return undefined;
  return { fromMs: trip.armedAtMs, toMs: (trip.closedAtMs ?? Math.max(nowMs, trip.armedAtMs)) + 1 };
}

function hasFix(r: ReadingRecord): r is ReadingRecord & { lon: number; lat: number } {
  return r.kind === "message" && r.lon !== undefined && r.lat !== undefined && r.valid !== false;
}

/** Keeps at most `max` items, evenly spaced, always keeping the last. */
function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  const out: T[] = [];
  for (let i = 0; i < max - 1; i++) out.push(items[Math.floor(i * step)]!);
  out.push(items[items.length - 1]!);
  return out;
}

export async function tripTrack(store: Store, trip: TripRecord, nowMs: number, maxPoints: number) {
  const window = tripWindow(trip, nowMs);
  const features = [];
  for (const deviceId of trip.devices) {
    const readings =
      window === undefined ? [] : await store.readings.forDevice(deviceId, window.fromMs, window.toMs);
    const fixes = thin(readings.filter(hasFix), maxPoints);
    features.push({
      type: "Feature" as const,
      geometry: { type: "LineString" as const, coordinates: fixes.map((r) => [r.lon, r.lat]) },
      properties: { deviceId, tripId: trip.id, times: fixes.map((r) => iso(r.atMs)) },
    });
  }
  return { type: "FeatureCollection" as const, features };
}

export type TimelineKind = "reading" | "alarm" | "transition" | "action";

export interface TimelineEntry {
  readonly at: string;
  readonly kind: TimelineKind;
  readonly [field: string]: unknown;
}

const ALARM_ENGINE_ACTIONS = new Set([
  "alarm.raise",
  "alarm.clear",
  "alarm.retract",
  "alarm.reinstate",
  "alarm.reopen",
]);
/** Internal handling that traders and carriers do not see. */
const STAFF_ONLY_ACTIONS = new Set(["alarm.comment", "alarm.assign", "alarm.escalate"]);

/** Actors that are no person: the monitoring engine and the system's own steps. */
const NON_PERSONS = new Set(["engine", "system"]);
/** Details a trader may read: what happened to their cargo, never notes, reasons or who handled it. */
const TRADER_DETAILS = new Set([
  "type",
  "severity",
  "from",
  "to",
  "state",
  "outcome",
  "channel",
  "decision",
  "result",
]);

/** The entry as a trader sees it: state changes and alarms, never which officer or operator acted. */
function forTraders(entry: TimelineEntry, record: AuditRecord): TimelineEntry {
  const { actor: _actor, details: _details, ...rest } = entry;
  const details =
    typeof record.details === "object" && record.details !== null
      ? Object.fromEntries(Object.entries(record.details).filter(([key]) => TRADER_DETAILS.has(key)))
      : undefined;
  return {
    ...rest,
    ...(NON_PERSONS.has(record.actor) ? { actor: record.actor } : {}),
    ...(details === undefined || Object.keys(details).length === 0 ? {} : { details }),
  };
}

function auditEntry(record: AuditRecord, auditRef: (seq: number) => string): TimelineEntry {
  const kind: TimelineKind =
    record.action === "trip.transition"
      ? "transition"
      : ALARM_ENGINE_ACTIONS.has(record.action)
        ? "alarm"
        : "action";
  return {
    at: iso(record.atMs),
    kind,
    action: record.action,
    actor: record.actor,
    subjectType: record.subjectType,
    subjectId: record.subjectId,
    ...(record.details === undefined ? {} : { details: record.details }),
    auditSeq: auditRef(record.seq),
  };
}

function readingEntry(r: ReadingRecord): TimelineEntry {
  return {
    at: iso(r.atMs),
    kind: "reading",
    deviceId: r.deviceId,
    receivedAt: iso(r.receivedAtMs),
    ...(r.lon !== undefined && r.lat !== undefined ? { position: [r.lon, r.lat] } : {}),
    ...(r.speedKmh === undefined ? {} : { speedKmh: r.speedKmh }),
    ...(r.seal === undefined ? {} : { seal: r.seal }),
    ...(r.tamper === undefined ? {} : { tamper: r.tamper }),
    ...(r.batteryPct === undefined ? {} : { batteryPct: r.batteryPct }),
    ...(r.office === undefined ? {} : { office: r.office }),
    ...(r.readStatus === undefined ? {} : { readStatus: r.readStatus }),
  };
}

export async function tripTimeline(
  store: Store,
  trip: TripRecord,
  nowMs: number,
  options: {
    readings: boolean;
    limit: number;
    forTrader: boolean;
    /** How the caller sees an audit record's seq (a global counter: an opaque token). */
    auditRef: (seq: number) => string;
  },
): Promise<TimelineEntry[]> {
  const audit: AuditRecord[] = await store.audit.list({ subjectType: "trip", subjectId: trip.id });
  for (const alarm of await store.alarms.forTrip(trip.id))
    audit.push(...(await store.audit.list({ subjectType: "alarm", subjectId: alarm.id })));
  const entries: { ms: number; order: number; entry: TimelineEntry }[] = audit
    .filter((r) => !(options.forTrader && STAFF_ONLY_ACTIONS.has(r.action)))
    .map((r) => ({
      ms: r.atMs,
      order: r.seq,
      entry: options.forTrader
        ? forTraders(auditEntry(r, options.auditRef), r)
        : auditEntry(r, options.auditRef),
    }));
  const window = tripWindow(trip, nowMs);
  if (options.readings && window !== undefined) {
    for (const deviceId of trip.devices) {
      for (const r of await store.readings.forDevice(deviceId, window.fromMs, window.toMs))
        entries.push({ ms: r.atMs, order: -1, entry: readingEntry(r) });
    }
  }
  entries.sort((a, b) => a.ms - b.ms || a.order - b.order);
  // The most recent entries matter most when a long trip has more than the limit.
  return entries.slice(Math.max(0, entries.length - options.limit)).map((e) => e.entry);
}
