/**
 * A deliberately naive reference implementation ("oracle") of the monitoring contract
 * (shared/spec/monitoring.md), written from the spec text alone, independent of src/core/engine and
 * src/core/geo. It favours obviousness over speed: after every accepted input it recomputes the whole
 * result from scratch from the log of accepted inputs, exactly as the spec defines it ("after each
 * input is fully applied, the result is what these rules give on the inputs so far").
 *
 * The only history-dependent facts are the ones the spec makes history-dependent: which commands were
 * accepted (judged on the data received before them), the data a closed trip's transitions were frozen
 * on, and signal_loss (arrival-based, simulated over the log in arrival order).
 */
import { canonicalJson } from "../../src/core/canonical-json.js";
import { formatTimeMs, parseTimeMs } from "../../src/core/time/rfc3339.js";

// ---------------------------------------------------------------------------------------------------
// Geometry: a sphere of radius 6,371,008.8 m.

export const EARTH_RADIUS_M = 6_371_008.8;

export type LonLat = readonly [number, number];
type Vec = readonly [number, number, number];

const RAD = Math.PI / 180;

function toVec(p: LonLat): Vec {
  const lon = p[0] * RAD;
  const lat = p[1] * RAD;
  return [Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)];
}

function dot(a: Vec, b: Vec): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function cross(a: Vec, b: Vec): Vec {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function norm(a: Vec): number {
  return Math.sqrt(dot(a, a));
}

function scale(a: Vec, k: number): Vec {
  return [a[0] * k, a[1] * k, a[2] * k];
}

/** Great-circle distance by the haversine formula. */
export function haversineM(a: LonLat, b: LonLat): number {
  const dLat = (b[1] - a[1]) * RAD;
  const dLon = (b[0] - a[0]) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * RAD) * Math.cos(b[1] * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Distance from p to the minor great-circle arc a–b: cross-track when the foot lies on the arc, else nearest end. */
export function distanceToArcM(p: LonLat, a: LonLat, b: LonLat): number {
  const va = toVec(a);
  const vb = toVec(b);
  const vp = toVec(p);
  const n0 = cross(va, vb);
  const nLen = norm(n0);
  if (nLen < 1e-15) return Math.min(haversineM(p, a), haversineM(p, b));
  const n = scale(n0, 1 / nLen);
  const s = dot(vp, n);
  const foot0: Vec = [vp[0] - s * n[0], vp[1] - s * n[1], vp[2] - s * n[2]];
  const footLen = norm(foot0);
  if (footLen < 1e-15) return Math.min(haversineM(p, a), haversineM(p, b));
  const foot = scale(foot0, 1 / footLen);
  const onArc = dot(cross(va, foot), n) >= 0 && dot(cross(foot, vb), n) >= 0;
  if (onArc) return EARTH_RADIUS_M * Math.abs(Math.asin(Math.max(-1, Math.min(1, s))));
  return Math.min(haversineM(p, a), haversineM(p, b));
}

/** Distance from p to a polyline, brute force over every segment. */
export function distanceToRouteM(p: LonLat, route: readonly LonLat[]): number {
  if (route.length === 1) return haversineM(p, route[0]!);
  let best = Infinity;
  for (let i = 0; i + 1 < route.length; i++)
    best = Math.min(best, distanceToArcM(p, route[i]!, route[i + 1]!));
  return best;
}

/**
 * Point in polygon with straight edges in lon/lat; a point on the boundary is inside. "On the
 * boundary" allows 1e-9 degree (~0.1 mm) so that a point written exactly on a slanted edge in decimal
 * counts as on it despite binary rounding (scenarios keep every other point far from the boundary).
 */
export function inPolygon(p: LonLat, ring: readonly LonLat[]): boolean {
  const pts = [...ring];
  const first = pts[0]!;
  const last = pts[pts.length - 1]!;
  if (pts.length > 1 && first[0] === last[0] && first[1] === last[1]) pts.pop();
  const [x, y] = p;
  for (let i = 0; i < pts.length; i++) {
    const a = pts[i]!;
    const b = pts[(i + 1) % pts.length]!;
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / len2));
    if (Math.hypot(x - (a[0] + t * dx), y - (a[1] + t * dy)) <= 1e-9) return true;
  }
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const a = pts[i]!;
    const b = pts[j]!;
    if (a[1] > y !== b[1] > y) {
      const xCross = a[0] + ((y - a[1]) * (b[0] - a[0])) / (b[1] - a[1]);
      if (x < xCross) inside = !inside;
    }
  }
  return inside;
}

