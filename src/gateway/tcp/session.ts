/**
 * What a device protocol contributes to a TCP connection: given one whole frame, decode it, decide
 * who the device is, hand its readings to the sink, and say what to answer once they are durable.
 */
import type { CloseReason, RejectReason } from "../counters.js";

/** What to do once a frame's readings are durable. */
export interface AckPlan {
  /** Bytes to send back (the protocol's acknowledgement), if the device expects any. */
  readonly ack?: Uint8Array;
  readonly readings: number;
  readonly duplicates: number;
}

export type PendingFrame =
  /** The frame's readings are submitted; `durable` settles when they are stored (or rejects). */
  | {
      readonly kind: "accepted";
      readonly durable: Promise<AckPlan>;
      /**
       * The answer names the frame it answers (a serial number, as JT701D's `(P69,0,serial)`), so
       * a device cannot take it for the answer to an earlier frame. Teltonika's record count and
       * the JT701's `(P35)` do not.
       */
      readonly answerNamesFrame?: boolean;
    }
  | {
      readonly kind: "rejected";
      readonly reason: RejectReason;
      readonly detail: string;
      /** An answer to send at once (e.g. Teltonika's 0x00 to a refused login). */
      readonly reply?: Uint8Array;
      /** Close the connection after this frame. */
      readonly close?: CloseReason;
    };

export interface ProtocolSession {
  /**
   * Takes the connection's next frame. Resolves once the frame's place in the device's order is
   * fixed (its readings submitted); frames are admitted one at a time, in arrival order.
   */
  admit(frame: Uint8Array, receivedAtMs: number): Promise<PendingFrame>;
  /** The device this connection has proved to be, once known (for the log lines). */
  readonly deviceId: string | undefined;
  /** The connection is gone. */
  closed(): void;
}

export function rejectedFrame(
  reason: RejectReason,
  detail: string,
  extra: { readonly reply?: Uint8Array; readonly close?: CloseReason } = {},
): PendingFrame {
  return { ...extra, kind: "rejected", reason, detail };
}
