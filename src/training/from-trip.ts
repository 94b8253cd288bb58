/**
 * Authoring an exercise from a stored real trip (`sealwatch exercise from-trip`): the trip's zones,
 * devices, readings and commands become a scenario of the monitoring contract, anonymised — the
 * trip and its devices get neutral ids, the declaration (reference, plates, driver, company,
 * containers) and the raw frames and vendor details are left out, and every time is shifted by whole
 * days — with a clock tick every few minutes so that signal loss and overdue happen as they did.
 * The expected responses come from the officers' recorded handling (outcome of each alarm, the
 * inspection decision); what was never recorded is listed for the author to complete. Pure.
 */
import type { Zone } from "../core/domain/model.js";
import { formatTimeMs } from "../core/time/rfc3339.js";
import type { AlarmRecord, CommandRecord, DeviceRecord, ReadingRecord, TripRecord } from "../store/ports.js";
import { EXERCISE_FORMAT } from "./exercise.js";

export interface StoredTrip {
  readonly trip: TripRecord;
  readonly zones: readonly Zone[];
  readonly devices: readonly DeviceRecord[];
  readonly readings: readonly ReadingRecord[];
  readonly commands: readonly CommandRecord[];
  readonly alarms: readonly AlarmRecord[];
  /** The officer's inspection decision at destination, if recorded. */
  readonly decision?: "release" | "documentary_check" | "physical_inspection";
}

export interface FromTripOptions {
  readonly exerciseId: string;
  /** Whole days added to every time (negative moves back). */
  readonly shiftDays: number;
  /** Seconds between synthetic clock ticks (default 300). */
  readonly tickS?: number;
}

export interface FromTripResult {
  /** The exercise document, ready to be written as JSON. */
  readonly document: Record<string, unknown>;
  /** What the author must still do (alarms whose outcome was never recorded, ...). */
  readonly todo: readonly string[];
}

const DAY_MS = 86_400_000;
const ACK_TARGET_S = { critical: 300, high: 600, medium: 900, low: 1800 } as const;