// ---------------------------------------------------------------------------------------------------
// Scenario things.

export type ZoneKind = "office" | "rest" | "restricted";

export interface RefZone {
  readonly id: string;
  readonly kind: ZoneKind;
  readonly polygon?: readonly LonLat[];
  readonly circle?: { readonly center: LonLat; readonly radiusM: number };
}

export function inZone(p: LonLat, zone: RefZone): boolean {
  if (zone.polygon !== undefined) return inPolygon(p, zone.polygon);
  const c = zone.circle!;
  return haversineM(p, c.center) <= c.radiusM;
}

type DeviceClass = "active" | "semi-active" | "passive";

interface RefDevice {
  readonly id: string;
  readonly cls: DeviceClass;
  readonly reportIntervalS: number;
}

export interface RefRules {
  corridorM: number;
  deviationMinS: number;
  stopSpeedKmh: number;
  stopRadiusM: number;
  stopMinS: number;
  lowBatteryPct: number;
  lowBatteryClearPct: number;
  signalLossS: number | undefined;
  openingFixMaxAgeS: number;
}

export const REF_DEFAULT_RULES: RefRules = {
  corridorM: 1000,
  deviationMinS: 120,
  stopSpeedKmh: 5,
  stopRadiusM: 100,
  stopMinS: 1800,
  lowBatteryPct: 15,
  lowBatteryClearPct: 30,
  signalLossS: undefined,
  openingFixMaxAgeS: 600,
};

interface RefTrip {
  readonly id: string;
  readonly origin: string;
  readonly destination: string;
  readonly route: readonly LonLat[];
  readonly devices: readonly string[];
  readonly deadline: number;
  readonly checkpoints: readonly string[];
  readonly rules: RefRules;
}

interface World {
  readonly zones: Map<string, RefZone>;
  readonly devices: Map<string, RefDevice>;
  readonly trips: Map<string, RefTrip>;
}

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function pair(v: unknown): LonLat {
  const a = v as number[];
  return [a[0]!, a[1]!];
}

/** Reads the (assumed valid) static part of a scenario. */
function readWorld(doc: Json): World {
  const zones = new Map<string, RefZone>();
  for (const z of doc.zones as Json[]) {
    const id = z.id as string;
    const kind = z.kind as ZoneKind;
    if (z.polygon !== undefined) zones.set(id, { id, kind, polygon: (z.polygon as unknown[]).map(pair) });
    else {
      const c = z.circle as Json;
      zones.set(id, { id, kind, circle: { center: pair(c.center), radiusM: c.radiusM as number } });
    }
  }
  const devices = new Map<string, RefDevice>();
  for (const d of doc.devices as Json[]) {
    const cls = d.class as DeviceClass;
    const interval =
      typeof d.reportIntervalS === "number" ? d.reportIntervalS : cls === "active" ? 300 : 21_600;
    devices.set(d.id as string, { id: d.id as string, cls, reportIntervalS: interval });
  }
  const trips = new Map<string, RefTrip>();
  for (const t of doc.trips as Json[]) {
    const rules: RefRules = { ...REF_DEFAULT_RULES };
    if (isObj(t.rules)) for (const [k, v] of Object.entries(t.rules)) (rules as unknown as Json)[k] = v;
    trips.set(t.id as string, {
      id: t.id as string,
      origin: t.origin as string,
      destination: t.destination as string,
      route: (t.route as unknown[]).map(pair),
      devices: t.devices as string[],
      deadline: parseTimeMs(t.deadline as string)!,
      checkpoints: Array.isArray(t.checkpoints) ? (t.checkpoints as string[]) : [],
      rules,
    });
  }
  return { zones, devices, trips };
}

// ---------------------------------------------------------------------------------------------------
// Inputs.

interface Fix {
  readonly p: LonLat;
  readonly speedKmh: number;
}

interface MsgEntry {
  readonly kind: "message";
  readonly device: string;
  readonly at: number;
  readonly receivedAt: number;
  /** JCS of the content without at and receivedAt: duplicate test and same-instant order. */
  readonly key: string;
  readonly fix: Fix | undefined;
  readonly seal: "closed" | "open" | undefined;
  readonly tamper: boolean | undefined;
  readonly battery: number | undefined;
}

interface ReadEntry {
  readonly kind: "read";
  readonly device: string;
  readonly at: number;
  readonly key: string;
  readonly office: string;
  readonly status: "intact" | "broken";
}

