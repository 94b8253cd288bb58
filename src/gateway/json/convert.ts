/** From the JSON formats to what the sink stores. */
import { validateSealIdentifier } from "../../core/identifiers/index.js";
import { parseTimeMs } from "../../core/time/rfc3339.js";
import { EARLIEST_PLAUSIBLE_MS, timeText } from "../../protocols/plausibility.js";
import type { IncomingReading } from "../sink.js";
import type { JsonRead, JsonReading } from "./validate.js";

/** The stored form of a JSON reading of registry device `deviceId`; a string says what is wrong. */
export function incomingOfJson(
  json: JsonReading,
  deviceId: string,
  protocol: string,
  raw: Uint8Array,
  receivedAtMs: number,
  extraVendor: Record<string, unknown> = {},
): IncomingReading | string {
  const atMs = parseTimeMs(json.at);
  if (atMs === undefined) return `at "${json.at}" is not a real date and time`;
  const p = json.position;
  const details = { ...(json.details ?? {}), ...extraVendor };
  return {
    deviceId,
    kind: "message",
    atMs,
    receivedAtMs,
    ...(p === undefined
      ? {}
      : {
          lon: p.lon,
          lat: p.lat,
          speedKmh: p.speedKmh ?? 0,
          courseDeg: p.courseDeg ?? 0,
          valid: p.valid ?? true,
          ...(p.altitudeM === undefined ? {} : { altitudeM: p.altitudeM }),
        }),
    ...(json.seal === undefined ? {} : { seal: json.seal }),
    ...(json.tamper === undefined ? {} : { tamper: json.tamper }),
    ...(json.batteryPct === undefined ? {} : { batteryPct: json.batteryPct }),
    protocol,
    raw,
    vendor: {
      vendor: "json",
      ...(p?.satellites === undefined ? {} : { satellites: p.satellites }),
      ...(Object.keys(details).length === 0 ? {} : { details }),
    },
  };
}

/**
 * How far a passive read's time may run ahead of its arrival. The engine takes a read's time as its
 * arrival (reads carry no separate arrival time), so a reader whose clock runs fast would move the
 * engine's clock forward and make every other device's data look late.
 */
export const MAX_READ_AHEAD_MS = 5 * 60_000;

/** Why a passive read's time cannot be used (undefined when it can). */
export function readTimeProblem(atMs: number, receivedAtMs: number): string | undefined {
  if (atMs <= EARLIEST_PLAUSIBLE_MS) return `read time ${timeText(atMs)} is not after 1999-01-01`;
  if (atMs > receivedAtMs + MAX_READ_AHEAD_MS)
    return `read time ${timeText(atMs)} is more than 5 min ahead of its arrival (reader clock?)`;
  return undefined;
}

/** The stored form of a passive read of registry device `deviceId` at office zone `office`. */
export function incomingOfRead(
  json: JsonRead,
  deviceId: string,
  office: string,
  protocol: string,
  raw: Uint8Array,
  receivedAtMs: number,
): IncomingReading | string {
  const atMs = parseTimeMs(json.at);
  if (atMs === undefined) return `at "${json.at}" is not a real date and time`;
  let sealNumber: string | undefined;
  if (json.sealNumber !== undefined) {
    const checked = validateSealIdentifier(json.sealNumber);
    if (!checked.ok) return `sealNumber ${checked.reason}`;
    sealNumber = checked.value;
  }
  const details = {
    ...(json.readerId === undefined ? {} : { readerId: json.readerId }),
    ...(sealNumber === undefined ? {} : { sealNumber }),
  };
  return {
    deviceId,
    kind: "read",
    atMs,
    receivedAtMs,
    office,
    readStatus: json.status,
    protocol,
    raw,
    ...(Object.keys(details).length === 0 ? {} : { vendor: { vendor: "json", ...details } }),
  };
}
