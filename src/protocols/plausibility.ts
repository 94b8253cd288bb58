/**
 * Plausibility limits for a decoded reading, the same for every protocol: a decoder that produces a
 * reading outside them has misread its frame (or the device sent nonsense). `now` is a parameter so
 * that callers (tests above all) stay deterministic.
 */
import type { NormalizedReading } from "../core/domain/reading.js";

/** 1999-01-01T00:00:00Z: no device time before it is believable. */
export const EARLIEST_PLAUSIBLE_MS = Date.UTC(1999, 0, 1);
/** How far ahead of "now" a device clock may run before its time is implausible. */
export const FUTURE_TOLERANCE_MS = 25 * 3_600_000;
/** 869 knots, the fastest speed a reading may carry. */
export const MAX_PLAUSIBLE_SPEED_KMH = 869 * 1.852;

/** What is implausible about `reading` (empty when nothing is). */
export function plausibilityProblems(reading: NormalizedReading, nowMs: number): string[] {
  const problems: string[] = [];
  if (!Number.isFinite(reading.atMs) || reading.atMs <= EARLIEST_PLAUSIBLE_MS) {
    problems.push(`time ${reading.atMs} is not after 1999-01-01`);
  } else if (reading.atMs >= nowMs + FUTURE_TOLERANCE_MS) {
    problems.push(`time ${new Date(reading.atMs).toISOString()} is more than 25 h ahead of now`);
  }
  const p = reading.position;
  if (p !== undefined) {
    if (!(p.lat >= -90 && p.lat <= 90)) problems.push(`latitude ${p.lat} out of ±90`);
    if (!(p.lon >= -180 && p.lon <= 180)) problems.push(`longitude ${p.lon} out of ±180`);
    if (!(p.speedKmh >= 0 && p.speedKmh <= MAX_PLAUSIBLE_SPEED_KMH)) {
      problems.push(`speed ${p.speedKmh} km/h out of 0–${MAX_PLAUSIBLE_SPEED_KMH.toFixed(0)}`);
    }
    if (!(p.courseDeg >= 0 && p.courseDeg <= 360)) problems.push(`course ${p.courseDeg} out of 0–360`);
    if (p.altitudeM !== undefined && !(p.altitudeM >= -12262 && p.altitudeM <= 18000)) {
      problems.push(`altitude ${p.altitudeM} m out of -12262–18000`);
    }
  }
  if (reading.batteryPct !== undefined && !(reading.batteryPct >= 0 && reading.batteryPct <= 100)) {
    problems.push(`battery ${reading.batteryPct}% out of 0–100`);
  }
  if (reading.deviceId === "") problems.push("empty device id");
  return problems;
}
