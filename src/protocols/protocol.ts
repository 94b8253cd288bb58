/**
 * The shape every device protocol takes: a framer cuts a byte stream into whole frames (whatever the
 * chunking), a decoder turns one frame into readings plus the acknowledgement the device expects, and
 * an encoder builds acknowledgements and commands. Damaged or unknown input is a typed rejection,
 * never an exception.
 */
import type { NormalizedReading } from "../core/domain/reading.js";

/** Why a frame or a byte run was rejected; counted by reason in the metrics. */
export type RejectionReason =
  "malformed" | "oversized" | "bad_checksum" | "unsupported" | "unknown_device" | "implausible";

export interface Rejection {
  readonly reason: RejectionReason;
  /** What was wrong, for the log line. */
  readonly detail: string;
}

export type FramerOutput =
  | { readonly kind: "frame"; readonly frame: Uint8Array }
  | { readonly kind: "rejected"; readonly rejection: Rejection; readonly bytes: Uint8Array };

export interface Framer {
  /** Feeds bytes and returns the complete frames (and rejected byte runs) they finish, in order. */
  push(chunk: Uint8Array): FramerOutput[];
  /** Bytes held waiting for the rest of a frame. */
  readonly buffered: number;
}

export type DecodeOutcome =
  | {
      readonly kind: "readings";
      readonly readings: NormalizedReading[];
      /** Bytes to send back once the readings are durable, if the device expects an answer. */
      readonly ack?: Uint8Array;
      /** Identity announced by the frame (a login), if any. */
      readonly identity?: string;
      /** The device's answer to an earlier command, verbatim (e.g. a Jointech `ELOCK` reply), if any. */
      readonly commandResult?: string;
    }
  | { readonly kind: "rejected"; readonly rejection: Rejection };
