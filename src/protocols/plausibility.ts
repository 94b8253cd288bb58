/**
 * Plausibility limits for a decoded reading, the same for every protocol: a decoder that produces a
 * reading outside them has misread its frame (or the device sent nonsense). `now` is a parameter so
 * that callers (tests above all) stay deterministic.
 *
 * Total: whatever a decoder (or a hostile JSON body) put in the reading — a time past the range of
 * `Date`, NaN, a string where a number belongs — the answer is a list of problems, never a throw.
 */
import type { NormalizedReading } from "../core/domain/reading.js";

/** 1999-01-01T00:00:00Z: no device time before it is believable. */
export const EARLIEST_PLAUSIBLE_MS = Date.UTC(1999, 0, 1);
/** How far ahead of "now" a device clock may run before its time is implausible. */
export const FUTURE_TOLERANCE_MS = 25 * 3_600_000;
/** 869 knots, the fastest speed a reading may carry. */
export const MAX_PLAUSIBLE_SPEED_KMH = 869 * 1.852;

/** Whether `value` is a number within [min, max] (NaN, ±Infinity and non-numbers are not). */
function within(value: unknown, min: number, max: number): boolean {
  return typeof value === "number" && value >= min && value <= max;
}

/** A time for a log line: an ISO time when it is one `Date` can show, else the number itself. */
export function timeText(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}

/** A value of unknown type for a log line. */
function show(value: unknown): string {
  return typeof value === "object" && value !== null ? "an object" : String(value);
}

/** What is implausible about `reading` (empty when nothing is). */
export function plausibilityProblems(reading: NormalizedReading, nowMs: number): string[] {
  const problems: string[] = [];
  const atMs: unknown = reading.atMs;
  if (typeof atMs !== "number" || !Number.isSafeInteger(atMs) || atMs <= EARLIEST_PLAUSIBLE_MS) {
    problems.push(`time ${show(atMs)} is not a whole number of ms after 1999-01-01`);
  } else if (atMs >= nowMs + FUTURE_TOLERANCE_MS) {
    problems.push(`time ${timeText(atMs)} is more than 25 h ahead of now`);
  }
  const p: unknown = reading.position;
  if (p !== undefined) {
    if (typeof p !== "object" || p === null) problems.push("position is not an object");
    else positionProblems(p as Record<string, unknown>, problems);
  }
  if (reading.batteryPct !== undefined && !within(reading.batteryPct, 0, 100)) {
    problems.push(`battery ${show(reading.batteryPct)}% out of 0–100`);
  }
  if (typeof reading.deviceId !== "string" || reading.deviceId === "") problems.push("empty device id");
  return problems;
}

function positionProblems(p: Record<string, unknown>, problems: string[]): void {
  if (!within(p.lat, -90, 90)) problems.push(`latitude ${show(p.lat)} out of ±90`);
  if (!within(p.lon, -180, 180)) problems.push(`longitude ${show(p.lon)} out of ±180`);
  if (!within(p.speedKmh, 0, MAX_PLAUSIBLE_SPEED_KMH)) {
    problems.push(`speed ${show(p.speedKmh)} km/h out of 0–${MAX_PLAUSIBLE_SPEED_KMH.toFixed(0)}`);
  }
  if (!within(p.courseDeg, 0, 360)) problems.push(`course ${show(p.courseDeg)} out of 0–360`);
  if (p.altitudeM !== undefined && !within(p.altitudeM, -12262, 18000)) {
    problems.push(`altitude ${show(p.altitudeM)} m out of -12262–18000`);
  }
  if (typeof p.valid !== "boolean") problems.push("fix validity is not a boolean");
}