interface CmdEntry {
  readonly kind: "command";
  readonly at: number;
  readonly command: "arm" | "disarm" | "cancel";
  readonly trip: string;
  readonly force: boolean | undefined;
  readonly reason: string | undefined;
}

interface TickEntry {
  readonly kind: "tick";
  readonly at: number;
}

type Entry = MsgEntry | ReadEntry | CmdEntry | TickEntry;

function arrivalOf(e: Entry): number {
  return e.kind === "message" ? e.receivedAt : e.at;
}

class Malformed extends Error {}

function bad(reason: string): never {
  throw new Malformed(reason);
}

function reqString(o: Json, k: string): string {
  const v = o[k];
  if (v === undefined) bad(`missing ${k}`);
  if (typeof v !== "string") bad(`${k} is not a string`);
  return v;
}

function reqTime(o: Json, k: string): number {
  const ms = parseTimeMs(reqString(o, k));
  if (ms === undefined) bad(`${k} does not parse`);
  return ms;
}

function optNumber(o: Json, k: string): number | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) bad(`${k} is not a number`);
  return v;
}

function optBool(o: Json, k: string): boolean | undefined {
  const v = o[k];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") bad(`${k} is not a boolean`);
  return v;
}

function contentKey(raw: Json): string {
  const rest: Json = {};
  for (const [k, v] of Object.entries(raw)) if (k !== "at" && k !== "receivedAt") rest[k] = v;
  return canonicalJson(rest);
}

/** Validates one raw input against the spec's malformed list; throws Malformed. */
function validate(raw: unknown, world: World): Entry {
  if (!isObj(raw)) bad("input is not an object");
  const type = reqString(raw, "type");
  if (type !== "message" && type !== "command" && type !== "read" && type !== "tick")
    bad(`unknown input type ${type}`);
  const at = reqTime(raw, "at");
  if (type === "tick") return { kind: "tick", at };
  if (type === "command") {
    const command = reqString(raw, "command");
    if (command !== "arm" && command !== "disarm" && command !== "cancel") bad("unknown command");
    const trip = reqString(raw, "trip");
    const force = optBool(raw, "force");
    const reason = raw.reason;
    if (reason !== undefined && typeof reason !== "string") bad("reason is not a string");
    if (!world.trips.has(trip)) bad("unknown trip");
    return { kind: "command", at, command, trip, force, reason };
  }
  if (type === "read") {
    const office = reqString(raw, "office");
    const device = reqString(raw, "device");
    const status = reqString(raw, "status");
    if (status !== "intact" && status !== "broken") bad("bad status");
    const dev = world.devices.get(device);
    if (dev === undefined) bad("unknown device");
    const zone = world.zones.get(office);
    if (zone === undefined) bad("unknown office");
    if (zone.kind !== "office") bad("read at a zone that is not an office");
    if (dev.cls !== "passive") bad("read of a device that is not passive");
    return { kind: "read", device, at, key: contentKey(raw), office, status };
  }
  const device = reqString(raw, "device");
  let receivedAt = at;
  if (raw.receivedAt !== undefined) {
    receivedAt = reqTime(raw, "receivedAt");
    if (receivedAt < at) bad("receivedAt earlier than at");
  }
  let fix: Fix | undefined;
  if (raw.position !== undefined) {
    const pos = raw.position;
    if (!isObj(pos)) bad("position is not an object");
    const lon = pos.lon;
    const lat = pos.lat;
    if (lon === undefined || lat === undefined) bad("position without lon/lat");
    if (typeof lon !== "number" || !Number.isFinite(lon)) bad("lon not a number");
    if (typeof lat !== "number" || !Number.isFinite(lat)) bad("lat not a number");
    if (lat < -90 || lat > 90) bad("lat out of range");
    if (lon < -180 || lon > 180) bad("lon out of range");
    const speed = optNumber(pos, "speedKmh");
    if (speed !== undefined && speed < 0) bad("negative speed");
    const course = optNumber(pos, "courseDeg");
    if (course !== undefined && (course < 0 || course > 360)) bad("course out of range");
    const valid = optBool(pos, "valid");
    if (valid !== false) fix = { p: [lon, lat], speedKmh: speed ?? 0 };
  }
  const seal = raw.seal;
  if (seal !== undefined && seal !== "closed" && seal !== "open") bad("bad seal");
  const tamper = optBool(raw, "tamper");
  const battery = optNumber(raw, "batteryPct");
  if (battery !== undefined && (battery < 0 || battery > 100)) bad("battery out of range");
  const dev = world.devices.get(device);
  if (dev === undefined) bad("unknown device");
  if (dev.cls === "passive") bad("message from a passive device");
  return {
    kind: "message",
    device,
    at,
    receivedAt,
    key: contentKey(raw),
    fix,
    seal,
    tamper,
    battery,
  };
}