export function exerciseFromTrip(stored: StoredTrip, options: FromTripOptions): FromTripResult {
  const shiftMs = options.shiftDays * DAY_MS;
  const t = (ms: number) => formatTimeMs(ms + shiftMs);
  const tripId = "TRIP-1";
  const deviceIds = new Map(stored.trip.devices.map((id, i) => [id, `SEAL-${i + 1}`]));
  const device = (id: string) => deviceIds.get(id) ?? "SEAL-?";
  const { trip } = stored;

  type Timed = { arrivalMs: number; seq: number; input: Record<string, unknown> };
  const timed: Timed[] = [];
  for (const r of stored.readings) {
    if (!deviceIds.has(r.deviceId)) continue;
    if (r.kind === "read") {
      if (r.office === undefined || r.readStatus === undefined) continue;
      timed.push({
        arrivalMs: r.atMs,
        seq: r.seq,
        input: {
          type: "read",
          at: t(r.atMs),
          office: r.office,
          device: device(r.deviceId),
          status: r.readStatus,
        },
      });
      continue;
    }
    const message: Record<string, unknown> = { type: "message", device: device(r.deviceId), at: t(r.atMs) };
    if (r.receivedAtMs !== r.atMs) message.receivedAt = t(r.receivedAtMs);
    if (r.lon !== undefined && r.lat !== undefined)
      message.position = {
        lon: r.lon,
        lat: r.lat,
        ...(r.speedKmh === undefined ? {} : { speedKmh: r.speedKmh }),
        ...(r.courseDeg === undefined ? {} : { courseDeg: r.courseDeg }),
        ...(r.valid === false ? { valid: false } : {}),
      };
    if (r.seal !== undefined) message.seal = r.seal;
    if (r.tamper !== undefined) message.tamper = r.tamper;
    if (r.batteryPct !== undefined) message.batteryPct = r.batteryPct;
    timed.push({ arrivalMs: r.receivedAtMs, seq: r.seq, input: message });
  }
  for (const c of stored.commands) {
    if (c.outcome !== "accepted" || c.command === "cancel") continue;
    timed.push({
      arrivalMs: c.atMs,
      seq: c.seq,
      input: {
        type: "command",
        at: t(c.atMs),
        command: c.command,
        trip: tripId,
        ...(c.force === true ? { force: true, reason: "early termination (from the real trip)" } : {}),
      },
    });
  }
  // Arrival order is the durable log's order.
  timed.sort((a, b) => a.seq - b.seq);
  const inputs = withTicks(timed, (options.tickS ?? 300) * 1000, t);

  const zoneIds = new Set([trip.origin, trip.destination, ...(trip.checkpoints ?? [])]);
  const zones = stored.zones.map((zone) => ({
    id: zone.id,
    kind: zone.kind,
    ...(zone.name === undefined ? {} : { name: zone.name }),
    ...(zone.shape.type === "circle"
      ? { circle: { center: [...zone.shape.center], radiusM: zone.shape.radiusM } }
      : { polygon: zone.shape.ring.map((p) => [...p]) }),
  }));
  const missingZones = [...zoneIds].filter((id) => !stored.zones.some((z) => z.id === id));

  const responses: Record<string, unknown>[] = [];
  const todo: string[] = missingZones.map((id) => `zone ${id} of the trip is not in the store: add it`);
  const alarms = stored.alarms.filter((a) => !a.retracted).sort((a, b) => a.startedAtMs - b.startedAtMs);
  alarms.forEach((alarm, i) => {
    const id = `alarm-${i + 1}`;
    if (alarm.outcome === undefined)
      todo.push(
        `${id} (${alarm.type} at ${t(alarm.startedAtMs)}): no outcome was recorded on the real trip; set "outcome"`,
      );
    responses.push({
      id,
      kind: "alarm",
      alarm: {
        type: alarm.type,
        trip: tripId,
        device: alarm.device === null ? null : device(alarm.device),
        startedAt: t(alarm.startedAtMs),
        ...(alarm.zone === undefined ? {} : { zone: alarm.zone }),
      },
      acknowledgeWithinS: ACK_TARGET_S[alarm.severity],
      ...(alarm.outcome === undefined ? {} : { outcome: alarm.outcome }),
      notes: `From a real trip: ${alarm.type.replaceAll("_", " ")}${
        alarm.outcome === undefined ? "" : `, resolved as ${alarm.outcome.replaceAll("_", " ")}`
      }. Write what the trainee should notice here.`,
    });
  });
  if (stored.decision !== undefined)
    responses.push({
      id: "arrival",
      kind: "arrival",
      trip: tripId,
      decision: stored.decision,
      notes: `The officer at ${trip.destination} decided ${stored.decision.replaceAll("_", " ")}.`,
    });
  if (responses.length === 0)
    todo.push("the trip raised no alarm and has no decision: add a response to score");

  const devices = stored.devices
    .filter((d) => deviceIds.has(d.id))
    .map((d) => ({
      id: device(d.id),
      class: d.class,
      ...(d.reportIntervalS === undefined ? {} : { reportIntervalS: d.reportIntervalS }),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const document = {
    format: EXERCISE_FORMAT,
    id: options.exerciseId,
    title: `From a real trip ${trip.origin} → ${trip.destination}`,
    level: "intermediate",
    topics: [...new Set(alarms.map((a) => a.type))],
    briefing: {
      role: "control-room officer",
      office: trip.destination,
      text: `A trip from ${trip.origin} to ${trip.destination} under ${devices.length} sealing device(s). Watch it, handle its alarms and decide at arrival.`,
    },
    scenario: {
      name: options.exerciseId,
      description: "Made from a stored trip by sealwatch exercise from-trip (anonymised, times shifted).",
      zones,
      devices,
      trips: [
        {
          id: tripId,
          origin: trip.origin,
          destination: trip.destination,
          devices: stored.trip.devices.map(device),
          route: trip.route.map((p) => [...p]),
          deadline: t(trip.deadlineMs),
          ...(trip.checkpoints === undefined || trip.checkpoints.length === 0
            ? {}
            : { checkpoints: [...trip.checkpoints] }),
          ...(trip.rules === undefined || Object.keys(trip.rules).length === 0
            ? {}
            : { rules: { ...trip.rules } }),
        },
      ],
      inputs,
    },
    responses,
  };
  return { document, todo };
}

/** The inputs with a clock tick every `tickMs` between them (never behind the clock). */
function withTicks(
  timed: readonly { arrivalMs: number; input: Record<string, unknown> }[],
  tickMs: number,
  t: (ms: number) => string,
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let clockMs = Number.NEGATIVE_INFINITY;
  let nextTickMs = Number.NaN;
  for (const { arrivalMs, input } of timed) {
    if (Number.isNaN(nextTickMs)) nextTickMs = Math.ceil(arrivalMs / tickMs) * tickMs;
    while (nextTickMs < arrivalMs) {
      if (nextTickMs >= clockMs) out.push({ type: "tick", at: t(nextTickMs) });
      clockMs = Math.max(clockMs, nextTickMs);
      nextTickMs += tickMs;
    }
    out.push(input);
    clockMs = Math.max(clockMs, arrivalMs);
  }
  // An hour more, so that a last silence or a passed deadline shows.
  for (let i = 0; i < 3_600_000 / tickMs && !Number.isNaN(nextTickMs); i++, nextTickMs += tickMs)
    if (nextTickMs >= clockMs) out.push({ type: "tick", at: t(nextTickMs) });
  return out;
}
