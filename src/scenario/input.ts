/**
 * One scenario input, from raw JSON to an engine input, or a reason why it is malformed (the replay
 * then rejects it and goes on). The engine itself rejects what needs its state: unknown devices,
 * trips and offices, wrong device classes, late arrivals, refused commands.
 */
import type { CommandName, EngineInput, Position } from "../core/engine/inputs.js";
import { validateSealIdentifier } from "../core/identifiers/index.js";
import { parseTimeMs } from "../core/time/rfc3339.js";
import { describe, isObject, type JsonObject } from "./json-checks.js";

export type ParsedInput =
  { readonly ok: true; readonly input: EngineInput } | { readonly ok: false; readonly reason: string };

class Malformed extends Error {}

function fail(reason: string): never {
  throw new Malformed(reason);
}

function requiredString(object: JsonObject, key: string): string {
  const value = object[key];
  if (value === undefined) fail(`missing ${key}`);
  if (typeof value !== "string") fail(`${key} must be a string, got ${describe(value)}`);
  return value;
}

function optionalNumber(object: JsonObject, key: string, label = key): number | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value))
    fail(`${label} must be a number, got ${describe(value)}`);
  return value;
}

function optionalBoolean(object: JsonObject, key: string): boolean | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") fail(`${key} must be a boolean, got ${describe(value)}`);
  return value;
}

function time(object: JsonObject, key: string): number {
  const text = requiredString(object, key);
  const ms = parseTimeMs(text);
  if (ms === undefined) fail(`${key} ${JSON.stringify(text)} does not parse as an RFC 3339 date-time`);
  return ms;
}

function position(raw: unknown): Position {
  if (!isObject(raw)) fail(`position must be an object, got ${describe(raw)}`);
  const lon = raw.lon;
  const lat = raw.lat;
  if (lon === undefined) fail("position has no lon");
  if (lat === undefined) fail("position has no lat");
  if (typeof lon !== "number" || !Number.isFinite(lon))
    fail(`longitude must be a number, got ${describe(lon)}`);
  if (typeof lat !== "number" || !Number.isFinite(lat))
    fail(`latitude must be a number, got ${describe(lat)}`);
  if (lat < -90 || lat > 90) fail(`latitude ${lat} is outside ±90`);
  if (lon < -180 || lon > 180) fail(`longitude ${lon} is outside ±180`);
  const speedKmh = optionalNumber(raw, "speedKmh");
  if (speedKmh !== undefined && speedKmh < 0) fail(`speedKmh ${speedKmh} is negative`);
  const courseDeg = optionalNumber(raw, "courseDeg");
  if (courseDeg !== undefined && (courseDeg < 0 || courseDeg > 360))
    fail(`courseDeg ${courseDeg} is outside 0-360`);
  const valid = optionalBoolean(raw, "valid");
  return {
    lon,
    lat,
    ...(speedKmh === undefined ? {} : { speedKmh }),
    ...(courseDeg === undefined ? {} : { courseDeg }),
    valid: valid ?? true,
  };
}

const COMMANDS: readonly CommandName[] = ["arm", "disarm", "cancel"];

function parse(raw: unknown): EngineInput {
  if (!isObject(raw)) fail(`an input must be an object, got ${describe(raw)}`);
  const type = requiredString(raw, "type");
  if (type !== "message" && type !== "command" && type !== "read" && type !== "tick")
    fail(`unknown input type "${type}"`);
  const atMs = time(raw, "at");
  switch (type) {
    case "tick":
      return { type, atMs };
    case "command": {
      const command = requiredString(raw, "command");
      if (!(COMMANDS as readonly string[]).includes(command)) fail(`unknown command "${command}"`);
      const trip = requiredString(raw, "trip");
      const force = optionalBoolean(raw, "force");
      const reasonValue = raw.reason;
      if (reasonValue !== undefined && typeof reasonValue !== "string")
        fail(`reason must be a string, got ${describe(reasonValue)}`);
      return {
        type,
        command: command as CommandName,
        trip,
        atMs,
        ...(force === undefined ? {} : { force }),
        ...(reasonValue === undefined ? {} : { reason: reasonValue }),
      };
    }
    case "read": {
      const office = requiredString(raw, "office");
      const device = requiredString(raw, "device");
      const status = requiredString(raw, "status");
      if (status !== "intact" && status !== "broken")
        fail(`read status "${status}" is neither intact nor broken`);
      // Extension: the seal number the reader found, checked against the trip's declared seals.
      let sealNumber: string | undefined;
      if (raw.sealNumber !== undefined) {
        const checked = validateSealIdentifier(raw.sealNumber);
        if (!checked.ok) fail(`sealNumber ${checked.reason}`);
        sealNumber = checked.value;
      }
      return {
        type,
        device,
        office,
        status,
        ...(sealNumber === undefined ? {} : { sealNumber }),
        atMs,
        content: raw,
      };
    }
    case "message": {
      const device = requiredString(raw, "device");
      let receivedAtMs = atMs;
      if (raw.receivedAt !== undefined) {
        receivedAtMs = time(raw, "receivedAt");
        if (receivedAtMs < atMs) fail(`receivedAt is earlier than at ${describe(raw.at)}`);
      }
      const pos = raw.position === undefined ? undefined : position(raw.position);
      const sealValue = raw.seal;
      if (sealValue !== undefined && sealValue !== "closed" && sealValue !== "open") {
        fail(`seal must be "closed" or "open", got ${describe(sealValue)}`);
      }
      const tamper = optionalBoolean(raw, "tamper");
      const batteryPct = optionalNumber(raw, "batteryPct");
      if (batteryPct !== undefined && (batteryPct < 0 || batteryPct > 100))
        fail(`batteryPct ${batteryPct} is outside 0-100`);
      return {
        type,
        device,
        atMs,
        receivedAtMs,
        ...(pos === undefined ? {} : { position: pos }),
        ...(sealValue === undefined ? {} : { seal: sealValue }),
        ...(tamper === undefined ? {} : { tamper }),
        ...(batteryPct === undefined ? {} : { batteryPct }),
        content: raw,
      };
    }
  }
}

/** Checks one raw scenario input and converts it for the engine. */
export function parseInput(raw: unknown): ParsedInput {
  try {
    return { ok: true, input: parse(raw) };
  } catch (error) {
    if (error instanceof Malformed) return { ok: false, reason: error.message };
    throw error;
  }
}
