/**
 * Reads one MQTT publish or HTTP request body the way the gateway does: a plain JSON reading, a
 * signed envelope around one (its payload is readable without the key; the MAC is the gateway's to
 * verify), or an HTTP batch `{ "readings": [ … ] }` of either. An encrypted envelope cannot be read
 * without the device's key, and says so.
 */
import { jsonTextTooDeep, DEFAULT_JSON_MAX_DEPTH } from "../core/json-depth.js";
import type { NormalizedReading } from "../core/domain/reading.js";
import { parseTimeMs } from "../core/time/rfc3339.js";
import {
  checkEnvelope,
  checkReading,
  looksLikeEnvelope,
  type JsonReading,
} from "../gateway/json/validate.js";

export interface JsonMessage {
  readonly readings: NormalizedReading[];
  readonly identity?: string;
}

/** Most readings one HTTP batch may carry (the gateway's limit). */
const MAX_BATCH = 1000;

/** The readings of a message, or what is wrong with it. */
export function decodeJsonMessage(
  bytes: Uint8Array,
  protocol: "mqtt" | "http",
  expectedId: string | undefined,
): JsonMessage | string {
  const text = Buffer.from(bytes).toString("utf8");
  if (jsonTextTooDeep(text, DEFAULT_JSON_MAX_DEPTH) !== undefined)
    return `JSON nested deeper than ${DEFAULT_JSON_MAX_DEPTH} levels`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  const items =
    protocol === "http" && typeof value === "object" && value !== null && "readings" in value
      ? value.readings
      : [value];
  if (!Array.isArray(items)) return `"readings" is not an array`;
  if (items.length > MAX_BATCH) return `a batch of ${items.length} readings (maximum ${MAX_BATCH})`;
  const readings: NormalizedReading[] = [];
  let identity: string | undefined;
  for (const [i, item] of items.entries()) {
    const one = readingOf(item, bytes, expectedId);
    if (typeof one === "string") return items.length > 1 ? `reading ${i}: ${one}` : one;
    identity ??= one.deviceId;
    readings.push(one);
  }
  return { readings, ...(identity === undefined ? {} : { identity }) };
}

function readingOf(
  item: unknown,
  raw: Uint8Array,
  expectedId: string | undefined,
): NormalizedReading | string {
  let payload: unknown = item;
  let envelopeId: string | undefined;
  if (looksLikeEnvelope(item)) {
    const envelope = checkEnvelope(item);
    if (!envelope.ok) return `envelope: ${envelope.issues.map((i) => `${i.path} ${i.message}`).join("; ")}`;
    if (!("payload" in envelope.value))
      return "an encrypted envelope: the kit cannot read it without the device's key";
    envelopeId = envelope.value.deviceId;
    payload = envelope.value.payload;
    if (typeof payload === "string") {
      try {
        payload = JSON.parse(payload) as unknown;
      } catch {
        return "envelope: the payload text is not JSON";
      }
    }
  }
  const checked = checkReading(payload);
  if (!checked.ok) return `reading: ${checked.issues.map((i) => `${i.path || "/"} ${i.message}`).join("; ")}`;
  return normalized(checked.value, raw, checked.value.deviceId ?? envelopeId ?? expectedId ?? "");
}

function normalized(json: JsonReading, raw: Uint8Array, deviceId: string): NormalizedReading | string {
  const atMs = parseTimeMs(json.at);
  if (atMs === undefined) return `at "${json.at}" is not a real date and time`;
  const p = json.position;
  return {
    deviceId,
    atMs,
    raw,
    vendor: { vendor: "json" },
    ...(p === undefined
      ? {}
      : {
          position: {
            lon: p.lon,
            lat: p.lat,
            speedKmh: p.speedKmh ?? 0,
            courseDeg: p.courseDeg ?? 0,
            valid: p.valid ?? true,
            ...(p.altitudeM === undefined ? {} : { altitudeM: p.altitudeM }),
            ...(p.satellites === undefined ? {} : { satellites: p.satellites }),
          },
        }),
    ...(json.seal === undefined ? {} : { seal: json.seal }),
    ...(json.tamper === undefined ? {} : { tamper: json.tamper }),
    ...(json.batteryPct === undefined ? {} : { batteryPct: json.batteryPct }),
  };
}
