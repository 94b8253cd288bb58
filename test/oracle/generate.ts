/**
 * A fast-check arbitrary of random but meaningful scenario documents for differential testing.
 *
 * A plan (zones around a short synthetic route, devices, trips, and a list of actions) is drawn by
 * fast-check, so counterexamples shrink by dropping actions; a deterministic builder turns the plan
 * into a scenario document. Every valid fix is checked with the oracle's own geometry and nudged (or
 * its position dropped) so that each measured distance stays at least 5% away from its threshold:
 * corridorM to every trip route, stopRadiusM to every other fix of the same device, circle radii, and
 * a clear margin from polygon edges (except points deliberately placed exactly on an axis-aligned
 * edge of a rectangular zone).
 */
import fc from "fast-check";
import { formatTimeMs, parseTimeMs } from "../../src/core/time/rfc3339.js";
import { distanceToRouteM, haversineM, inZone, type LonLat, type RefZone } from "./reference.js";

const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;

type Shape = "rect" | "circle" | "poly" | "diamond";
type DeviceClass = "active" | "semi-active" | "passive";

interface ZonePlan {
  readonly frac: number;
  readonly lateral: number;
  readonly size: number;
  readonly shape: Shape;
  readonly closedRing: boolean;
}

interface RulesPlan {
  corridorM?: number;
  deviationMinS?: number;
  stopSpeedKmh?: number;
  stopRadiusM?: number;
  stopMinS?: number;
  lowBatteryPct?: number;
  lowBatteryClearPct?: number;
  signalLossS?: number;
  openingFixMaxAgeS?: number;
}

interface TripPlan {
  readonly mask: number;
  readonly reverse: boolean;
  readonly deadlineFrac: number;
  /** The destination is the origin office (a round trip). */
  readonly roundTrip: boolean;
  /** 0: no checkpoints key, 1: empty list, 2: the checkpoint office listed. */
  readonly checkpoints: 0 | 1 | 2;
  readonly rules: RulesPlan;
}

type MoveMode = "corridor" | "off" | "rest" | "restricted" | "office" | "dest" | "origin" | "boundary";

export type Action =
  | {
      k: "move";
      truck: number;
      dtS: number;
      mode: MoveMode;
      pick: number;
      speed: number;
      devs: number;
      extras: number;
    }
  | { k: "stop"; truck: number; count: number; dtS: number; speedPick: number; devs: number }
  | { k: "crawl"; truck: number; count: number; dtS: number; stepM: number; devs: number }
  | {
      k: "status";
      dev: number;
      dtS: number;
      seal: 0 | 1 | 2;
      tamper: 0 | 1 | 2;
      battery: number;
      fix: 0 | 1 | 2;
    }
  | { k: "read"; dev: number; office: number; status: 0 | 1; dtS: number }
  | {
      k: "command";
      cmd: "arm" | "disarm" | "cancel";
      trip: number;
      force: 0 | 1 | 2;
      reason: number;
      dtS: number;
      future: boolean;
    }
  | { k: "tick"; dtS: number }
  | { k: "gap"; dev: number; count: number; order: number }
  | { k: "late"; dev: number; delayS: number; count: number }
  | { k: "dup"; pick: number; fmt: number; recvDelayS: number; broken: number }
  | { k: "same"; dev: number; variant: number; dtS: number }
  | { k: "malformed"; variant: number; dtS: number }
  | { k: "misorder"; back: number; bumpS: number };

export interface Plan {
  readonly lat0: number;
  readonly lon0: number;
  readonly startDay: number;
  readonly routeLenM: number;
  readonly wiggles: readonly number[];
  readonly originShape: Shape;
  readonly destShape: Shape;
  readonly officeSize: number;
  readonly checkpointOffice: boolean;
  readonly extraOffice: boolean;
  readonly rests: readonly ZonePlan[];
  readonly restricted: readonly ZonePlan[];
  readonly devices: readonly { cls: DeviceClass; interval: number }[];
  readonly trips: readonly TripPlan[];
  readonly sealOpenFirst: boolean;
  readonly preludeReads: boolean;
  readonly armFirst: boolean;
  readonly armSecond: boolean;
  /** How trip T1 ends: arrival then disarm (the arrival fix possibly uploaded 3 h late), forced, or not. */
  readonly finish: "arrive" | "arriveLate" | "force" | "none";
  /** After T1 ends, arm T2 and drive a little (T2 may share devices with T1). */
  readonly secondLeg: boolean;
  readonly finalTickS: number;
  readonly actions: readonly Action[];
}

// ---------------------------------------------------------------------------------------------------
// Arbitraries.

const zonePlanArb = (minLat: number, maxLat: number): fc.Arbitrary<ZonePlan> =>
  fc.record({
    frac: fc.double({ min: 0.15, max: 0.85, noNaN: true }),
    lateral: fc.integer({ min: minLat, max: maxLat }),
    size: fc.integer({ min: 150, max: 600 }),
    shape: fc.constantFrom<Shape>("rect", "circle", "poly", "diamond"),
    closedRing: fc.boolean(),
  });

const rulesArb: fc.Arbitrary<RulesPlan> = fc
  .record(
    {
      corridorM: fc.constantFrom(300, 500, 1000, 2000),
      deviationMinS: fc.constantFrom(0, 60, 120, 300),
      stopSpeedKmh: fc.constantFrom(3, 5, 8),
      stopRadiusM: fc.constantFrom(50, 100, 200),
      stopMinS: fc.constantFrom(300, 600, 900, 1800),
      lowBatteryPct: fc.constantFrom(10, 15, 20),
      lowBatteryClearPct: fc.constantFrom(25, 30, 40),
      signalLossS: fc.constantFrom(120, 600, 1800, 7200),
      openingFixMaxAgeS: fc.constantFrom(60, 300, 600),
    },
    { requiredKeys: [] },
  )
  .map((r) => {
    const low = r.lowBatteryPct ?? 15;
    const clear = r.lowBatteryClearPct ?? 30;
    if (clear <= low) {
      const copy = { ...r };
      delete copy.lowBatteryClearPct;
      delete copy.lowBatteryPct;
      return copy;
    }
    return r;
  });

