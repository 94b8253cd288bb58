/**
 * What the engine consumes. Inputs arrive already well-formed (the scenario reader and the device
 * gateways check their own formats); the engine checks what needs its state: unknown ids, device
 * classes, arrival order, duplicates and command refusals.
 */
import type { AlarmChange } from "./alarm-book.js";
import type { ReadStatus, SealState } from "./device-event.js";
import type { Transition, TripState } from "../domain/model.js";

export interface Position {
  readonly lon: number;
  readonly lat: number;
  readonly speedKmh?: number;
  readonly courseDeg?: number;
  /** A position with `valid: false` is kept but skipped by every position rule. */
  readonly valid: boolean;
}

export interface MessageInput {
  readonly type: "message";
  readonly device: string;
  /** Event time: when the device observed it. */
  readonly atMs: number;
  /** Arrival time; equal to `atMs` unless the device buffered the message. */
  readonly receivedAtMs: number;
  readonly position?: Position;
  readonly seal?: SealState;
  readonly tamper?: boolean;
  readonly batteryPct?: number;
  /** The message's content for duplicate detection: its canonical form without `at` and `receivedAt`. */
  readonly content: object;
  /**
   * A ready-made content key (equal keys mean equal content, and keys order same-instant
   * messages), used instead of serialising `content`: a store's deduplication key, for instance.
   */
  readonly contentKey?: string;
}

export interface ReadInput {
  readonly type: "read";
  readonly device: string;
  readonly office: string;
  readonly status: ReadStatus;
  /**
   * The seal number the reader found on the seal (an ISO 17712 mark, or the id in an ISO 18185
   * e-seal's memory), when it reports one: compared with the trip's declared seals.
   */
  readonly sealNumber?: string;
  readonly atMs: number;
  /**
   * When the read reached Sealwatch. The scenario format has none (a read arrives at its own time);
   * a reader that uploads its reads later, or whose clock drifts, gives it so that the read is
   * placed by event time without moving the clock by the reader's clock.
   */
  readonly receivedAtMs?: number;
  readonly content: object;
  /** See `MessageInput.contentKey`. */
  readonly contentKey?: string;
}

export type CommandName = "arm" | "disarm" | "cancel";

export interface CommandInput {
  readonly type: "command";
  readonly command: CommandName;
  readonly trip: string;
  readonly atMs: number;
  readonly force?: boolean;
  readonly reason?: string;
}

export interface TickInput {
  readonly type: "tick";
  readonly atMs: number;
}

export type EngineInput = MessageInput | ReadInput | CommandInput | TickInput;

export interface TripChange {
  readonly trip: string;
  readonly state: TripState;
  readonly transitions: readonly Transition[];
}

export type ApplyStatus = "accepted" | "duplicate" | "rejected";

export interface ApplyResult {
  readonly status: ApplyStatus;
  /** Why the input was rejected (free wording). */
  readonly reason?: string;
  readonly alarms: readonly AlarmChange[];
  readonly trips: readonly TripChange[];
}
