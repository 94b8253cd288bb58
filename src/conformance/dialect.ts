/**
 * One device connection as the kit reads it: the protocol's own framer and decoder (the gateway's,
 * unchanged), plus the little session state a protocol keeps (the IMEI a Teltonika tracker logged
 * in with). MQTT and HTTP carry one JSON message per publish or request, so their "framer" hands
 * each message on whole.
 */
import type { NormalizedReading } from "../core/domain/reading.js";
import { toHex } from "../protocols/bytes.js";
import { createJointechFramer, decodeJointechFrame } from "../protocols/jointech/index.js";
import { rejected } from "../protocols/outcome.js";
import type { DecodeOutcome, FramerOutput } from "../protocols/protocol.js";
import {
  createTeltonikaFramer,
  decodeTeltonikaFrame,
  type TeltonikaIoMapping,
} from "../protocols/teltonika/index.js";
import type { KitProtocol } from "./events.js";
import { decodeJsonMessage } from "./json-message.js";

export interface DialectOptions {
  /** The identity the device is expected to announce (lock id, IMEI, MQTT/HTTP device id). */
  readonly expectedId?: string;
  /** Teltonika: which IO elements mean seal, tamper and battery (the gateway's setting). */
  readonly teltonikaIo?: TeltonikaIoMapping;
}

export interface Dialect {
  /** Cuts a connection's bytes into frames and rejected runs. */
  push(bytes: Uint8Array): FramerOutput[];
  /** Bytes waiting for the rest of a frame. */
  readonly buffered: number;
  /** Drops what the framer holds (bytes were lost), keeping the session (a Teltonika login). */
  resync(): void;
  /** Reads one frame; `atMs` is when it arrived (answers to a time request use it). */
  decode(frame: Uint8Array, atMs: number | undefined): DecodeOutcome;
  /** Whether frames of this kind can carry a checksum the decoder verifies. */
  hasChecksum(frame: Uint8Array): boolean;
  /** Printable text of a frame, when the protocol's frames are text. */
  text(frame: Uint8Array): string | undefined;
}

/** A fresh dialect for one connection of `protocol`. */
export function openDialect(protocol: KitProtocol, options: DialectOptions = {}): Dialect {
  switch (protocol) {
    case "jt701":
      return jointechDialect();
    case "teltonika":
      return teltonikaDialect(options);
    case "mqtt":
    case "http":
      return jsonDialect(protocol, options);
  }
}

function printable(frame: Uint8Array): string | undefined {
  return frame.every((b) => (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09)
    ? Buffer.from(frame).toString("latin1")
    : undefined;
}

function jointechDialect(): Dialect {
  let framer = createJointechFramer();
  return {
    push: (bytes) => framer.push(bytes),
    get buffered() {
      return framer.buffered;
    },
    resync: () => void (framer = createJointechFramer()),
    decode: (frame, atMs) => decodeJointechFrame(frame, atMs === undefined ? {} : { nowMs: atMs }),
    // Only the JT808 variant (0x7e) carries a checksum; `$` and `(` frames have none.
    hasChecksum: (frame) => frame[0] === 0x7e,
    text: (frame) => (frame[0] === 0x28 ? printable(frame) : undefined),
  };
}

function teltonikaDialect(options: DialectOptions): Dialect {
  let framer = createTeltonikaFramer();
  let imei: string | undefined;
  return {
    push: (bytes) => framer.push(bytes),
    get buffered() {
      return framer.buffered;
    },
    resync: () => void (framer = createTeltonikaFramer()),
    decode(frame) {
      const outcome = decodeTeltonikaFrame(frame, {
        ...(imei === undefined ? {} : { deviceId: imei }),
        ...(options.teltonikaIo === undefined ? {} : { ioMapping: options.teltonikaIo }),
      });
      if (outcome.kind === "readings" && outcome.identity !== undefined) imei = outcome.identity;
      return outcome;
    },
    // AVL packets (four zero bytes first) carry a CRC; the login and the ping do not.
    hasChecksum: (frame) => frame.length >= 12 && frame[0] === 0 && frame[1] === 0,
    text: () => undefined,
  };
}

/** Messages of up to 64 KiB; a larger one is refused before it is parsed. */
const MAX_MESSAGE_BYTES = 64 * 1024;

function jsonDialect(protocol: "mqtt" | "http", options: DialectOptions): Dialect {
  return {
    push(bytes): FramerOutput[] {
      if (bytes.length > MAX_MESSAGE_BYTES)
        return [
          {
            kind: "rejected",
            rejection: { reason: "oversized", detail: `a message of ${bytes.length} bytes (maximum 65536)` },
            bytes,
          },
        ];
      return bytes.length === 0 ? [] : [{ kind: "frame", frame: bytes }];
    },
    buffered: 0,
    resync: () => undefined,
    decode(frame, atMs) {
      const decoded = decodeJsonMessage(frame, protocol, options.expectedId);
      if (typeof decoded === "string") return rejected("malformed", decoded);
      const readings: NormalizedReading[] = decoded.readings;
      void atMs;
      return { kind: "readings", readings, ...(decoded.identity ? { identity: decoded.identity } : {}) };
    },
    hasChecksum: () => false,
    text: (frame) => printable(frame),
  };
}

/** Hex of a frame, for evidence. */
export function frameHex(frame: Uint8Array): string {
  return toHex(frame);
}
