/**
 * Where a simulated conveyance is, and what its device says, at a given moment of its trip: it runs
 * along the declared route at a compressed pace (a whole corridor in a few minutes of wall time,
 * each report standing for about five minutes of a real trip) and meets its planned incident. Pure:
 * time is a parameter, randomness comes from the trip's seed.
 */
import { corridorRoute } from "../demo/corridors.js";
import type { TripPlan, VehiclePlan } from "./fleet.js";
import { SIM_RULES } from "./fleet.js";
import type { SimReading } from "./links/link.js";
import { Rng } from "./rng.js";
import { offsetPoint, RouteWalk } from "./route-walk.js";

/** How long each incident lasts (wall-clock ms), beyond the compressed rule thresholds. */
export const INCIDENT_DURATION_MS = {
  deviation: SIM_RULES.deviationMinS * 1000 + 17_000,
  stop: SIM_RULES.stopMinS * 1000 + 15_000,
  tamper: 8_000,
  signal_loss: SIM_RULES.signalLossS * 1000 + 25_000,
} as const;

/** How far a deviating truck leaves its route: well beyond the corridor (1 km, 500 m in Hong Kong). */
const DEVIATION_OFFSET_M = 4_000;
const JITTER_M = 12;
/** Battery drained per minute of wall time on a normal trip. */
const NORMAL_DRAIN_PCT_PER_MIN = 0.8;

export interface MotionSample {
  readonly reading: SimReading;
  /** The device can reach the network (false during a signal-loss incident). */
  readonly covered: boolean;
  /** At the end of the route, inside the destination office. */
  readonly arrived: boolean;
}

/** The declared route of a trip (the corridor, reversed on return trips). */
export function tripRoute(vehicle: VehiclePlan, plan: TripPlan) {
  const route = corridorRoute(vehicle.corridor);
  return plan.reverse ? [...route].reverse() : route;
}

export class TripMotion {
  private readonly walk: RouteWalk;
  private readonly rng: Rng;

  constructor(
    readonly vehicle: VehiclePlan,
    readonly plan: TripPlan,
    /** When the conveyance left (the trip was armed), wall-clock ms. */
    readonly departedAtMs: number,
  ) {
    this.walk = new RouteWalk(tripRoute(vehicle, plan));
    this.rng = new Rng(vehicle.seed ^ (plan.number * 104_729));
  }

  /** The route position where the trip starts (where the device is sealed and armed). */
  startPoint(): { lon: number; lat: number; courseDeg: number } {
    return this.walk.at(this.plan.startFraction);
  }

  /** Elapsed ms since departure during which the incident holds, or false. */
  private during(kind: keyof typeof INCIDENT_DURATION_MS, elapsedMs: number): boolean {
    if (this.plan.incident !== kind) return false;
    const start = this.plan.incidentAfterMs;
    return elapsedMs >= start && elapsedMs < start + INCIDENT_DURATION_MS[kind];
  }

  /** Milliseconds of movement so far (a stop incident holds the truck still). */
  private movingMs(elapsedMs: number): number {
    if (this.plan.incident !== "stop") return elapsedMs;
    const start = this.plan.incidentAfterMs;
    const end = start + INCIDENT_DURATION_MS.stop;
    if (elapsedMs <= start) return elapsedMs;
    if (elapsedMs <= end) return start;
    return elapsedMs - (end - start);
  }

  private battery(elapsedMs: number): number {
    const start = this.plan.startBatteryPct;
    if (this.plan.incident === "low_battery") {
      // Crosses the 15 % threshold a little after the incident time, then keeps sinking slowly.
      const rate = (start - 14) / Math.max(1, this.plan.incidentAfterMs);
      return Math.max(4, start - rate * elapsedMs);
    }
    return Math.max(20, start - (NORMAL_DRAIN_PCT_PER_MIN * elapsedMs) / 60_000);
  }

  /** What the device reports at `nowMs`. */
  sample(nowMs: number): MotionSample {
    const elapsed = Math.max(0, nowMs - this.departedAtMs);
    const fraction = this.plan.startFraction + this.movingMs(elapsed) / this.plan.travelMs;
    const arrived = fraction >= 1;
    const point = this.walk.at(fraction);
    const stopped = arrived || this.during("stop", elapsed);
    let lon = point.lon;
    let lat = point.lat;
    if (this.during("deviation", elapsed)) {
      [lon, lat] = offsetPoint(lon, lat, point.courseDeg + 90, DEVIATION_OFFSET_M);
    }
    // Small GNSS noise; a stopped truck's fixes stay well inside the stop radius.
    [lon, lat] = offsetPoint(lon, lat, this.rng.between(0, 360), this.rng.between(0, stopped ? 6 : JITTER_M));
    const speedKmh = stopped
      ? this.rng.between(0, 1.5)
      : Math.max(6, this.plan.speedKmh + this.rng.between(-8, 8));
    const opened = this.plan.incident === "opening" && elapsed >= this.plan.incidentAfterMs;
    return {
      reading: {
        atMs: nowMs,
        lon,
        lat,
        speedKmh,
        courseDeg: point.courseDeg,
        valid: true,
        seal: opened ? "open" : "closed",
        tamper: this.during("tamper", elapsed),
        batteryPct: this.battery(elapsed),
      },
      covered: !this.during("signal_loss", elapsed),
      arrived,
    };
  }

  /** A stationary reading at `point` (staging at the origin, waiting at the destination). */
  static still(
    point: { lon: number; lat: number; courseDeg: number },
    nowMs: number,
    seal: "closed" | "open",
    batteryPct: number,
    rng: Rng,
  ): SimReading {
    const [lon, lat] = offsetPoint(point.lon, point.lat, rng.between(0, 360), rng.between(0, 5));
    return {
      atMs: nowMs,
      lon,
      lat,
      speedKmh: rng.between(0, 1),
      courseDeg: point.courseDeg,
      valid: true,
      seal,
      tamper: false,
      batteryPct,
    };
  }
}
