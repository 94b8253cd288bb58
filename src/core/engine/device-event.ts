/**
 * One message or passive read of a device as the engine keeps it, with the geographic facts of its
 * fix computed once when it arrives.
 */
import { canonicalJson } from "../canonical-json.js";
import { compareCodeUnits } from "../domain/model.js";
import type { MessageInput, ReadInput } from "./inputs.js";

export type SealState = "closed" | "open";
export type ReadStatus = "intact" | "broken";

const HAS_FIX = 1;
const IN_OFFICE = 2;
const EXEMPT = 4;
const OUT_OF_CORRIDOR = 8;
const IS_OPENING = 16;
const SEAL_PRESENT = 32;
const SEAL_OPEN = 64;
const TAMPER_PRESENT = 128;
const TAMPER_TRUE = 256;
const IS_READ = 512;

/**
 * Kept compact (a device's history holds one per message): booleans and three-state fields share one
 * integer of flags, and an absent battery level is NaN, so that every number stays unboxed.
 */
export class DeviceEvent {
  /** Zone numbers (see `ZoneIndex`) that contain the fix; empty without a fix. */
  zones: readonly number[] = NO_ZONES;
  private flags: number;
  private readonly battery: number;
  private contentText: string | undefined = undefined;
  /**
   * The input whose canonical form, without `at` and `receivedAt`, is this event's content; let go
   * once that form is known (given as a ready-made key, or computed), so that the history does not
   * hold on to whole inputs (a device reading's raw frame and vendor details).
   */
  private contentSource: object | undefined;

  constructor(
    kind: "message" | "read",
    readonly atMs: number,
    readonly receivedAtMs: number,
    /** The input whose canonical form, without `at` and `receivedAt`, is this event's content. */
    contentSource: object,
    hasFix: boolean,
    readonly lon: number,
    readonly lat: number,
    /** Speed of the fix; a fix without speed counts as 0. */
    readonly speedKmh: number,
    seal: SealState | null,
    tamper: boolean | null,
    batteryPct: number | null,
    /** The office of a passive read. */
    readonly office: string | null,
    /** A ready-made content key, when the input came with one. */
    contentKey?: string,
    /** The seal number a passive read found, if it reports one. */
    readonly sealNumber: string | null = null,
  ) {
    this.contentText = contentKey;
    this.contentSource = contentKey === undefined ? contentSource : undefined;
    let flags = kind === "read" ? IS_READ : 0;
    if (hasFix) flags |= HAS_FIX;
    if (seal !== null) flags |= seal === "open" ? SEAL_PRESENT | SEAL_OPEN : SEAL_PRESENT;
    if (tamper !== null) flags |= tamper ? TAMPER_PRESENT | TAMPER_TRUE : TAMPER_PRESENT;
    this.flags = flags;
    this.battery = batteryPct ?? Number.NaN;
  }

  get kind(): "message" | "read" {
    return (this.flags & IS_READ) !== 0 ? "read" : "message";
  }

  /** True when the event carries a valid position. */
  get hasFix(): boolean {
    return (this.flags & HAS_FIX) !== 0;
  }

  get seal(): SealState | null {
    const flags = this.flags;
    if ((flags & SEAL_PRESENT) === 0) return null;
    return (flags & SEAL_OPEN) !== 0 ? "open" : "closed";
  }

  /** A broken passive read counts as tamper: true, an intact one as tamper: false. */
  get tamper(): boolean | null {
    const flags = this.flags;
    if ((flags & TAMPER_PRESENT) === 0) return null;
    return (flags & TAMPER_TRUE) !== 0;
  }

  get batteryPct(): number | null {
    return Number.isNaN(this.battery) ? null : this.battery;
  }

  get readStatus(): ReadStatus | null {
    if ((this.flags & IS_READ) === 0) return null;
    return (this.flags & TAMPER_TRUE) !== 0 ? "broken" : "intact";
  }

  /** Inside any office zone. */
  get inOffice(): boolean {
    return (this.flags & IN_OFFICE) !== 0;
  }

  set inOffice(value: boolean) {
    this.flags = value ? this.flags | IN_OFFICE : this.flags & ~IN_OFFICE;
  }

  /** Inside any office or rest zone: exempt from deviation and stop rules. */
  get exempt(): boolean {
    return (this.flags & EXEMPT) !== 0;
  }

  set exempt(value: boolean) {
    this.flags = value ? this.flags | EXEMPT : this.flags & ~EXEMPT;
  }

  /** Farther than the corridor from its trip's route; set when the fix joins a trip's window. */
  get outOfCorridor(): boolean {
    return (this.flags & OUT_OF_CORRIDOR) !== 0;
  }

  set outOfCorridor(value: boolean) {
    this.flags = value ? this.flags | OUT_OF_CORRIDOR : this.flags & ~OUT_OF_CORRIDOR;
  }

  /** Whether the seal goes from closed to open at this event (an opening to locate). */
  get isOpening(): boolean {
    return (this.flags & IS_OPENING) !== 0;
  }

  set isOpening(value: boolean) {
    this.flags = value ? this.flags | IS_OPENING : this.flags & ~IS_OPENING;
  }

  /** RFC 8785 serialisation of the event without `at` and `receivedAt`: equal content means a retransmission. */
  get content(): string {
    if (this.contentText === undefined) {
      const { at: _at, receivedAt: _receivedAt, ...rest } = this.contentSource as Record<string, unknown>;
      this.contentText = canonicalJson(rest);
      this.contentSource = undefined;
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
    input.contentKey,
  );
}

/** The event a passive read becomes: a broken read counts as a tamper message, an intact one as tamper: false. */
export function readEvent(input: ReadInput): DeviceEvent {
  return new DeviceEvent(
    "read",
    input.atMs,
    input.receivedAtMs ?? input.atMs,
    input.content,
    false,
    0,
    0,
    0,
    null,
    input.status === "broken",
    null,
    input.office,
    input.contentKey,
    input.sealNumber ?? null,
  );
}

/** Event-time order of one device's events; same-instant events by their canonical content. */
export function compareEvents(a: DeviceEvent, b: DeviceEvent): number {
  if (a.atMs !== b.atMs) return a.atMs - b.atMs;
  if (a === b) return 0;
  return compareCodeUnits(a.content, b.content);
}