const dtArb = fc.constantFrom(30, 60, 60, 120, 300, 600);
const truckArb = fc.constantFrom(0, 0, 0, 1);

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 30,
    arbitrary: fc.record({
      k: fc.constant("move" as const),
      truck: truckArb,
      dtS: dtArb,
      mode: fc.constantFrom<MoveMode>(
        "corridor",
        "corridor",
        "corridor",
        "off",
        "off",
        "rest",
        "restricted",
        "office",
        "dest",
        "origin",
        "boundary",
      ),
      pick: fc.nat(1000),
      speed: fc.constantFrom(0, 2, 5, 12, 40, 65, 90),
      devs: fc.nat(7),
      extras: fc.nat(63),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant("stop" as const),
      truck: truckArb,
      count: fc.integer({ min: 2, max: 8 }),
      dtS: fc.constantFrom(60, 120, 150, 300, 600),
      speedPick: fc.nat(1000),
      devs: fc.nat(7),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant("crawl" as const),
      truck: truckArb,
      count: fc.integer({ min: 2, max: 7 }),
      dtS: fc.constantFrom(60, 120, 300),
      stepM: fc.integer({ min: 15, max: 45 }),
      devs: fc.nat(7),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      k: fc.constant("status" as const),
      dev: fc.nat(2),
      dtS: fc.constantFrom(0, 30, 60, 120),
      seal: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
      tamper: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
      battery: fc.constantFrom(-1, -1, 10, 14, 15, 16, 20, 29, 30, 31, 60, 95),
      fix: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant("read" as const),
      dev: fc.nat(2),
      office: fc.nat(3),
      status: fc.constantFrom<0 | 1>(0, 0, 1),
      dtS: fc.constantFrom(0, 30, 60, 300),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      k: fc.constant("command" as const),
      cmd: fc.constantFrom<"arm" | "disarm" | "cancel">("arm", "arm", "disarm", "disarm", "cancel"),
      trip: fc.nat(1),
      force: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
      reason: fc.nat(3),
      dtS: fc.constantFrom(0, 0, 30, 60),
      future: fc.constantFrom(false, false, false, false, false, true),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ k: fc.constant("tick" as const), dtS: fc.constantFrom(60, 600, 1800, 7200) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("gap" as const),
      dev: fc.nat(2),
      count: fc.integer({ min: 2, max: 8 }),
      order: fc.nat(2),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant("late" as const),
      dev: fc.nat(2),
      delayS: fc.constantFrom(10, 300, 2700, 10_800),
      count: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("dup" as const),
      pick: fc.nat(1000),
      fmt: fc.nat(2),
      recvDelayS: fc.constantFrom(-1, 0, 5, 7200),
      broken: fc.constantFrom(0, 0, 0, 0, 1, 2),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("same" as const),
      dev: fc.nat(2),
      variant: fc.nat(9),
      dtS: fc.constantFrom(30, 60),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("malformed" as const),
      variant: fc.nat(30),
      dtS: fc.constantFrom(0, 30),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("misorder" as const),
      back: fc.nat(4),
      bumpS: fc.constantFrom(60, 600, 3600),
    }),
  },
);

/** Plans; `maxActions` bounds the action list (the default keeps scenarios at about 20-120 inputs). */
export const planArbWith = (maxActions = 70): fc.Arbitrary<Plan> =>
  fc.record({
    lat0: fc.integer({ min: -55, max: 60 }).map((x) => x + 0.25),
    lon0: fc.integer({ min: -170, max: 170 }).map((x) => x + 0.5),
    startDay: fc.integer({ min: 0, max: 700 }),
    routeLenM: fc.integer({ min: 12_000, max: 40_000 }),
    wiggles: fc.array(fc.integer({ min: -2500, max: 2500 }), { minLength: 1, maxLength: 5 }),
    originShape: fc.constantFrom<Shape>("rect", "circle", "poly", "diamond"),
    destShape: fc.constantFrom<Shape>("rect", "circle", "poly", "diamond"),
    officeSize: fc.integer({ min: 300, max: 700 }),
    checkpointOffice: fc.boolean(),
    extraOffice: fc.boolean(),
    rests: fc.array(zonePlanArb(-600, 600), { minLength: 1, maxLength: 3 }),
    restricted: fc.array(zonePlanArb(-3000, 3000), { minLength: 1, maxLength: 3 }),
    devices: fc.array(
      fc.oneof(
        fc.record({ cls: fc.constant<DeviceClass>("active"), interval: fc.constantFrom(0, 60, 120, 600) }),
        fc.record({ cls: fc.constant<DeviceClass>("semi-active"), interval: fc.constantFrom(0, 600, 1800) }),
        fc.record({ cls: fc.constant<DeviceClass>("passive"), interval: fc.constant(0) }),
      ),
      { minLength: 1, maxLength: 3 },
    ),
    trips: fc.array(
      fc.record({
        mask: fc.integer({ min: 1, max: 7 }),
        reverse: fc.boolean(),
        roundTrip: fc.constantFrom(false, false, false, false, true),
        deadlineFrac: fc.constantFrom(0.2, 0.5, 0.8, 1.0, 1.5, 3),
        checkpoints: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
        rules: rulesArb,
      }),
      { minLength: 1, maxLength: 2 },
    ),
    sealOpenFirst: fc.boolean(),
    preludeReads: fc.constantFrom(true, true, true, false),
    armFirst: fc.constantFrom(true, true, true, false),
    armSecond: fc.boolean(),
    finish: fc.constantFrom<Plan["finish"]>("arrive", "arrive", "arriveLate", "force", "none"),
    secondLeg: fc.constantFrom(false, false, true),
    finalTickS: fc.constantFrom(0, 600, 7200, 86_400),
    actions: fc.array(actionArb, { minLength: 12, maxLength: maxActions, size: "max" }),
  });

export const planArb: fc.Arbitrary<Plan> = planArbWith();

// ---------------------------------------------------------------------------------------------------
// Builder.

type Json = Record<string, unknown>;
type XY = readonly [number, number];

