/**
 * One message or passive read of a device as the engine keeps it, with the geographic facts of its
 * fix computed once when it arrives.
 */
import { canonicalJson } from "../canonical-json.js";
import { compareCodeUnits } from "../domain/model.js";
import type { MessageInput, ReadInput } from "./inputs.js";

export type SealState = "closed" | "open";
export type ReadStatus = "intact" | "broken";

export class DeviceEvent {
  /** Zone numbers (see `ZoneIndex`) that contain the fix; empty without a fix. */
  zones: readonly number[] = NO_ZONES;
  /** Inside any office zone. */
  inOffice = false;
  /** Inside any office or rest zone: exempt from deviation and stop rules. */
  exempt = false;
  /** Farther than the corridor from its trip's route; set when the fix joins a trip's window. */
  outOfCorridor = false;
  /** Whether the seal goes from closed to open at this event (an opening to locate). */
  isOpening = false;
  private contentText: string | undefined;

  constructor(
    readonly kind: "message" | "read",
    readonly atMs: number,
    readonly receivedAtMs: number,
    /** The input whose canonical form, without `at` and `receivedAt`, is this event's content. */
    private readonly contentSource: object,
    /** True when the event carries a valid position. */
    readonly hasFix: boolean,
    readonly lon: number,
    readonly lat: number,
    /** Speed of the fix; a fix without speed counts as 0. */
    readonly speedKmh: number,
    readonly seal: SealState | null,
    readonly tamper: boolean | null,
    readonly batteryPct: number | null,
    readonly office: string | null,
    readonly readStatus: ReadStatus | null,
  ) {}

  /** RFC 8785 serialisation of the event without `at` and `receivedAt`: equal content means a retransmission. */
  get content(): string {
    if (this.contentText === undefined) {
      const { at: _at, receivedAt: _receivedAt, ...rest } = this.contentSource as Record<string, unknown>;
      this.contentText = canonicalJson(rest);
    }
    return this.contentText;
  }
}

const NO_ZONES: readonly number[] = Object.freeze([]);

/** The event a message becomes (its geography is set by the engine, which knows the zones). */
export function messageEvent(input: MessageInput): DeviceEvent {
  const position = input.position;
  return new DeviceEvent(
    "message",
    input.atMs,
    input.receivedAtMs,
    input.content,
    position !== undefined && position.valid,
    position?.lon ?? 0,
    position?.lat ?? 0,
    position?.speedKmh ?? 0,
    input.seal ?? null,
    input.tamper ?? null,
    input.batteryPct ?? null,
    null,
    null,
  );
}

/** The event a passive read becomes: a broken read counts as a tamper message, an intact one as tamper: false. */
export function readEvent(input: ReadInput): DeviceEvent {
  return new DeviceEvent(
    "read",
    input.atMs,
    input.atMs,
    input.content,
    false,
    0,
    0,
    0,
    null,
    input.status === "broken",
    null,
    input.office,
    input.status,
  );
}

/** Event-time order of one device's events; same-instant events by their canonical content. */
export function compareEvents(a: DeviceEvent, b: DeviceEvent): number {
  if (a.atMs !== b.atMs) return a.atMs - b.atMs;
  if (a === b) return 0;
  return compareCodeUnits(a.content, b.content);
}
