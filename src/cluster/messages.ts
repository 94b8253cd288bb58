/**
 * The messages of the partitioned input log, and their reading back. Everything on the bus is JSON
 * with a version; a message that does not read back (another version, a foreign producer, a damaged
 * payload) is a typed rejection with the reason, which the worker dead-letters: it never throws.
 */
import type { CommandName } from "../core/engine/inputs.js";
import type { CommandRequest, IncomingReading } from "../monitor/host.js";
import { toJsonText } from "../store/json-value.js";

export const BUS_MESSAGE_VERSION = 1;

export type RegistrySubject = "zone" | "device" | "trip";

export type BusMessage =
  | {
      readonly kind: "reading";
      readonly reading: IncomingReading & { readonly receivedAtMs: number };
      /** Stamped by a gateway's clock (a live device): the worker keeps the partition's arrivals in order. */
      readonly live: boolean;
    }
  | {
      readonly kind: "command";
      readonly command: CommandRequest & { readonly atMs: number };
      /** Where the worker sends the result once it is stored (a core NATS subject), if anyone waits. */
      readonly replyTo?: string;
    }
  | { readonly kind: "tick"; readonly atMs: number }
  | { readonly kind: "registry"; readonly what: RegistrySubject; readonly id: string };

export type Decoded =
  { readonly ok: true; readonly message: BusMessage } | { readonly ok: false; readonly reason: string };

/** The bytes of `message` on the bus. */
export function encodeBusMessage(message: BusMessage): Uint8Array {
  const body =
    message.kind === "reading"
      ? {
          ...message,
          reading: { ...message.reading, raw: Buffer.from(message.reading.raw).toString("base64") },
        }
      : message;
  return Buffer.from(toJsonText({ v: BUS_MESSAGE_VERSION, ...body })!, "utf8");
}

const COMMANDS: readonly CommandName[] = ["arm", "disarm", "cancel"];
const REGISTRY: readonly RegistrySubject[] = ["zone", "device", "trip"];
const MAX_ID_LENGTH = 200;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isTimeMs(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_ID_LENGTH;
}

function fail(reason: string): Decoded {
  return { ok: false, reason };
}

/** Reads a message from the bus; never throws. */
export function decodeBusMessage(data: Uint8Array): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8"));
  } catch (error) {
    return fail(`not JSON: ${(error as Error).message}`);
  }
  if (!isObject(value)) return fail("not a JSON object");
  if (value.v !== BUS_MESSAGE_VERSION)
    return fail(`unsupported version ${JSON.stringify(value.v) ?? "(none)"}`);
  switch (value.kind) {
    case "reading":
      return decodeReading(value);
    case "command":
      return decodeCommand(value);
    case "tick":
      return isTimeMs(value.atMs)
        ? { ok: true, message: { kind: "tick", atMs: value.atMs } }
        : fail("tick without a valid atMs");
    case "registry":
      if (!REGISTRY.includes(value.what as RegistrySubject))
        return fail("registry note of an unknown subject");
      if (!isId(value.id)) return fail("registry note without a valid id");
      return { ok: true, message: { kind: "registry", what: value.what as RegistrySubject, id: value.id } };
    default:
      return fail(`unknown kind ${JSON.stringify(value.kind) ?? "(none)"}`);
  }
}

const NUMBER_MEMBERS = ["speedKmh", "courseDeg", "altitudeM", "batteryPct"] as const;

function decodeReading(value: Json): Decoded {
  const r = value.reading;
  if (!isObject(r)) return fail("reading: missing");
  if (!isId(r.deviceId)) return fail("reading: deviceId missing or too long");
  if (r.kind !== "message" && r.kind !== "read") return fail('reading: kind must be "message" or "read"');
  if (!isTimeMs(r.atMs)) return fail("reading: atMs is not a time in milliseconds");
  if (!isTimeMs(r.receivedAtMs)) return fail("reading: receivedAtMs is not a time in milliseconds");
  if (typeof r.protocol !== "string" || r.protocol.length === 0) return fail("reading: protocol missing");
  if (typeof r.raw !== "string") return fail("reading: raw (base64) missing");
  if ((r.lon === undefined) !== (r.lat === undefined)) return fail("reading: lon and lat go together");
  if (r.lon !== undefined) {
    if (typeof r.lon !== "number" || !(Math.abs(r.lon) <= 180)) return fail("reading: lon out of range");
    if (typeof r.lat !== "number" || !(Math.abs(r.lat) <= 90)) return fail("reading: lat out of range");
  }
  for (const member of NUMBER_MEMBERS) {
    const n = r[member];
    if (n !== undefined && (typeof n !== "number" || !Number.isFinite(n)))
      return fail(`reading: ${member} is not a number`);
  }
  if (r.valid !== undefined && typeof r.valid !== "boolean") return fail("reading: valid is not a boolean");
  if (r.tamper !== undefined && typeof r.tamper !== "boolean")
    return fail("reading: tamper is not a boolean");
  if (r.seal !== undefined && r.seal !== "open" && r.seal !== "closed")
    return fail("reading: seal must be open or closed");
  if (r.office !== undefined && !isId(r.office)) return fail("reading: office is not an id");
  if (r.readStatus !== undefined && r.readStatus !== "intact" && r.readStatus !== "broken")
    return fail("reading: readStatus must be intact or broken");
  if (r.kind === "read" && (r.office === undefined || r.readStatus === undefined))
    return fail("reading: a read needs office and readStatus");
  const reading = {
    ...r,
    raw: new Uint8Array(Buffer.from(r.raw, "base64")),
  } as unknown as IncomingReading & {
    receivedAtMs: number;
  };
  return { ok: true, message: { kind: "reading", reading, live: value.live === true } };
}

function decodeCommand(value: Json): Decoded {
  const c = value.command;
  if (!isObject(c)) return fail("command: missing");
  if (!isId(c.tripId)) return fail("command: tripId missing or too long");
  if (!COMMANDS.includes(c.command as CommandName)) return fail("command: not arm, disarm or cancel");
  if (!isId(c.actor)) return fail("command: actor missing");
  if (!isTimeMs(c.atMs)) return fail("command: atMs is not a time in milliseconds");
  if (c.force !== undefined && typeof c.force !== "boolean") return fail("command: force is not a boolean");
  if (c.reason !== undefined && (typeof c.reason !== "string" || c.reason.length > 2_000))
    return fail("command: reason is not a short text");
  if (value.replyTo !== undefined && !isId(value.replyTo)) return fail("command: replyTo is not a subject");
  const command = {
    tripId: c.tripId,
    command: c.command as CommandName,
    actor: c.actor,
    atMs: c.atMs,
    ...(c.force === undefined ? {} : { force: c.force }),
    ...(c.reason === undefined ? {} : { reason: c.reason }),
  };
  return {
    ok: true,
    message: {
      kind: "command",
      command,
      ...(value.replyTo === undefined ? {} : { replyTo: value.replyTo }),
    },
  };
}