interface Emitted {
  input: unknown;
  arrival: number;
  sortKey: number;
  seq: number;
  /** For dup: the device message/read it carries. */
  dupable: boolean;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Planar distance from p to segment a–b. */
function segDist(p: XY, a: XY, b: XY): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

interface ZoneOut {
  readonly json: Json;
  readonly ref: RefZone;
  /** Axis-aligned rectangle bounds (lon/lat) when the zone is a rectangle. */
  readonly rect?: { lonMin: number; lonMax: number; latMin: number; latMax: number };
  /** A diamond: vertices at centre ± h degrees on each axis (edges at 45 degrees in lon/lat). */
  readonly diamond?: { lon: number; lat: number; h: number };
}

interface DeviceState {
  id: string;
  cls: DeviceClass;
  seal: "closed" | "open";
  battery: number;
  fixes: LonLat[];
  gap: { count: number; order: number; buffer: Json[] } | undefined;
  late: { delayS: number; count: number } | undefined;
  truck: number;
}

class Builder {
  readonly lat0: number;
  readonly lon0: number;
  readonly routeLocal: XY[];
  readonly routeLen: number;
  readonly zones: ZoneOut[] = [];
  readonly devices: DeviceState[] = [];
  readonly trips: Json[] = [];
  readonly tripDevices: string[][] = [];
  readonly tripRoutes: LonLat[][] = [];
  readonly tripRules: { corridorM: number; stopRadiusM: number }[] = [];
  readonly emitted: Emitted[] = [];
  readonly offices: string[] = [];
  t: number;
  seq = 0;
  readonly trucks: { s: number; lateral: number; reverse: boolean }[] = [];
  restZones: ZoneOut[] = [];
  restrictedZones: ZoneOut[] = [];
  private zoneS = new Map<string, { s: number; lateral: number }>();

  constructor(
    readonly plan: Plan,
    readonly maxInputs = 120,
  ) {
    this.lat0 = plan.lat0;
    this.lon0 = plan.lon0;
    const n = plan.wiggles.length + 2;
    this.routeLocal = [];
    for (let i = 0; i < n; i++) {
      const y = i === 0 || i === n - 1 ? 0 : plan.wiggles[i - 1]!;
      this.routeLocal.push([(plan.routeLenM * i) / (n - 1), y]);
    }
    let len = 0;
    for (let i = 0; i + 1 < this.routeLocal.length; i++) {
      const a = this.routeLocal[i]!;
      const b = this.routeLocal[i + 1]!;
      len += Math.hypot(b[0] - a[0], b[1] - a[1]);
    }
    this.routeLen = len;
    this.t = Date.UTC(2025, 0, 1) + plan.startDay * 86_400_000 + 6 * 3_600_000;
  }

  toLonLat(p: XY): LonLat {
    return [
      round6(this.lon0 + p[0] / (M_PER_DEG * Math.cos(this.lat0 * (Math.PI / 180)))),
      round6(this.lat0 + p[1] / M_PER_DEG),
    ];
  }

  /** Local meters of a lon/lat, scaled at the point's own latitude. */
  toLocal(p: LonLat, atLat: number): XY {
    return [
      (p[0] - this.lon0) * M_PER_DEG * Math.cos(atLat * (Math.PI / 180)),
      (p[1] - this.lat0) * M_PER_DEG,
    ];
  }

  /** Point at distance s along the local route, with the left unit normal. */
  along(s: number, reverse: boolean): { p: XY; n: XY } {
    const sFwd = reverse ? this.routeLen - s : s;
    let rest = Math.max(0, Math.min(this.routeLen, sFwd));
    for (let i = 0; i + 1 < this.routeLocal.length; i++) {
      const a = this.routeLocal[i]!;
      const b = this.routeLocal[i + 1]!;
      const seg = Math.hypot(b[0] - a[0], b[1] - a[1]);
      if (rest <= seg || i + 2 === this.routeLocal.length) {
        const k = seg === 0 ? 0 : Math.min(1, rest / seg);
        const ux = (b[0] - a[0]) / seg;
        const uy = (b[1] - a[1]) / seg;
        return { p: [a[0] + k * (b[0] - a[0]), a[1] + k * (b[1] - a[1])], n: [-uy, ux] };
      }
      rest -= seg;
    }
    return { p: this.routeLocal[0]!, n: [0, 1] };
  }

  addZone(
    id: string,
    kind: "office" | "rest" | "restricted",
    center: XY,
    size: number,
    shape: Shape,
    closed: boolean,
    pick: number,
  ): ZoneOut {
    let out: ZoneOut;
    if (shape === "circle") {
      const c = this.toLonLat(center);
      const r = Math.round(size);
      out = {
        json: { id, kind, name: `${kind} ${id}`, circle: { center: [c[0], c[1]], radiusM: r } },
        ref: { id, kind, circle: { center: c, radiusM: r } },
      };
    } else if (shape === "diamond") {
      const c = this.toLonLat(center);
      const h = round6(size / M_PER_DEG);
      const ring: LonLat[] = [
        [round6(c[0] + h), c[1]],
        [c[0], round6(c[1] + h)],
        [round6(c[0] - h), c[1]],
        [c[0], round6(c[1] - h)],
      ];
      if (pick % 2 === 0) ring.reverse(); // clockwise
      if (closed) ring.push(ring[0]!);
      out = {
        json: { id, kind, polygon: ring.map((q) => [q[0], q[1]]) },
        ref: { id, kind, polygon: ring },
        diamond: { lon: c[0], lat: c[1], h },
      };
    } else if (shape === "rect") {
      const hy = size * (0.6 + (pick % 9) / 10);
      const sw = this.toLonLat([center[0] - size, center[1] - hy]);
      const ne = this.toLonLat([center[0] + size, center[1] + hy]);
      const ring: LonLat[] = [
        [sw[0], sw[1]],
        [ne[0], sw[1]],
        [ne[0], ne[1]],
        [sw[0], ne[1]],
      ];
      if (closed) ring.push(ring[0]!);
      out = {
        json: { id, kind, polygon: ring.map((q) => [q[0], q[1]]) },
        ref: { id, kind, polygon: ring },
        rect: { lonMin: sw[0], lonMax: ne[0], latMin: sw[1], latMax: ne[1] },
      };
    } else {
      const ring: LonLat[] = [];
      const rot = (pick % 360) * (Math.PI / 180);
      for (let i = 0; i < 5; i++) {
        const a = rot + (2 * Math.PI * i) / 5;
        const r = size * (0.75 + 0.25 * (((pick >> i) & 1) === 1 ? 1 : 0));
        ring.push(this.toLonLat([center[0] + r * Math.cos(a), center[1] + r * Math.sin(a)]));
      }
      if (closed) ring.push(ring[0]!);
      out = { json: { id, kind, polygon: ring.map((q) => [q[0], q[1]]) }, ref: { id, kind, polygon: ring } };
    }
    this.zones.push(out);
    return out;
  }