// ---------------------------------------------------------------------------------------------------
// Evaluation from scratch.

export type TripStateName = "declared" | "armed" | "in_transit" | "arrived" | "closed" | "cancelled";

interface TripStatus {
  state: TripStateName;
  armAt?: number;
  inTransitAt?: number;
  arrivedAt?: number;
  closeAt?: number;
  cancelAt?: number;
}

interface RefAlarm {
  type: string;
  severity: string;
  trip: string;
  device: string | null;
  zone?: string;
  startedAt: number;
  clearedAt: number | null;
}

const SEVERITY: Record<string, string> = {
  tamper: "critical",
  unauthorized_opening: "critical",
  route_deviation: "high",
  unauthorized_stop: "medium",
  restricted_zone: "high",
  low_battery: "low",
  signal_loss: "high",
  overdue: "medium",
  unexpected_checkpoint: "medium",
};

function identity(a: {
  type: string;
  trip: string;
  device: string | null;
  startedAt: number;
  zone?: string;
}) {
  return `${a.type}|${a.trip}|${a.device ?? ""}|${a.startedAt}|${a.zone ?? ""}`;
}

/** Event-time order of one device's messages or reads; same instant by JCS content (code units). */
function byEventOrder<T extends { at: number; key: string }>(a: T, b: T): number {
  if (a.at !== b.at) return a.at - b.at;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function messagesOf(log: readonly Entry[], device: string): MsgEntry[] {
  return log.filter((e): e is MsgEntry => e.kind === "message" && e.device === device).sort(byEventOrder);
}

function readsOf(log: readonly Entry[], device: string): ReadEntry[] {
  return log.filter((e): e is ReadEntry => e.kind === "read" && e.device === device).sort(byEventOrder);
}

function minOrUndefined(values: number[]): number | undefined {
  return values.length === 0 ? undefined : Math.min(...values);
}

/** in_transit and arrived times of an armed trip from the data in `log`. */
function transitionsFrom(world: World, trip: RefTrip, armAt: number, log: readonly Entry[]) {
  const origin = world.zones.get(trip.origin)!;
  const destination = world.zones.get(trip.destination)!;
  const positional = trip.devices.filter((d) => world.devices.get(d)!.cls !== "passive");
  const fixes: { at: number; p: LonLat }[] = [];
  for (const e of log)
    if (e.kind === "message" && trip.devices.includes(e.device) && e.fix !== undefined && e.at >= armAt)
      fixes.push({ at: e.at, p: e.fix.p });
  let inTransitAt: number | undefined;
  let arrivedAt: number | undefined;
  if (positional.length === 0) {
    inTransitAt = armAt;
    const t = inTransitAt;
    arrivedAt = minOrUndefined(
      log
        .filter(
          (e): e is ReadEntry =>
            e.kind === "read" &&
            trip.devices.includes(e.device) &&
            e.office === trip.destination &&
            e.at >= t,
        )
        .map((e) => e.at),
    );
  } else {
    inTransitAt = minOrUndefined(fixes.filter((f) => !inZoneM(f.p, origin)).map((f) => f.at));
    const t = inTransitAt;
    if (t !== undefined)
      arrivedAt = minOrUndefined(
        fixes.filter((f) => f.at >= t && inZoneM(f.p, destination)).map((f) => f.at),
      );
  }
  return { inTransitAt, arrivedAt };
}

/** Trip statuses from the log of accepted inputs (commands in it were all accepted). */
function tripStatuses(world: World, log: readonly Entry[]): Map<string, TripStatus> {
  const out = new Map<string, TripStatus>();
  for (const trip of world.trips.values()) {
    let armAt: number | undefined;
    let closeAt: number | undefined;
    let closeIndex = log.length;
    let cancelAt: number | undefined;
    log.forEach((e, i) => {
      if (e.kind !== "command" || e.trip !== trip.id) return;
      if (e.command === "arm") armAt = e.at;
      if (e.command === "cancel") cancelAt = e.at;
      if (e.command === "disarm") {
        closeAt = e.at;
        closeIndex = i;
      }
    });
    if (cancelAt !== undefined) {
      out.set(trip.id, { state: "cancelled", cancelAt });
      continue;
    }
    if (armAt === undefined) {
      out.set(trip.id, { state: "declared" });
      continue;
    }
    // Once closed, transitions are final: computed on the data received before the disarm.
    const { inTransitAt, arrivedAt } = transitionsFrom(world, trip, armAt, log.slice(0, closeIndex));
    const state: TripStateName =
      closeAt !== undefined
        ? "closed"
        : arrivedAt !== undefined
          ? "arrived"
          : inTransitAt !== undefined
            ? "in_transit"
            : "armed";
    const status: TripStatus = { state, armAt };
    if (inTransitAt !== undefined) status.inTransitAt = inTransitAt;
    if (arrivedAt !== undefined) status.arrivedAt = arrivedAt;
    if (closeAt !== undefined) status.closeAt = closeAt;
    out.set(trip.id, status);
  }
  return out;
}

/**
 * Memoised geometry of one fix (keyed by the identity of its position array and of the zone or route):
 * pure functions only, so the from-scratch recomputation stays obviously correct, just faster.
 */
const geoMemo = new WeakMap<object, Map<object, number | boolean>>();

function memo<T extends number | boolean>(p: LonLat, what: object, compute: () => T): T {
  let m = geoMemo.get(p);
  if (m === undefined) {
    m = new Map();
    geoMemo.set(p, m);
  }
  const hit = m.get(what);
  if (hit !== undefined) return hit as T;
  const value = compute();
  m.set(what, value);
  return value;
}

function inZoneM(p: LonLat, zone: RefZone): boolean {
  return memo(p, zone, () => inZone(p, zone));
}

function routeDistanceM(p: LonLat, route: readonly LonLat[]): number {
  return memo(p, route, () => distanceToRouteM(p, route));
}

function isExempt(world: World, p: LonLat): boolean {
  for (const z of world.zones.values())
    if ((z.kind === "office" || z.kind === "rest") && inZoneM(p, z)) return true;
  return false;
}

function inAnyOffice(world: World, p: LonLat): boolean {
  for (const z of world.zones.values()) if (z.kind === "office" && inZoneM(p, z)) return true;
  return false;
}

/** Alarms of maximal runs of fixes satisfying `pred`; `raise(run)` decides whether a run raises. */
function simpleRuns(
  fixes: readonly MsgEntry[],
  pred: (f: MsgEntry) => boolean,
  raise: (first: MsgEntry, last: MsgEntry) => boolean,
): { startedAt: number; clearedAt: number | null }[] {
  const out: { startedAt: number; clearedAt: number | null }[] = [];
  let i = 0;
  while (i < fixes.length) {
    if (!pred(fixes[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < fixes.length && pred(fixes[j + 1]!)) j++;
    if (raise(fixes[i]!, fixes[j]!))
      out.push({ startedAt: fixes[i]!.at, clearedAt: j + 1 < fixes.length ? fixes[j + 1]!.at : null });
    i = j + 1;
  }
  return out;
}

function deviceRuleAlarms(
  world: World,
  trip: RefTrip,
  deviceId: string,
  from: number,
  until: number,
  log: readonly Entry[],
): RefAlarm[] {
  const alarms: RefAlarm[] = [];
  const rules = trip.rules;
  const device = world.devices.get(deviceId)!;
  const add = (type: string, startedAt: number, clearedAt: number | null, zone?: string) => {
    const a: RefAlarm = {
      type,
      severity: SEVERITY[type]!,
      trip: trip.id,
      device: deviceId,
      startedAt,
      clearedAt,
    };
    if (zone !== undefined) a.zone = zone;
    alarms.push(a);
  };
  const inWindow = (at: number) => at >= from && at < until;

  if (device.cls === "passive") {
    const reads = readsOf(log, deviceId).filter((r) => inWindow(r.at));
    let inRun = false;
    for (const r of reads) {
      if (r.status === "broken") {
        if (!inRun) add("tamper", r.at, null);
        inRun = true;
      } else inRun = false;
    }
    if (trip.checkpoints.length > 0) {
      for (const r of reads)
        if (r.office !== trip.origin && r.office !== trip.destination && !trip.checkpoints.includes(r.office))
          add("unexpected_checkpoint", r.at, null);
    }
    return alarms;
  }

  const all = messagesOf(log, deviceId);
  const msgs = all.filter((m) => inWindow(m.at));
  const fixes = msgs.filter((m) => m.fix !== undefined);

  // tamper
  let inRun = false;
  for (const m of msgs) {
    if (m.tamper === true) {
      if (!inRun) add("tamper", m.at, null);
      inRun = true;
    } else if (m.tamper === false) inRun = false;
  }

  // unauthorized_opening: the seal sequence over all messages, the opening inside the window
  let prevSeal: "closed" | "open" | undefined;
  for (const m of all) {
    if (m.seal === undefined) continue;
    if (prevSeal === "closed" && m.seal === "open" && inWindow(m.at)) {
      let where: LonLat | undefined = m.fix?.p;
      if (where === undefined) {
        const maxAgeMs = rules.openingFixMaxAgeS * 1000;
        const earlier = all.filter((f) => f.fix !== undefined && f.at < m.at && m.at - f.at <= maxAgeMs);
        where = earlier[earlier.length - 1]?.fix?.p;
      }
      if (where === undefined || !inAnyOffice(world, where)) add("unauthorized_opening", m.at, null);
    }
    prevSeal = m.seal;
  }

  // route_deviation
  for (const run of simpleRuns(
    fixes,
    (f) => routeDistanceM(f.fix!.p, trip.route) > rules.corridorM && !isExempt(world, f.fix!.p),
    (first, last) => last.at - first.at >= rules.deviationMinS * 1000,
  ))
    add("route_deviation", run.startedAt, run.clearedAt);

  // unauthorized_stop: greedy runs
  {
    let first: MsgEntry | undefined;
    let last: MsgEntry | undefined;
    const close = (next: MsgEntry | undefined) => {
      if (first !== undefined && last !== undefined)
        if (last.at - first.at >= rules.stopMinS * 1000 && !isExempt(world, first.fix!.p))
          add("unauthorized_stop", first.at, next === undefined ? null : next.at);
      first = undefined;
      last = undefined;
    };
    for (const f of fixes) {
      const slow = f.fix!.speedKmh <= rules.stopSpeedKmh;
      if (first !== undefined && slow && haversineM(f.fix!.p, first.fix!.p) <= rules.stopRadiusM) {
        last = f;
        continue;
      }
      close(f);
      if (slow) {
        first = f;
        last = f;
      }
    }
    close(undefined);
  }

  // restricted_zone: per zone
  for (const z of world.zones.values()) {
    if (z.kind !== "restricted") continue;
    for (const run of simpleRuns(
      fixes,
      (f) => inZoneM(f.fix!.p, z),
      () => true,
    ))
      add("restricted_zone", run.startedAt, run.clearedAt, z.id);
  }

  // low_battery
  {
    let open: RefAlarm | undefined;
    for (const m of msgs) {
      if (m.battery === undefined) continue;
      if (open === undefined) {
        if (m.battery <= rules.lowBatteryPct) {
          add("low_battery", m.at, null);
          open = alarms[alarms.length - 1];
        }
      } else if (m.battery >= rules.lowBatteryClearPct) {
        open.clearedAt = m.at;
        open = undefined;
      }
    }
  }
  return alarms;
}

/** signal_loss, simulated over the log in arrival order (its evidence is arrival). */
function signalLossAlarms(world: World, log: readonly Entry[]): RefAlarm[] {
  const alarms: RefAlarm[] = [];
  interface Track {
    last: number;
    open: RefAlarm | undefined;
  }
  const active = new Map<string, Map<string, Track>>(); // trip -> device -> track
  let clock = -Infinity;
  for (const e of log) {
    clock = Math.max(clock, arrivalOf(e));
    for (const [tripId, tracks] of active) {
      const trip = world.trips.get(tripId)!;
      for (const [deviceId, track] of tracks) {
        const lossS = trip.rules.signalLossS ?? 2 * world.devices.get(deviceId)!.reportIntervalS;
        if (track.open === undefined && clock > track.last + lossS * 1000) {
          track.open = {
            type: "signal_loss",
            severity: SEVERITY.signal_loss!,
            trip: tripId,
            device: deviceId,
            startedAt: track.last,
            clearedAt: null,
          };
          alarms.push(track.open);
        }
      }
    }
    if (e.kind === "command" && e.command === "arm") {
      const trip = world.trips.get(e.trip)!;
      const tracks = new Map<string, Track>();
      for (const d of trip.devices)
        if (world.devices.get(d)!.cls !== "passive") tracks.set(d, { last: e.at, open: undefined });
      active.set(trip.id, tracks);
    } else if (e.kind === "command" && e.command === "disarm") {
      const tracks = active.get(e.trip);
      if (tracks !== undefined)
        for (const track of tracks.values()) if (track.open) track.open.clearedAt = e.at;
      active.delete(e.trip);
    } else if (e.kind === "message") {
      for (const tracks of active.values()) {
        const track = tracks.get(e.device);
        if (track === undefined) continue;
        if (track.open !== undefined) {
          track.open.clearedAt = e.receivedAt;
          track.open = undefined;
        }
        track.last = Math.max(track.last, e.receivedAt);
      }
    }
  }
  return alarms;
}

interface Evaluation {
  alarms: Map<string, RefAlarm>;
  statuses: Map<string, TripStatus>;
}

function evaluate(world: World, log: readonly Entry[]): Evaluation {
  const statuses = tripStatuses(world, log);
  const clock = log.reduce((c, e) => Math.max(c, arrivalOf(e)), -Infinity);
  const list: RefAlarm[] = [];
  for (const trip of world.trips.values()) {
    const st = statuses.get(trip.id)!;
    if (st.armAt === undefined) continue;
    const until = st.closeAt ?? Infinity;
    for (const d of trip.devices) list.push(...deviceRuleAlarms(world, trip, d, st.armAt, until, log));
    // overdue
    const arrivedBy = st.arrivedAt !== undefined && st.arrivedAt <= trip.deadline;
    const closedBy = st.closeAt !== undefined && st.closeAt <= trip.deadline;
    if (clock > trip.deadline && st.armAt <= trip.deadline && !arrivedBy && !closedBy) {
      const ends = [st.arrivedAt, st.closeAt].filter((x): x is number => x !== undefined);
      list.push({
        type: "overdue",
        severity: SEVERITY.overdue!,
        trip: trip.id,
        device: null,
        startedAt: trip.deadline,
        clearedAt: ends.length === 0 ? null : Math.min(...ends),
      });
    }
  }
  list.push(...signalLossAlarms(world, log));
  const alarms = new Map<string, RefAlarm>();
  // Each identity once. Two alarms of one identity only arise from several same-instant events (e.g.
  // battery 10, 50, 9 at one instant: raised, cleared, raised again); the spec does not say which
  // clearedAt wins. We keep the latest in event order (the state the condition ends in).
  for (const a of list) alarms.set(identity(a), a);
  return { alarms, statuses };
}

/** Decides a command on the data received before it; returns a refusal reason or undefined. */
function judge(world: World, log: readonly Entry[], cmd: CmdEntry): string | undefined {
  const statuses = tripStatuses(world, log);
  const trip = world.trips.get(cmd.trip)!;
  const state = statuses.get(trip.id)!.state;
  if (cmd.command === "cancel") return state === "declared" ? undefined : `cancel refused in ${state}`;
  if (cmd.command === "disarm") {
    if (state === "arrived") return undefined;
    if (state === "armed" || state === "in_transit") {
      if (cmd.force === true && cmd.reason !== undefined && /\S/.test(cmd.reason)) return undefined;
      return `disarm refused in ${state} without force and reason`;
    }
    return `disarm refused in ${state}`;
  }
  if (state !== "declared") return `arm refused in ${state}`;
  if (cmd.at > trip.deadline) return "arm refused: deadline passed";
  for (const d of trip.devices) {
    for (const other of world.trips.values()) {
      if (other.id === trip.id || !other.devices.includes(d)) continue;
      const s = statuses.get(other.id)!.state;
      if (s === "armed" || s === "in_transit" || s === "arrived")
        return `arm refused: ${d} is on ${other.id}`;
    }
    const dev = world.devices.get(d)!;
    if (dev.cls === "passive") {
      const reads = readsOf(log, d).filter((r) => r.office === trip.origin && r.at <= cmd.at);
      const latest = reads[reads.length - 1];
      if (latest === undefined || latest.status !== "intact") return `arm refused: ${d} not read intact`;
    } else {
      const sealed = messagesOf(log, d).filter((m) => m.seal !== undefined && m.at <= cmd.at);
      const latest = sealed[sealed.length - 1];
      if (latest === undefined || latest.seal !== "closed") return `arm refused: seal of ${d} not closed`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Replay.

export interface RefOutputAlarm {
  type: string;
  severity: string;
  trip: string;
  device: string | null;
  zone?: string;
  startedAt: string;
  clearedAt: string | null;
}

export interface RefOutput {
  alarms: RefOutputAlarm[];
  retracted: { type: string; trip: string; device: string | null; zone?: string; startedAt: string }[];
  trips: { id: string; state: TripStateName; transitions: { state: TripStateName; at: string }[] }[];
  rejected: { input: number; reason: string }[];
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpNullFirst(a: string | null | undefined, b: string | null | undefined): number {
  const x = a ?? null;
  const y = b ?? null;
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  return cmpStr(x, y);
}

function compareIdentity(
  a: { type: string; trip: string; device: string | null; zone?: string; startedAt: number },
  b: { type: string; trip: string; device: string | null; zone?: string; startedAt: number },
): number {
  return (
    a.startedAt - b.startedAt ||
    cmpStr(a.type, b.type) ||
    cmpNullFirst(a.device, b.device) ||
    cmpStr(a.trip, b.trip) ||
    cmpNullFirst(a.zone, b.zone)
  );
}

/** Replays a scenario document with the naive reference semantics; returns the spec's output shape. */
export function referenceReplay(document: unknown): RefOutput {
  const doc = document as Json;
  const world = readWorld(doc);
  const inputs = doc.inputs as unknown[];
  const log: Entry[] = [];
  const rejected: { input: number; reason: string }[] = [];
  const seen = new Map<string, RefAlarm>();
  let clock = -Infinity;
  let current: Evaluation = evaluate(world, log);

  inputs.forEach((raw, index) => {
    let entry: Entry;
    try {
      entry = validate(raw, world);
    } catch (error) {
      if (error instanceof Malformed) {
        rejected.push({ input: index, reason: error.message });
        return;
      }
      throw error;
    }
    // Duplicate detection comes first: same device, same instant, same content as an accepted input.
    if (entry.kind === "message" || entry.kind === "read") {
      const e = entry;
      const dup = log.some(
        (o) => o.kind === e.kind && o.device === e.device && o.at === e.at && o.key === e.key,
      );
      if (dup) return;
    }
    if (arrivalOf(entry) < clock) {
      rejected.push({ input: index, reason: "arrives earlier than the clock" });
      return;
    }
    if (entry.kind === "command") {
      const refusal = judge(world, log, entry);
      if (refusal !== undefined) {
        rejected.push({ input: index, reason: refusal });
        return;
      }
    }
    log.push(entry);
    clock = Math.max(clock, arrivalOf(entry));
    current = evaluate(world, log);
    for (const [k, a] of current.alarms) if (!seen.has(k)) seen.set(k, a);
  });

  const finalAlarms = [...current.alarms.values()].sort(compareIdentity);
  const retracted = [...seen.entries()]
    .filter(([k]) => !current.alarms.has(k))
    .map(([, a]) => a)
    .sort(compareIdentity);

  const trips = [...world.trips.values()]
    .map((t) => t.id)
    .sort(cmpStr)
    .map((id) => {
      const st = current.statuses.get(id)!;
      const transitions: { state: TripStateName; at: string }[] = [];
      if (st.cancelAt !== undefined) transitions.push({ state: "cancelled", at: formatTimeMs(st.cancelAt) });
      if (st.armAt !== undefined) transitions.push({ state: "armed", at: formatTimeMs(st.armAt) });
      if (st.inTransitAt !== undefined)
        transitions.push({ state: "in_transit", at: formatTimeMs(st.inTransitAt) });
      if (st.arrivedAt !== undefined) transitions.push({ state: "arrived", at: formatTimeMs(st.arrivedAt) });
      if (st.closeAt !== undefined) transitions.push({ state: "closed", at: formatTimeMs(st.closeAt) });
      return { id, state: st.state, transitions };
    });

  return {
    alarms: finalAlarms.map((a) => ({
      type: a.type,
      severity: a.severity,
      trip: a.trip,
      device: a.device,
      ...(a.zone === undefined ? {} : { zone: a.zone }),
      startedAt: formatTimeMs(a.startedAt),
      clearedAt: a.clearedAt === null ? null : formatTimeMs(a.clearedAt),
    })),
    retracted: retracted.map((a) => ({
      type: a.type,
      trip: a.trip,
      device: a.device,
      ...(a.zone === undefined ? {} : { zone: a.zone }),
      startedAt: formatTimeMs(a.startedAt),
    })),
    trips,
    rejected,
  };
}
