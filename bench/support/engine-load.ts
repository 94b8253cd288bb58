/**
 * A seeded synthetic monitoring load: trips on long road-like routes, one e-lock per trip reporting
 * every minute, with realistic incident rates (deviations, stops, tampering, openings, low battery,
 * overdue trips) and store-and-forward backlogs uploaded late, merged in arrival order with a
 * control-room tick every minute.
 */
import type { Device, TripSpec, Zone } from "../../src/core/domain/model.js";
import type { EngineInput, MessageInput } from "../../src/core/engine/inputs.js";
import type { LonLat } from "../../src/core/geo/sphere.js";
import { Rng } from "../../src/sim/rng.js";
import { destination, syntheticRoute } from "./routes.js";

export interface LoadOptions {
  readonly trips: number;
  readonly messagesPerTrip: number;
  readonly routeVertices: number;
  readonly seed: number;
}

export interface Load {
  readonly zones: Zone[];
  readonly devices: Device[];
  readonly trips: TripSpec[];
  readonly inputs: EngineInput[];
  readonly messageCount: number;
  readonly incidents: Record<string, number>;
}

const T0 = Date.UTC(2025, 5, 10, 0, 0, 0);
const REPORT_MS = 60_000;

function square(id: string, kind: Zone["kind"], [lon, lat]: LonLat, halfSideM: number): Zone {
  const north = destination([lon, lat], halfSideM, 0)[1] - lat;
  const east = destination([lon, lat], halfSideM, 90)[0] - lon;
  return {
    id,
    kind,
    shape: {
      type: "polygon",
      ring: [
        [lon - east, lat - north],
        [lon + east, lat - north],
        [lon + east, lat + north],
        [lon - east, lat + north],
      ],
    },
  };
}

/** Point at fractional vertex position `u` along the route. */
function pointAt(route: readonly LonLat[], u: number): LonLat {
  const i = Math.min(route.length - 2, Math.max(0, Math.floor(u)));
  const t = Math.min(1, Math.max(0, u - i));
  const a = route[i]!;
  const b = route[i + 1]!;
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
}

