/**
 * Compares a replay with a scenario's `expected` block: alarms and retractions by identity (times as
 * instants), trips by id, rejected inputs by index (the wording of reasons is free).
 */
import { formatTimeMs, parseTimeMs } from "../core/time/rfc3339.js";
import { describe, isObject } from "./json-checks.js";
import { ScenarioError } from "./scenario.js";

interface NormalAlarm {
  key: string;
  label: string;
  severity: string | undefined;
  clearedAt: string | null | undefined;
}

function instant(value: unknown, path: string, problems: string[]): string {
  if (typeof value !== "string") {
    problems.push(`${path}: expected a time, got ${describe(value)}`);
    return "?";
  }
  const ms = parseTimeMs(value);
  if (ms === undefined) {
    problems.push(`${path}: ${JSON.stringify(value)} is not an RFC 3339 date-time`);
    return "?";
  }
  return formatTimeMs(ms);
}

function normalAlarms(
  list: unknown,
  path: string,
  withClear: boolean,
  problems: string[],
): Map<string, NormalAlarm> {
  const result = new Map<string, NormalAlarm>();
  if (!Array.isArray(list)) {
    problems.push(`${path}: expected an array, got ${describe(list)}`);
    return result;
  }
  list.forEach((raw, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(raw)) {
      problems.push(`${at}: expected an object, got ${describe(raw)}`);
      return;
    }
    const startedAt = instant(raw.startedAt, `${at}.startedAt`, problems);
    const device = typeof raw.device === "string" ? raw.device : null;
    const zone = typeof raw.zone === "string" ? raw.zone : "";
    const key = [raw.type, raw.trip, device ?? "", startedAt, zone].join("|");
    const label = `${String(raw.type)} of trip ${String(raw.trip)}${device === null ? "" : `, device ${device}`}${zone === "" ? "" : `, zone ${zone}`}, started ${startedAt}`;
    let clearedAt: string | null | undefined;
    if (withClear)
      clearedAt = raw.clearedAt === null ? null : instant(raw.clearedAt, `${at}.clearedAt`, problems);
    result.set(key, {
      key,
      label,
      severity: typeof raw.severity === "string" ? raw.severity : undefined,
      clearedAt,
    });
  });
  return result;
}

function compareAlarmLists(
  name: string,
  expected: Map<string, NormalAlarm>,
  actual: Map<string, NormalAlarm>,
  out: string[],
): void {
  for (const [key, want] of expected) {
    const got = actual.get(key);
    if (got === undefined) {
      out.push(`${name}: missing ${want.label}`);
      continue;
    }
    if (want.severity !== undefined && want.severity !== got.severity) {
      out.push(`${name}: ${want.label}: severity expected ${want.severity}, got ${String(got.severity)}`);
    }
    if (want.clearedAt !== undefined && want.clearedAt !== got.clearedAt) {
      out.push(
        `${name}: ${want.label}: clearedAt expected ${String(want.clearedAt)}, got ${String(got.clearedAt)}`,
      );
    }
  }
  for (const [key, got] of actual) {
    if (!expected.has(key))
      out.push(
        `${name}: unexpected ${got.label}${got.clearedAt === undefined ? "" : ` (clearedAt ${String(got.clearedAt)})`}`,
      );
  }
}

function normalTrips(list: unknown, path: string, problems: string[]): Map<string, string> {
  const result = new Map<string, string>();
  if (!Array.isArray(list)) {
    problems.push(`${path}: expected an array, got ${describe(list)}`);
    return result;
  }
  list.forEach((raw, i) => {
    if (!isObject(raw)) {
      problems.push(`${path}[${i}]: expected an object, got ${describe(raw)}`);
      return;
    }
    const transitions = Array.isArray(raw.transitions) ? raw.transitions : [];
    const text = transitions
      .map((t: unknown, j) =>
        isObject(t)
          ? `${String(t.state)}@${instant(t.at, `${path}[${i}].transitions[${j}].at`, problems)}`
          : "?",
      )
      .join(" → ");
    result.set(String(raw.id), `${String(raw.state)} [${text}]`);
  });
  return result;
}

function rejectedIndices(list: unknown, path: string, problems: string[]): Set<number> {
  const result = new Set<number>();
  if (!Array.isArray(list)) {
    problems.push(`${path}: expected an array, got ${describe(list)}`);
    return result;
  }
  list.forEach((raw, i) => {
    if (!isObject(raw) || typeof raw.input !== "number")
      problems.push(`${path}[${i}]: expected { "input": index, "reason": text }`);
    else result.add(raw.input);
  });
  return result;
}

/**
 * Returns the differences between `expected` and `actual` (both in the replay output shape), one
 * readable line each; empty when they match. Throws `ScenarioError` when `expected` is malformed.
 */
export function compareWithExpected(expected: unknown, actual: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (!isObject(expected))
    throw new ScenarioError([`expected: must be an object, got ${describe(expected)}`]);
  const diffs: string[] = [];
  const ignore: string[] = [];
  compareAlarmLists(
    "alarms",
    normalAlarms(expected.alarms ?? [], "expected.alarms", true, problems),
    normalAlarms(actual.alarms, "alarms", true, ignore),
    diffs,
  );
  compareAlarmLists(
    "retracted",
    normalAlarms(expected.retracted ?? [], "expected.retracted", false, problems),
    normalAlarms(actual.retracted, "retracted", false, ignore),
    diffs,
  );
  const wantTrips = normalTrips(expected.trips ?? [], "expected.trips", problems);
  const gotTrips = normalTrips(actual.trips, "trips", ignore);
  for (const [id, want] of wantTrips) {
    const got = gotTrips.get(id);
    if (got === undefined) diffs.push(`trips: missing trip ${id}`);
    else if (got !== want) diffs.push(`trips: ${id}: expected ${want}, got ${got}`);
  }
  if (expected.trips !== undefined)
    for (const id of gotTrips.keys()) if (!wantTrips.has(id)) diffs.push(`trips: unexpected trip ${id}`);
  const wantRejected = rejectedIndices(expected.rejected ?? [], "expected.rejected", problems);
  const gotRejected = rejectedIndices(actual.rejected, "rejected", ignore);
  const reasons = new Map<number, string>();
  if (Array.isArray(actual.rejected)) {
    for (const r of actual.rejected as { input: number; reason: string }[]) reasons.set(r.input, r.reason);
  }
  for (const index of wantRejected)
    if (!gotRejected.has(index))
      diffs.push(`rejected: input ${index} should have been rejected but was accepted`);
  for (const index of gotRejected)
    if (!wantRejected.has(index))
      diffs.push(
        `rejected: input ${index} was rejected (${reasons.get(index) ?? ""}) but should have been accepted`,
      );
  if (problems.length > 0) throw new ScenarioError(problems);
  return diffs;
}