  build(): Json {
    const plan = this.plan;
    // Zones.
    this.addZone("OFF-A", "office", this.routeLocal[0]!, plan.officeSize, plan.originShape, true, 3);
    this.addZone(
      "OFF-B",
      "office",
      this.routeLocal[this.routeLocal.length - 1]!,
      plan.officeSize,
      plan.destShape,
      false,
      5,
    );
    this.zoneS.set("OFF-A", { s: 0, lateral: 0 });
    this.zoneS.set("OFF-B", { s: this.routeLen, lateral: 0 });
    this.offices.push("OFF-A", "OFF-B");
    if (plan.checkpointOffice) {
      const s = this.routeLen * 0.5;
      this.addZone("OFF-CP", "office", this.along(s, false).p, 250, "rect", false, 4);
      this.zoneS.set("OFF-CP", { s, lateral: 0 });
      this.offices.push("OFF-CP");
    }
    if (plan.extraOffice) {
      const s = this.routeLen * 0.35;
      const at = this.along(s, false);
      const lateral = 4000;
      this.addZone(
        "OFF-X",
        "office",
        [at.p[0] + lateral * at.n[0], at.p[1] + lateral * at.n[1]],
        300,
        "circle",
        false,
        1,
      );
      this.zoneS.set("OFF-X", { s, lateral });
      this.offices.push("OFF-X");
    }
    plan.rests.forEach((z, i) => {
      const s = this.routeLen * z.frac;
      const at = this.along(s, false);
      const id = `REST-${i + 1}`;
      this.restZones.push(
        this.addZone(
          id,
          "rest",
          [at.p[0] + z.lateral * at.n[0], at.p[1] + z.lateral * at.n[1]],
          z.size,
          z.shape,
          z.closedRing,
          i * 37 + 11,
        ),
      );
      this.zoneS.set(id, { s, lateral: z.lateral });
    });
    plan.restricted.forEach((z, i) => {
      const s = this.routeLen * z.frac;
      const at = this.along(s, false);
      const id = `RX-${i + 1}`;
      this.restrictedZones.push(
        this.addZone(
          id,
          "restricted",
          [at.p[0] + z.lateral * at.n[0], at.p[1] + z.lateral * at.n[1]],
          z.size,
          z.shape,
          z.closedRing,
          i * 53 + 7,
        ),
      );
      this.zoneS.set(id, { s, lateral: z.lateral });
    });

    // Devices.
    const prefix: Record<DeviceClass, string> = { active: "ELK", "semi-active": "SAS", passive: "RFS" };
    plan.devices.forEach((d, i) => {
      const id = `${prefix[d.cls]}-${i + 1}`;
      this.devices.push({
        id,
        cls: d.cls,
        seal: "open",
        battery: 80,
        fixes: [],
        gap: undefined,
        late: undefined,
        truck: 0,
      });
    });

    // Trips.
    const routeFwd = this.routeLocal.map((p) => this.toLonLat(p));
    plan.trips.forEach((tp, k) => {
      const ids = this.devices.filter((_, i) => ((tp.mask >> i) & 1) === 1).map((d) => d.id);
      if (ids.length === 0) ids.push(this.devices[0]!.id);
      const reverse = k === 1 && tp.reverse;
      const route = reverse ? [...routeFwd].reverse() : routeFwd;
      this.tripDevices.push(ids);
      this.tripRoutes.push(route);
      this.tripRules.push({
        corridorM: tp.rules.corridorM ?? 1000,
        stopRadiusM: tp.rules.stopRadiusM ?? 100,
      });
      this.trucks.push({ s: 0, lateral: 0, reverse });
      const trip: Json = {
        id: `T${k + 1}`,
        reference: `REF-${k + 1}`,
        origin: reverse ? "OFF-B" : "OFF-A",
        destination: tp.roundTrip ? (reverse ? "OFF-B" : "OFF-A") : reverse ? "OFF-A" : "OFF-B",
        devices: ids,
        route: route.map((q) => [q[0], q[1]]),
        deadline: "",
      };
      if (tp.checkpoints === 1) trip.checkpoints = [];
      if (tp.checkpoints === 2) trip.checkpoints = this.offices.includes("OFF-CP") ? ["OFF-CP"] : [];
      if (Object.keys(tp.rules).length > 0) trip.rules = { ...tp.rules };
      this.trips.push(trip);
    });
    if (this.trucks.length === 1) this.trucks.push({ s: 0, lateral: 0, reverse: false });
    // A device follows the truck of the first trip that lists it.
    for (const d of this.devices) {
      const k = this.tripDevices.findIndex((ids) => ids.includes(d.id));
      d.truck = k < 0 ? 0 : k;
    }

    const start = this.t;
    this.prelude();
    for (const action of plan.actions) {
      if (this.emitted.length >= this.maxInputs - 12) break;
      this.run(action);
    }
    this.epilogue();
    for (const d of this.devices) this.flushGap(d);
    const end = this.t;

    plan.trips.forEach((tp, k) => {
      const deadline = start + Math.round(((end - start) * tp.deadlineFrac) / 60_000) * 60_000;
      this.trips[k]!.deadline = formatTimeMs(deadline);
    });

    const inputs = [...this.emitted]
      .sort((a, b) => a.sortKey - b.sortKey || a.seq - b.seq)
      .map((e) => e.input);
    return {
      name: "generated",
      description: "generated by test/oracle/generate.ts",
      zones: this.zones.map((z) => z.json),
      devices: plan.devices.map((d, i) => {
        const json: Json = { id: this.devices[i]!.id, class: d.cls };
        if (d.interval > 0) json.reportIntervalS = d.interval;
        return json;
      }),
      trips: this.trips,
      inputs,
    };
  }

  // -- emission --------------------------------------------------------------------------------------

  /** Mostly UTC; sometimes the same instant with an offset, or with an over-long fraction. */
  private timeText(ms: number): string {
    const text = formatTimeMs(ms);
    if (this.seq % 11 === 5) return formatTimeMs(ms + 19_800_000).replace("Z", "+05:30");
    if (this.seq % 13 === 7 && !text.includes(".")) return text.replace("Z", ".000999Z");
    return text;
  }

  private push(input: unknown, arrival: number, dupable = false): Emitted {
    const e: Emitted = { input, arrival, sortKey: arrival, seq: this.seq++, dupable };
    this.emitted.push(e);
    return e;
  }

