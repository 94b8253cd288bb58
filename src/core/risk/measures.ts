/**
 * Measurements on a trip's readings that the risk reasons quote: where something began, how long
 * the seal stayed open, how far off the corridor, the silences of each device. Pure functions of the
 * record's readings (sorted by event time).
 */
import { defaultReportIntervalS } from "../domain/model.js";
import { RouteIndex } from "../geo/route-index.js";
import type { LonLat } from "../geo/sphere.js";
import type { RiskDevice, RiskReading, RiskRecord } from "./record.js";

/** Off-corridor time between two fixes further apart than this is not counted (nothing is known between). */
const MAX_FIX_STEP_MS = 15 * 60_000;

export interface Fix {
  readonly deviceId: string;
  readonly atMs: number;
  readonly position: LonLat;
}

export class TripMeasures {
  readonly fixes: readonly Fix[];
  private routeIndex: RouteIndex | undefined;

  constructor(private readonly record: RiskRecord) {
    this.fixes = record.readings
      .filter((r) => r.lon !== undefined && r.lat !== undefined && r.valid !== false)
      .map((r) => ({ deviceId: r.deviceId, atMs: r.atMs, position: [r.lon!, r.lat!] as LonLat }));
  }

  private route(): RouteIndex | undefined {
    if (this.routeIndex === undefined && this.record.trip.route.length > 0)
      this.routeIndex = new RouteIndex(this.record.trip.route);
    return this.routeIndex;
  }

  /** Distance in metres from the declared route (0 without a route). */
  offRouteM(position: LonLat): number {
    return this.route()?.distanceM(position[0], position[1]) ?? 0;
  }

  /** Where the trip was at `atMs`: the last fix at or before it (the device's own first), else the next. */
  positionAt(atMs: number, deviceId?: string | null): LonLat | undefined {
    const pick = (fixes: readonly Fix[]) => {
      let before: Fix | undefined;
      let after: Fix | undefined;
      for (const fix of fixes) {
        if (fix.atMs <= atMs) before = fix;
        else if (after === undefined) after = fix;
      }
      return (before ?? after)?.position;
    };
    const own = deviceId == null ? undefined : pick(this.fixes.filter((f) => f.deviceId === deviceId));
    return own ?? pick(this.fixes);
  }

  /** Until when the seal of `deviceId` stayed open from `fromMs`: its next "closed" report, else `untilMs`. */
  sealClosedAfter(deviceId: string | null, fromMs: number, untilMs: number): number {
    const closed = this.record.readings.find(
      (r) =>
        r.atMs > fromMs &&
        r.atMs <= untilMs &&
        r.seal === "closed" &&
        (deviceId === null || r.deviceId === deviceId),
    );
    return closed?.atMs ?? untilMs;
  }

  /** The largest distance off the route of the fixes in [fromMs, toMs]. */
  maxOffRouteM(fromMs: number, toMs: number, deviceId?: string | null): number {
    let max = 0;
    for (const fix of this.fixes)
      if (fix.atMs >= fromMs && fix.atMs <= toMs && (deviceId == null || fix.deviceId === deviceId))
        max = Math.max(max, this.offRouteM(fix.position));
    return max;
  }

  /**
   * Time off the corridor outside the given intervals (those of route-deviation alarms), per device,
   * the largest device's total and its furthest distance.
   */
  offCorridorOutside(
    corridorM: number,
    covered: readonly (readonly [number, number])[],
  ): {
    readonly ms: number;
    readonly maxM: number;
  } {
    let best = { ms: 0, maxM: 0 };
    const byDevice = groupBy(this.fixes, (f) => f.deviceId);
    for (const fixes of byDevice.values()) {
      let ms = 0;
      let maxM = 0;
      for (let i = 0; i + 1 < fixes.length; i++) {
        const fix = fixes[i]!;
        const offM = this.offRouteM(fix.position);
        if (offM <= corridorM) continue;
        if (covered.some(([from, to]) => fix.atMs >= from && fix.atMs <= to)) continue;
        const stepMs = fixes[i + 1]!.atMs - fix.atMs;
        if (stepMs > MAX_FIX_STEP_MS) continue;
        ms += stepMs;
        maxM = Math.max(maxM, offM);
      }
      if (ms > best.ms) best = { ms, maxM };
    }
    return best;
  }
}

export interface SignalGaps {
  readonly deviceId: string;
  readonly totalMs: number;
  readonly longestMs: number;
  readonly longestFromMs: number;
  readonly count: number;
}

/**
 * Silences of an active or semi-active device longer than `gapFactor` × its report interval, from
 * arming to `asOfMs` (an ongoing silence counts). Passive seals are read at checkpoints only: none.
 */
export function signalGaps(
  device: RiskDevice,
  readings: readonly RiskReading[],
  armedAtMs: number,
  asOfMs: number,
  gapFactor: number,
): SignalGaps | undefined {
  const intervalS = device.reportIntervalS ?? defaultReportIntervalS(device.class);
  if (device.class === "passive" || intervalS === undefined) return undefined;
  const limitMs = gapFactor * intervalS * 1000;
  const times = readings
    .filter(
      (r) => r.deviceId === device.id && r.kind === "message" && r.atMs >= armedAtMs && r.atMs <= asOfMs,
    )
    .map((r) => r.atMs);
  const points = [armedAtMs, ...times, asOfMs];
  let totalMs = 0;
  let longestMs = 0;
  let longestFromMs = armedAtMs;
  let count = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const gapMs = points[i + 1]! - points[i]!;
    if (gapMs <= limitMs) continue;
    count++;
    totalMs += gapMs;
    if (gapMs > longestMs) {
      longestMs = gapMs;
      longestFromMs = points[i]!;
    }
  }
  return count === 0 ? undefined : { deviceId: device.id, totalMs, longestMs, longestFromMs, count };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}
