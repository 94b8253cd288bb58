/**
 * Small checks for hand-validated JSON that name the offending path, e.g.
 * `trips[0].route[3]: longitude 200 is outside -180..180`.
 */
import type { LonLat } from "../core/geo/sphere.js";
import { parseTimeMs } from "../core/time/rfc3339.js";

export type JsonObject = Record<string, unknown>;

/** Collects every problem found, so that a user sees all of them at once. */
export class Problems {
  readonly list: string[] = [];

  add(path: string, message: string): void {
    this.list.push(path === "" ? message : `${path}: ${message}`);
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${value}`;
  return typeof value === "object" ? "an object" : typeof value;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

/** Checks a `[lon, lat]` position (a third element, altitude, is allowed and ignored). */
export function checkPosition(value: unknown, path: string, problems: Problems): LonLat | undefined {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) {
    problems.add(path, `expected a [lon, lat] pair, got ${describe(value)}`);
    return undefined;
  }
  const [lon, lat] = value as unknown[];
  let ok = true;
  if (typeof lon !== "number" || !Number.isFinite(lon)) {
    problems.add(path, `longitude must be a number, got ${describe(lon)}`);
    ok = false;
  } else if (lon < -180 || lon > 180) {
    problems.add(path, `longitude ${lon} is outside -180..180`);
    ok = false;
  }
  if (typeof lat !== "number" || !Number.isFinite(lat)) {
    problems.add(path, `latitude must be a number, got ${describe(lat)}`);
    ok = false;
  } else if (lat < -90 || lat > 90) {
    problems.add(path, `latitude ${lat} is outside -90..90`);
    ok = false;
  }
  return ok ? [lon as number, lat as number] : undefined;
}

export function checkString(
  object: JsonObject,
  key: string,
  path: string,
  problems: Problems,
  options: { optional?: boolean } = {},
): string | undefined {
  const value = object[key];
  if (value === undefined) {
    if (options.optional !== true) problems.add(join(path, key), "is required");
    return undefined;
  }
  if (typeof value !== "string") {
    problems.add(join(path, key), `must be a string, got ${describe(value)}`);
    return undefined;
  }
  if (value.trim() === "" && options.optional !== true) {
    problems.add(join(path, key), "must not be empty");
    return undefined;
  }
  return value;
}

export function checkTime(
  object: JsonObject,
  key: string,
  path: string,
  problems: Problems,
): number | undefined {
  const text = checkString(object, key, path, problems);
  if (text === undefined) return undefined;
  const ms = parseTimeMs(text);
  if (ms === undefined) problems.add(join(path, key), `${JSON.stringify(text)} is not an RFC 3339 date-time`);
  return ms;
}

export function checkNumber(
  object: JsonObject,
  key: string,
  path: string,
  problems: Problems,
  range: { min?: number; max?: number; exclusiveMin?: boolean; optional?: boolean },
): number | undefined {
  const value = object[key];
  if (value === undefined) {
    if (range.optional !== true) problems.add(join(path, key), "is required");
    return undefined;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    problems.add(join(path, key), `must be a number, got ${describe(value)}`);
    return undefined;
  }
  if (range.min !== undefined && (range.exclusiveMin === true ? value <= range.min : value < range.min)) {
    problems.add(
      join(path, key),
      `${value} must be ${range.exclusiveMin === true ? "greater than" : "at least"} ${range.min}`,
    );
    return undefined;
  }
  if (range.max !== undefined && value > range.max) {
    problems.add(join(path, key), `${value} must be at most ${range.max}`);
    return undefined;
  }
  return value;
}

export function checkArray(
  object: JsonObject,
  key: string,
  path: string,
  problems: Problems,
  optional = false,
): unknown[] | undefined {
  const value = object[key];
  if (value === undefined) {
    if (!optional) problems.add(join(path, key), "is required");
    return undefined;
  }
  if (!Array.isArray(value)) {
    problems.add(join(path, key), `must be an array, got ${describe(value)}`);
    return undefined;
  }
  return value as unknown[];
}

export function checkKnownKeys(
  object: JsonObject,
  allowed: readonly string[],
  path: string,
  problems: Problems,
): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key))
      problems.add(join(path, key), `unknown key (expected one of ${allowed.join(", ")})`);
  }
}