  private flushGap(d: DeviceState): void {
    if (d.gap === undefined) return;
    const { buffer, order } = d.gap;
    d.gap = undefined;
    // The backlog is uploaded in event order, reversed, or odd ones first.
    const sent =
      order === 1
        ? [...buffer].reverse()
        : order === 2
          ? [...buffer.filter((_, i) => i % 2 === 1), ...buffer.filter((_, i) => i % 2 === 0)]
          : buffer;
    sent.forEach((m, j) => {
      const received = this.t + j * 1000 + 250;
      m.receivedAt = formatTimeMs(received);
      this.push(m, received, true);
    });
  }

  /** Emits a device message at the current time (through the device's gap or late delay). */
  private message(d: DeviceState, fields: Json): void {
    const m: Json = { type: "message", device: d.id, at: this.timeText(this.t), ...fields };
    if (d.gap !== undefined) {
      d.gap.buffer.push(m);
      if (d.gap.buffer.length >= d.gap.count) this.flushGap(d);
      return;
    }
    if (d.late !== undefined) {
      const received = this.t + d.late.delayS * 1000;
      d.late.count -= 1;
      if (d.late.count <= 0) d.late = undefined;
      m.receivedAt = formatTimeMs(received);
      this.push(m, received, true);
      return;
    }
    this.push(m, this.t, true);
  }

  /** Margin checks of a candidate fix of device d; `onBoundaryOf` is skipped for zone margins. */
  private fixOk(d: DeviceState, p: LonLat, onBoundaryOf?: string): boolean {
    for (let k = 0; k < this.tripRoutes.length; k++) {
      const corridor = this.tripRules[k]!.corridorM;
      const dist = distanceToRouteM(p, this.tripRoutes[k]!);
      if (Math.abs(dist - corridor) < 0.06 * corridor) return false;
    }
    for (const z of this.zones) {
      if (z.ref.id === onBoundaryOf) continue;
      if (z.ref.circle !== undefined) {
        const r = z.ref.circle.radiusM;
        if (Math.abs(haversineM(p, z.ref.circle.center) - r) < 0.06 * r) return false;
      } else {
        const ring = z.ref.polygon!;
        const lp = this.toLocal(p, p[1]);
        for (let i = 0; i < ring.length; i++) {
          const a = this.toLocal(ring[i]!, p[1]);
          const b = this.toLocal(ring[(i + 1) % ring.length]!, p[1]);
          if (segDist(lp, a, b) < 12) return false;
        }
      }
    }
    for (const q of d.fixes) {
      const dist = haversineM(p, q);
      for (const r of this.tripRules) if (Math.abs(dist - r.stopRadiusM) < 0.06 * r.stopRadiusM) return false;
    }
    return true;
  }

  /** A checked valid position near local point `xy` for device d, or undefined. */
  private place(d: DeviceState, xy: XY): LonLat | undefined {
    const radii = [0, 8, 8, 8, 8, 20, 20, 20, 20, 45, 45, 45, 45, 90, 90, 90, 90];
    for (let i = 0; i < radii.length; i++) {
      const ang = (i % 4) * (Math.PI / 2) + (i >= 9 ? Math.PI / 4 : 0);
      const p = this.toLonLat([xy[0] + radii[i]! * Math.cos(ang), xy[1] + radii[i]! * Math.sin(ang)]);
      if (this.fixOk(d, p)) return p;
    }
    return undefined;
  }

  private positionJson(p: LonLat, speed: number | undefined, course?: number): Json {
    const pos: Json = { lon: p[0], lat: p[1] };
    if (speed !== undefined) pos.speedKmh = speed;
    if (course !== undefined) pos.courseDeg = course;
    return pos;
  }

  private devicesOfTruck(truck: number, mask: number): DeviceState[] {
    const onTruck = this.devices.filter((d) => d.cls !== "passive" && d.truck === truck);
    const chosen = onTruck.filter((_, i) => ((mask >> i) & 1) === 1 || mask === 0);
    return chosen.length > 0 ? chosen : onTruck.slice(0, 1);
  }

  private truckXY(truck: number): XY {
    const tr = this.trucks[truck]!;
    const at = this.along(tr.s, tr.reverse);
    return [at.p[0] + tr.lateral * at.n[0], at.p[1] + tr.lateral * at.n[1]];
  }

  private zoneXY(id: string): XY {
    const z = this.zoneS.get(id)!;
    const at = this.along(z.s, false);
    return [at.p[0] + z.lateral * at.n[0], at.p[1] + z.lateral * at.n[1]];
  }

  /** Moves a truck so that its position is the given zone's centre (s along its own direction). */
  private truckToZone(truck: number, id: string): void {
    const tr = this.trucks[truck]!;
    const z = this.zoneS.get(id)!;
    tr.s = tr.reverse ? this.routeLen - z.s : z.s;
    tr.lateral = z.lateral;
  }

  private fixMessage(
    d: DeviceState,
    xy: XY,
    speed: number | undefined,
    extras: number,
    course?: number,
  ): void {
    const jitter = (this.seq % 7) * 2;
    const p = this.place(d, [xy[0] + jitter, xy[1] - jitter]);
    const fields: Json = {};
    if (p !== undefined) {
      fields.position = this.positionJson(p, speed, course);
      d.fixes.push(p);
    }
    this.addExtras(d, fields, extras);
    if (Object.keys(fields).length === 0) fields.batteryPct = d.battery;
    this.message(d, fields);
  }

  private addExtras(d: DeviceState, fields: Json, extras: number): void {
    if ((extras & 1) === 1) fields.seal = d.seal;
    if ((extras & 6) === 2) fields.tamper = false;
    if ((extras & 6) === 6) fields.tamper = true;
    if ((extras & 8) === 8) fields.batteryPct = d.battery;
  }

  // -- script ----------------------------------------------------------------------------------------