export function buildLoad(options: LoadOptions): Load {
  const rng = new Rng(options.seed);
  const zones: Zone[] = [];
  const devices: Device[] = [];
  const trips: TripSpec[] = [];
  const inputs: EngineInput[] = [];
  const incidents: Record<string, number> = {
    route_deviation: 0,
    unauthorized_stop: 0,
    tamper: 0,
    unauthorized_opening: 0,
    low_battery: 0,
    backlog: 0,
    overdue: 0,
    restricted_zone: 0,
  };
  let messageCount = 0;
  const n = options.messagesPerTrip;

  for (let t = 0; t < options.trips; t++) {
    const start: LonLat = [rng.between(30, 105), rng.between(-5, 20)];
    const route = syntheticRoute(rng, start, options.routeVertices, rng.between(0, 360));
    const tripId = `T${String(t).padStart(5, "0")}`;
    const deviceId = `ELK-${String(t).padStart(5, "0")}`;
    const origin = square(`${tripId}-O`, "office", route[0]!, 400);
    // The truck covers the route in n reports; the last few are inside the destination.
    const stepVertices = (route.length - 1) / (n - 6);
    const end = route[route.length - 1]!;
    const dest = square(`${tripId}-D`, "office", end, 600);
    const rest = square(`${tripId}-R`, "rest", pointAt(route, stepVertices * Math.floor(n * 0.5)), 300);
    zones.push(origin, dest, rest);
    devices.push({ id: deviceId, class: "active", reportIntervalS: 60 });

    const startMs = T0 + t * 20_000;
    const armMs = startMs + 30_000;
    const overdue = rng.chance(0.03);
    const durationMs = n * REPORT_MS;
    const deadlineMs = overdue ? startMs + durationMs * 0.8 : startMs + durationMs * 1.5;
    if (overdue) incidents.overdue!++;
    trips.push({
      id: tripId,
      reference: `25KE${String(t).padStart(13, "0")}`,
      origin: origin.id,
      destination: dest.id,
      route,
      devices: [deviceId],
      deadlineMs,
      ...(rng.chance(0.2) ? { rules: { corridorM: 2000 } } : {}),
    });

    // Incidents of this trip, as ranges of report numbers.
    const deviationAt = rng.chance(0.05) ? rng.int(50, n - 100) : -1;
    const stopAt = rng.chance(0.05) ? rng.int(50, n - 100) : -1;
    const restStopAt = Math.floor(n * 0.5);
    const tamperAt = rng.chance(0.02) ? rng.int(50, n - 50) : -1;
    const openingAt = rng.chance(0.02) ? rng.int(50, n - 50) : -1;
    const lowBattery = rng.chance(0.03);
    const backlogAt = rng.chance(0.1) ? rng.int(50, n - 100) : -1;
    if (deviationAt >= 0) incidents.route_deviation!++;
    if (stopAt >= 0) incidents.unauthorized_stop!++;
    if (tamperAt >= 0) incidents.tamper!++;
    if (openingAt >= 0) incidents.unauthorized_opening!++;
    if (lowBattery) incidents.low_battery!++;
    if (backlogAt >= 0) incidents.backlog!++;

    let u = 0;
    let battery = 100;
    for (let k = 0; k < n; k++) {
      const atMs = k === 0 ? startMs : armMs + k * REPORT_MS;
      let position: LonLat;
      let speedKmh: number;
      if (k === 0) {
        position = route[0]!;
        speedKmh = 0;
      } else if (k >= n - 6) {
        position = [end[0] + rng.between(-0.0005, 0.0005), end[1] + rng.between(-0.0005, 0.0005)];
        speedKmh = 0;
      } else if (stopAt >= 0 && k >= stopAt && k < stopAt + 40) {
        position = pointAt(route, u);
        position = [
          position[0] + rng.between(-0.00003, 0.00003),
          position[1] + rng.between(-0.00003, 0.00003),
        ];
        speedKmh = rng.between(0, 2);
      } else if (k >= restStopAt && k < restStopAt + 45) {
        position = pointAt(route, stepVertices * restStopAt);
        speedKmh = 0;
      } else {
        u += stepVertices * rng.between(0.8, 1.2);
        position = pointAt(route, u);
        speedKmh = rng.between(40, 80);
      }
      if (deviationAt >= 0 && k >= deviationAt && k < deviationAt + 10) {
        position = destination(position, 3000, rng.between(0, 360));
      }
      if (lowBattery) battery = Math.max(5, 100 - (k * 100) / (n * 0.6));
      const seal = openingAt >= 0 && k >= openingAt && k < openingAt + 3 ? "open" : "closed";
      const tamper = tamperAt >= 0 && (k === tamperAt || k === tamperAt + 1);
      let receivedAtMs = atMs;
      if (backlogAt >= 0 && k >= backlogAt && k < backlogAt + 30) {
        // Out of coverage: buffered and uploaded together when coverage returns.
        receivedAtMs = armMs + (backlogAt + 30) * REPORT_MS + 5_000 + (k - backlogAt) * 50;
      }
      const message: MessageInput & Record<string, unknown> = {
        type: "message",
        device: deviceId,
        atMs,
        receivedAtMs,
        position: { lon: position[0], lat: position[1], speedKmh, courseDeg: 0, valid: true },
        seal,
        tamper,
        ...(k % 10 === 0 || lowBattery ? { batteryPct: Math.round(battery) } : {}),
        content: undefined as unknown as object,
      };
      (message as { content: object }).content = message;
      inputs.push(message);
      messageCount++;
    }
    inputs.push({ type: "command", command: "arm", trip: tripId, atMs: armMs });
    inputs.push({ type: "command", command: "disarm", trip: tripId, atMs: armMs + n * REPORT_MS + 30_000 });
  }

  // Restricted zones on a few routes' paths, so that some trucks cross them.
  for (let r = 0; r < Math.min(50, options.trips); r++) {
    const trip = trips[Math.floor((r * options.trips) / 50)]!;
    const center = pointAt(trip.route, trip.route.length * 0.3);
    zones.push({ id: `RZ-${r}`, kind: "restricted", shape: { type: "circle", center, radiusM: 250 } });
    incidents.restricted_zone!++;
  }

  const lastMs = inputs.reduce((latest, input) => Math.max(latest, arrivalMs(input)), 0);
  for (let tick = T0; tick <= lastMs; tick += REPORT_MS) inputs.push({ type: "tick", atMs: tick });
  // Arrival order; at the same instant: messages, then commands, then ticks (stable for equal keys).
  const rank = (input: EngineInput): number =>
    input.type === "message" ? 0 : input.type === "command" ? 1 : 2;
  inputs.sort((a, b) => arrivalMs(a) - arrivalMs(b) || rank(a) - rank(b));
  return { zones, devices, trips, inputs, messageCount, incidents };
}

export function arrivalMs(input: EngineInput): number {
  return input.type === "message" ? input.receivedAtMs : input.atMs;
}
