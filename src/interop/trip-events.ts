/**
 * A trip's canonical events, gathered from the store: its transitions, alarms and their handling
 * and inspection decisions from the audit chain, and seal state changes and positions from the
 * readings of its devices (positions thinned to one per `positionIntervalMs`, a seal change always
 * kept). Ordered by time. This is what every export of a trip is made from.
 */
import type { LonLat } from "../core/geo/sphere.js";
import type { AuditRecord, ReadingRecord, Store, TripRecord } from "../store/ports.js";
import type { CanonicalEvent } from "./events.js";
import { eventsFromAudit, isAlarmAction } from "./from-audit.js";
import { tripFacts, type ZoneLookup } from "./trip-facts.js";

export interface TripEventsOptions {
  /** Only events at or after this time. */
  readonly fromMs?: number;
  /** Only events before this time. */
  readonly toMs?: number;
  /** At most one position event per device in this interval (default 15 minutes). */
  readonly positionIntervalMs?: number;
  /** Leave positions out. */
  readonly positions?: boolean;
}

export interface TripEvents {
  readonly trip: TripRecord;
  readonly zones: ZoneLookup;
  readonly events: CanonicalEvent[];
  /** EPCs (URNs, GS1 Digital Links) of the trip's devices, by device id. */
  readonly deviceEpcs: ReadonlyMap<string, readonly string[]>;
}

const EPC = /^(urn:epc:id:|https?:\/\/id\.gs1\.org\/)/i;
const READINGS_WINDOW_MS = 400 * 86_400_000;

export async function tripEvents(
  store: Store,
  trip: TripRecord,
  options: TripEventsOptions = {},
): Promise<TripEvents> {
  const zones: ZoneLookup = new Map((await store.zones.list()).map((z) => [z.id, z]));
  const events: CanonicalEvent[] = [];
  const readings = new Map<string, ReadingRecord[]>();
  const deviceEpcs = new Map<string, string[]>();
  const start = trip.armedAtMs ?? trip.createdAtMs;
  const end = trip.closedAtMs ?? trip.cancelledAtMs ?? start + READINGS_WINDOW_MS;
  for (const deviceId of trip.devices) {
    const device = await store.devices.get(deviceId);
    deviceEpcs.set(
      deviceId,
      (device?.identifiers ?? []).filter((id) => EPC.test(id)),
    );
    readings.set(deviceId, await store.readings.forDevice(deviceId, start, end + 1));
  }
  const positionAt = (deviceId: string | undefined, atMs: number): LonLat | undefined => {
    let found: LonLat | undefined;
    for (const r of readings.get(deviceId ?? "") ?? []) {
      if (r.atMs > atMs) break;
      if (r.lon !== undefined && r.lat !== undefined && r.valid !== false) found = [r.lon, r.lat];
    }
    return found;
  };

  const records: AuditRecord[] = await store.audit.list({ subjectType: "trip", subjectId: trip.id });
  for (const alarm of await store.alarms.forTrip(trip.id))
    for (const record of await store.audit.list({ subjectType: "alarm", subjectId: alarm.id }))
      if (isAlarmAction(record.action)) {
        const atMs = record.action === "alarm.raise" ? alarm.startedAtMs : record.atMs;
        const position = positionAt(alarm.device ?? undefined, atMs);
        events.push(
          ...eventsFromAudit(record, { trip, zones, alarm, ...(position === undefined ? {} : { position }) }),
        );
      }
  for (const record of records) {
    const position = positionAt(trip.devices[0], record.atMs);
    events.push(...eventsFromAudit(record, { trip, zones, ...(position === undefined ? {} : { position }) }));
  }
  events.push(...readingEvents(trip, zones, readings, options));

  const from = options.fromMs ?? Number.NEGATIVE_INFINITY;
  const to = options.toMs ?? Number.POSITIVE_INFINITY;
  const kept = events.filter((e) => e.atMs >= from && e.atMs < to);
  kept.sort(
    (a, b) => a.atMs - b.atMs || a.recordedAtMs - b.recordedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return { trip, zones, events: kept, deviceEpcs };
}

function readingEvents(
  trip: TripRecord,
  zones: ZoneLookup,
  readings: ReadonlyMap<string, readonly ReadingRecord[]>,
  options: TripEventsOptions,
): CanonicalEvent[] {
  const facts = tripFacts(trip, zones);
  const interval = options.positionIntervalMs ?? 15 * 60_000;
  const out: CanonicalEvent[] = [];
  for (const [deviceId, list] of readings) {
    let seal: string | undefined;
    let lastPositionMs = Number.NEGATIVE_INFINITY;
    for (const r of list) {
      if (r.kind !== "message") continue;
      const position: LonLat | undefined =
        r.lon !== undefined && r.lat !== undefined && r.valid !== false ? [r.lon, r.lat] : undefined;
      const common = {
        atMs: r.atMs,
        recordedAtMs: r.receivedAtMs,
        trip: facts,
        device: deviceId,
        ...(position === undefined ? {} : { place: { position } }),
        ...(r.batteryPct === undefined ? {} : { batteryPct: r.batteryPct }),
        ...(r.speedKmh === undefined ? {} : { speedKmh: r.speedKmh }),
      };
      if (r.seal !== undefined && r.seal !== seal) {
        if (seal !== undefined || r.seal === "open")
          out.push({
            ...common,
            id: `reading-${r.seq}-seal`,
            type: r.seal === "open" ? "seal.opened" : "seal.closed",
          });
        seal = r.seal;
      }
      if (options.positions !== false && position !== undefined && r.atMs - lastPositionMs >= interval) {
        out.push({ ...common, id: `reading-${r.seq}-position`, type: "position" });
        lastPositionMs = r.atMs;
      }
    }
  }
  return out;
}