  private prelude(): void {
    const plan = this.plan;
    this.trips.forEach((trip, k) => {
      this.truckToZone(k, trip.origin as string);
      const here = this.truckXY(k);
      for (const d of this.devices.filter((x) => x.truck === k && x.cls !== "passive")) {
        if (plan.sealOpenFirst) {
          d.seal = "open";
          this.fixMessage(d, here, 0, 1 | 2 | 8);
          this.t += 60_000;
        }
        d.seal = "closed";
        this.fixMessage(d, here, 0, 1 | 2 | 8);
      }
      if (plan.preludeReads)
        for (const id of this.tripDevices[k]!) {
          const d = this.devices.find((x) => x.id === id)!;
          if (d.cls === "passive")
            this.push(
              { type: "read", at: formatTimeMs(this.t), office: trip.origin, device: id, status: "intact" },
              this.t,
              true,
            );
        }
      this.t += 60_000;
    });
    if (plan.armFirst) this.command("arm", 0, 0, 0);
    if (plan.armSecond && this.trips.length > 1) this.command("arm", 1, 0, 0);
  }

  private epilogue(): void {
    const plan = this.plan;
    if (plan.finish !== "none") {
      this.t += 300_000;
      if (plan.finish === "arrive" || plan.finish === "arriveLate") {
        const late = plan.finish === "arriveLate";
        const trip = this.trips[0]!;
        this.truckToZone(0, trip.destination as string);
        for (const d of this.devicesOfTruck(0, 0)) {
          if (late && d.gap === undefined) d.late = { delayS: 10_800, count: 1 };
          this.fixMessage(d, this.truckXY(0), 10, 1 | 8);
        }
        for (const id of this.tripDevices[0]!) {
          const d = this.devices.find((x) => x.id === id)!;
          if (d.cls === "passive")
            this.push(
              {
                type: "read",
                at: formatTimeMs(this.t),
                office: trip.destination,
                device: id,
                status: "intact",
              },
              this.t,
              true,
            );
        }
        if (late) {
          // the clock runs on while the arrival is still in the device's buffer
          this.t += 3_600_000;
          this.push({ type: "tick", at: formatTimeMs(this.t) }, this.t);
          this.t += 7_260_000;
        } else if (plan.finalTickS !== 600) this.t += 300_000;
        this.command("disarm", 0, 0, 0);
      } else this.command("disarm", 0, 1, 2);
    }
    if (plan.secondLeg && this.trips.length > 1) {
      this.t += 120_000;
      const trip = this.trips[1]!;
      for (const d of this.devices.filter(
        (x) => x.cls !== "passive" && this.tripDevices[1]!.includes(x.id),
      )) {
        d.seal = "closed";
        this.fixMessage(d, this.zoneXY(trip.origin as string), 0, 1);
      }
      for (const id of this.tripDevices[1]!)
        if (this.devices.find((x) => x.id === id)!.cls === "passive")
          this.push(
            { type: "read", at: formatTimeMs(this.t), office: trip.origin, device: id, status: "intact" },
            this.t,
            true,
          );
      this.t += 60_000;
      this.command("arm", 1, 0, 0);
      for (let i = 0; i < 4; i++)
        for (const truck of [0, 1]) {
          this.run({
            k: "move",
            truck,
            dtS: 300,
            mode: i === 2 ? "off" : "corridor",
            pick: i * 7,
            speed: 60,
            devs: 0,
            extras: 9,
          });
        }
    }
    if (plan.finalTickS > 0) {
      this.t += plan.finalTickS * 1000;
      this.push({ type: "tick", at: formatTimeMs(this.t) }, this.t);
    }
  }

  private command(cmd: "arm" | "disarm" | "cancel", trip: number, force: number, reason: number): void {
    const c: Json = {
      type: "command",
      at: formatTimeMs(this.t),
      command: cmd,
      trip: `T${(trip % this.trips.length) + 1}`,
    };
    if (force === 1) c.force = true;
    if (force === 2) c.force = false;
    if (reason === 1) c.reason = "";
    if (reason === 2) c.reason = "truck breakdown, escorted by officer";
    if (reason === 3) c.reason = " \t ";
    this.push(c, this.t);
  }

  private run(a: Action): void {
    switch (a.k) {
      case "move": {
        this.t += a.dtS * 1000;
        const truck = a.truck % this.trucks.length;
        const tr = this.trucks[truck]!;
        const corridor = Math.min(...this.tripRules.map((r) => r.corridorM));
        const widest = Math.max(...this.tripRules.map((r) => r.corridorM));
        let xy: XY;
        switch (a.mode) {
          case "corridor":
            tr.s = Math.min(this.routeLen, tr.s + (a.speed / 3.6) * a.dtS);
            tr.lateral = (((a.pick % 11) - 5) / 10) * corridor;
            xy = this.truckXY(truck);
            break;
          case "off":
            tr.s = Math.min(this.routeLen, tr.s + (a.speed / 3.6) * a.dtS * 0.5);
            tr.lateral = (a.pick % 2 === 0 ? 1 : -1) * widest * (1.2 + (a.pick % 7) / 4);
            xy = this.truckXY(truck);
            break;
          case "rest":
          case "restricted": {
            const list = a.mode === "rest" ? this.restZones : this.restrictedZones;
            const z = list[a.pick % list.length]!;
            this.truckToZone(truck, z.ref.id);
            xy = this.zoneXY(z.ref.id);
            break;
          }
          case "office": {
            const id = this.offices[a.pick % this.offices.length]!;
            this.truckToZone(truck, id);
            xy = this.zoneXY(id);
            break;
          }
          case "dest":
          case "origin": {
            const trip = this.trips[truck % this.trips.length]!;
            const id = (a.mode === "dest" ? trip.destination : trip.origin) as string;
            this.truckToZone(truck, id);
            xy = this.zoneXY(id);
            break;
          }
          case "boundary": {
            this.boundaryFix(truck, a);
            return;
          }
        }
        const course = a.pick % 3 === 0 ? a.pick % 361 : undefined;
        const speed = a.pick % 13 === 0 ? undefined : a.speed;
        for (const d of this.devicesOfTruck(truck, a.devs)) this.fixMessage(d, xy, speed, a.extras, course);
        return;
      }
      case "stop": {
        const truck = a.truck % this.trucks.length;
        const xy = this.truckXY(truck);
        const speeds = [0, 0, 1, 3, 5, undefined, 0.5, 2, 9];
        for (let i = 0; i < a.count; i++) {
          this.t += a.dtS * 1000;
          const speed = speeds[(a.speedPick + i * 5) % speeds.length];
          const j = ((a.speedPick + i) % 5) * 3;
          for (const d of this.devicesOfTruck(truck, a.devs))
            this.fixMessage(d, [xy[0] + j, xy[1] + j / 2], speed, 8);
        }
        return;
      }
      case "crawl": {
        const truck = a.truck % this.trucks.length;
        const tr = this.trucks[truck]!;
        for (let i = 0; i < a.count; i++) {
          this.t += a.dtS * 1000;
          tr.s = Math.min(this.routeLen, tr.s + a.stepM);
          const xy = this.truckXY(truck);
          for (const d of this.devicesOfTruck(truck, a.devs)) this.fixMessage(d, xy, 2 + (i % 3), 0);
        }
        return;
      }
      case "status": {
        this.t += a.dtS * 1000;
        const d = this.devices.filter((x) => x.cls !== "passive")[a.dev];
        if (d === undefined) return;
        const fields: Json = {};
        if (a.seal === 1) d.seal = "closed";
        if (a.seal === 2) d.seal = "open";
        if (a.seal !== 0) fields.seal = d.seal;
        if (a.tamper === 1) fields.tamper = true;
        if (a.tamper === 2) fields.tamper = false;
        if (a.battery >= 0) {
          d.battery = a.battery;
          fields.batteryPct = a.battery;
        }
        if (a.fix === 1) {
          // an invalid fix, anywhere (here: inside the first restricted zone): skipped by position rules
          const z = this.restrictedZones[0]!;
          const c = this.toLonLat(this.zoneXY(z.ref.id));
          fields.position = { lon: c[0], lat: c[1], speedKmh: 0, valid: false };
        } else if (a.fix === 2) {
          const p = this.place(d, this.truckXY(d.truck));
          if (p !== undefined) {
            fields.position = { lon: p[0], lat: p[1], speedKmh: 0, valid: true };
            d.fixes.push(p);
          }
        }
        if (Object.keys(fields).length === 0) fields.tamper = false;
        this.message(d, fields);
        return;
      }
      case "read": {
        this.t += a.dtS * 1000;
        const passives = this.devices.filter((x) => x.cls === "passive");
        const d = passives[a.dev % Math.max(1, passives.length)];
        if (d === undefined) return;
        const office = this.offices[a.office % this.offices.length]!;
        this.push(
          {
            type: "read",
            at: formatTimeMs(this.t),
            office,
            device: d.id,
            status: a.status === 0 ? "intact" : "broken",
          },
          this.t,
          true,
        );
        return;
      }
      case "command":
        if (a.future) {
          // A command far ahead of the event clock (usually refused: then it must not advance the clock).
          const now = this.t;
          this.t += 5 * 3_600_000;
          this.command(a.cmd, a.trip, a.force, a.reason);
          this.t = now;
          return;
        }
        this.t += a.dtS * 1000;
        this.command(a.cmd, a.trip, a.force, a.reason);
        return;
      case "tick":
        this.t += a.dtS * 1000;
        this.push({ type: "tick", at: formatTimeMs(this.t) }, this.t);
        return;
      case "gap": {
        const d = this.devices.filter((x) => x.cls !== "passive")[a.dev];
        if (d !== undefined && d.gap === undefined) d.gap = { count: a.count, order: a.order, buffer: [] };
        return;
      }
      case "late": {
        const d = this.devices.filter((x) => x.cls !== "passive")[a.dev];
        if (d !== undefined) d.late = { delayS: a.delayS, count: a.count };
        return;
      }
      case "dup": {
        const candidates = this.emitted.filter((e) => e.dupable);
        if (candidates.length === 0) return;
        const orig = candidates[a.pick % candidates.length]!;
        // A copy with its members (and its position's) in reverse order: the same JCS content.
        const copy = reverseKeys(orig.input as Json);
        const at = parseTimeMs(copy.at as string)!;
        if (a.fmt === 1) copy.at = formatTimeMs(at + 7_200_000).replace("Z", "+02:00");
        if (a.fmt === 2) copy.at = formatTimeMs(at - 5_400_000).replace("Z", "-01:30");
        if (copy.type === "message") {
          // receivedAt: the original's (by now usually earlier than the clock), or now + a delay.
          const received = a.recvDelayS < 0 ? orig.arrival : Math.max(this.t, at) + a.recvDelayS * 1000;
          if (received !== at) copy.receivedAt = formatTimeMs(received);
          else delete copy.receivedAt;
          // A malformed copy: receivedAt earlier than at, or one that does not parse.
          if (a.broken === 1) copy.receivedAt = formatTimeMs(at - 1000);
          if (a.broken === 2) copy.receivedAt = "2025-04-31T00:00:00Z";
          // A copy claiming an arrival two hours ahead is put in the feed now: a duplicate must not
          // advance the clock.
          this.push(copy, a.recvDelayS === 7200 ? this.t : Math.max(this.t, received));
          return;
        }
        this.push(copy, this.t);
        return;
      }
      case "same": {
        this.t += a.dtS * 1000;
        const d = this.devices.filter((x) => x.cls !== "passive")[a.dev];
        if (d === undefined) return;
        const p = this.place(d, this.truckXY(d.truck));
        const base: Json = {};
        if (p !== undefined && a.variant !== 4) {
          base.position = this.positionJson(p, 0);
          d.fixes.push(p);
        }
        // Same-instant messages with different content: their order is by JCS (UTF-16 code units).
        const variants: Json[][] = [
          [{ tamper: true }, { tamper: false }],
          [{ seal: "open" }, { seal: "closed" }],
          [{ batteryPct: 9 }, { batteryPct: 50 }],
          [
            { batteryPct: 12, note: "a" },
            { batteryPct: 12, note: "b" },
          ],
          [
            { seal: "closed", batteryPct: 100 },
            { seal: "open", batteryPct: 14 },
          ],
          // U+FF5E sorts after the surrogate pair of U+1F600 by code units, before it by code points.
          [
            { seal: "open", note: "\uff5e" },
            { seal: "closed", note: "\u{1f600}" },
          ],
          [{ tamper: false, note: "\u{1f600}" }, { tamper: true, note: "\uff5e" }, { tamper: true }],
          [{ batteryPct: 40 }, { batteryPct: 5 }, { batteryPct: 100, seal: "open" }],
          [
            { seal: "open", tamper: true },
            { seal: "closed", tamper: false },
            { seal: "open", batteryPct: 13 },
          ],
        ];
        if (a.variant === 9) {
          // Same instant, different places: here, in a restricted zone, here again (two runs of one
          // identity can start at this instant).
          const z = this.restrictedZones[0]!;
          const q = this.place(d, this.zoneXY(z.ref.id));
          if (p === undefined || q === undefined) return;
          d.fixes.push(q);
          const at = (r: LonLat, speed: number) => this.positionJson(r, speed);
          this.message(d, { position: at(p, 0), note: "a" });
          this.message(d, { position: at(q, 40), note: "b" });
          this.message(d, { position: at(p, 0), note: "c" });
          return;
        }
        for (const x of variants[a.variant % variants.length]!) this.message(d, { ...base, ...x });
        return;
      }
      case "malformed":
        this.t += a.dtS * 1000;
        this.malformed(a.variant);
        return;
      case "misorder": {
        const i = this.emitted.length - 1 - a.back;
        const e = this.emitted[i];
        if (e !== undefined) e.sortKey += a.bumpS * 1000;
        return;
      }
    }
  }

  private boundaryFix(truck: number, a: { pick: number; speed: number; devs: number; extras: number }): void {
    const shaped = this.zones.filter((z) => z.rect !== undefined || z.diamond !== undefined);
    if (shaped.length === 0) return;
    const z = shaped[a.pick % shaped.length]!;
    const side = a.pick % 4;
    let p: LonLat;
    if (z.rect !== undefined) {
      const r = z.rect;
      const midLat = round6((r.latMin + r.latMax) / 2 + ((a.pick % 5) - 2) * 1e-5);
      const midLon = round6((r.lonMin + r.lonMax) / 2 + ((a.pick % 5) - 2) * 1e-5);
      p =
        side === 0
          ? [r.lonMin, midLat]
          : side === 1
            ? [r.lonMax, midLat]
            : side === 2
              ? [midLon, r.latMin]
              : [midLon, r.latMax];
    } else {
      // exactly on a slanted edge in decimal (k + (h - k) = h), only approximately in binary
      const { lon, lat, h } = z.diamond!;
      const k = round6(h * (0.2 + (a.pick % 7) / 10));
      const sx = side % 2 === 0 ? 1 : -1;
      const sy = side < 2 ? 1 : -1;
      p = [round6(lon + sx * round6(h - k)), round6(lat + sy * k)];
    }
    if (!inZone(p, z.ref)) throw new Error(`boundary point ${String(p)} is not inside ${z.ref.id}`);
    this.truckToZone(truck, z.ref.id);
    for (const d of this.devicesOfTruck(truck, a.devs)) {
      const fields: Json = {};
      if (this.fixOk(d, p, z.ref.id)) {
        fields.position = this.positionJson(p, a.speed);
        d.fixes.push(p);
      }
      this.addExtras(d, fields, a.extras);
      if (Object.keys(fields).length === 0) fields.batteryPct = d.battery;
      this.message(d, fields);
    }
  }

  private malformed(variant: number): void {
    const at = formatTimeMs(this.t);
    const active = this.devices.find((d) => d.cls !== "passive");
    const passive = this.devices.find((d) => d.cls === "passive");
    const dev = (active ?? passive ?? this.devices[0]!).id;
    const pos = { lon: this.lon0, lat: this.lat0 };
    const list: unknown[] = [
      { type: "ping", at },
      { type: "command", at, command: "resume", trip: "T1" },
      { type: "message", at, position: pos },
      { type: "message", device: dev, position: pos },
      { type: "message", device: dev, at: at.replace("T", "t") },
      { type: "message", device: dev, at: "2025-02-29T10:00:00Z" },
      { type: "message", device: dev, at: at.replace(/:\d\dZ$/, ":60Z") },
      { type: "message", device: dev, at, position: { lon: this.lon0, lat: 95 } },
      { type: "message", device: dev, at, position: { lon: 181, lat: this.lat0 } },
      { type: "message", device: dev, at, batteryPct: 120 },
      { type: "message", device: dev, at, batteryPct: -1 },
      { type: "message", device: dev, at, receivedAt: formatTimeMs(this.t - 60_000) },
      { type: "message", device: dev, at, seal: "broken" },
      { type: "read", at, office: "OFF-A", device: passive?.id ?? dev, status: "lost" },
      { type: "read", at, office: "REST-1", device: passive?.id ?? dev, status: "intact" },
      { type: "message", device: passive?.id ?? "NOPE-1", at, tamper: false },
      { type: "read", at, office: "OFF-A", device: active?.id ?? "NOPE-2", status: "intact" },
      { type: "message", device: "NOPE-3", at, tamper: false },
      { type: "command", at, command: "arm", trip: "T9" },
      { type: "read", at, office: "OFF-Z", device: passive?.id ?? dev, status: "intact" },
      { type: "message", device: dev, at, position: null },
      { type: "message", device: dev, at, position: { lon: this.lon0 } },
      { type: "message", device: dev, at, tamper: "yes" },
      { type: "command", at, command: "disarm", trip: "T1", force: "true", reason: "x" },
      { type: "command", at, command: "disarm", trip: "T1", force: true, reason: 5 },
      { type: "message", device: dev, at, batteryPct: null },
      42,
      { type: "tick" },
      { type: "command", at, trip: "T1" },
      { type: "message", device: dev, at, position: { lon: "1", lat: this.lat0 } },
      { type: "read", at, device: passive?.id ?? dev, status: "intact" },
      { type: "message", device: dev, at: formatTimeMs(this.t + 86_400_000), batteryPct: 101 },
      { type: "command", at: formatTimeMs(this.t + 86_400_000), command: "launch", trip: "T1" },
    ];
    this.push(list[variant % list.length], this.t);
  }
}

function reverseKeys(o: Json): Json {
  const out: Json = {};
  for (const k of Object.keys(o).reverse()) {
    const v = o[k];
    out[k] = typeof v === "object" && v !== null && !Array.isArray(v) ? reverseKeys(v as Json) : v;
  }
  return out;
}

/** Builds the scenario document of a plan (deterministic). */
export function buildScenario(plan: Plan, maxInputs = 120): Json {
  return new Builder(plan, maxInputs).build();
}

/** Random scenario documents. */
export const scenarioArb: fc.Arbitrary<Json> = planArb.map((plan) => buildScenario(plan));

/** Longer scenarios (up to about `maxInputs` inputs), for exploratory runs. */
export const longScenarioArb = (maxActions: number, maxInputs: number): fc.Arbitrary<Json> =>
  planArbWith(maxActions).map((plan) => buildScenario(plan, maxInputs));
