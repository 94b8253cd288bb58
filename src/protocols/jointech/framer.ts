/**
 * Cuts a Jointech byte stream into frames: binary `$` frames (length in the header), text `(` … `)`
 * frames (up to the first `)`: a `)` inside is escaped as 0x3D 0x14), and JT808 frames between two
 * 0x7e bytes. The three never share a first byte, so one framer serves the JT701 and the JT709A
 * ports alike. Frames are handed on verbatim (escapes included) so that the raw evidence is the wire
 * bytes; the decoders undo the escapes.
 *
 * A frame may be at most `JOINTECH_MAX_FRAME_BYTES` bytes (the longest real frames are a few hundred
 * bytes; a JT808 body is at most 1,023 bytes, twice that escaped). A longer one is rejected as
 * `oversized` and the framer resynchronises at the next byte that may start a frame.
 */
import type { ByteQueue } from "../bytes.js";
import { StreamFramer, type FrameStep, type FramingRules } from "../stream-framer.js";
import { BINARY_HEADER_BYTES, binaryFrameSize } from "./binary-frame.js";

export const JOINTECH_MAX_FRAME_BYTES = 4096;

const DOLLAR = 0x24;
const OPEN = 0x28;
const CLOSE = 0x29;
const COMMA = 0x2c;
const FLAG = 0x7e;
/** A device id is at most 20 digits. */
const MAX_ID_DIGITS = 20;

const rules: FramingRules = {
  isStart: (b) => b === DOLLAR || b === OPEN || b === FLAG,
  step(q, max) {
    const first = q.at(0);
    if (first === DOLLAR) return binaryStep(q, max);
    if (first === OPEN) return textStep(q, max);
    return jt808Step(q, max);
  },
};

function binaryStep(q: ByteQueue, max: number): FrameStep {
  for (let i = 1; i <= 5 && i < q.length; i++) {
    const b = q.at(i)!;
    if (b >> 4 > 9 || (b & 15) > 9) {
      return { kind: "skip", reason: "malformed", detail: "'$' not followed by a BCD device id" };
    }
  }
  if (q.length < BINARY_HEADER_BYTES) return { kind: "wait" };
  const size = binaryFrameSize(q.at(7)!, q.at(8)!, q.at(9)!);
  if (size > max)
    return { kind: "skip", reason: "oversized", detail: `binary frame of ${size} bytes (maximum ${max})` };
  if (size <= BINARY_HEADER_BYTES)
    return { kind: "skip", reason: "malformed", detail: "binary frame with no records" };
  return q.length >= size ? { kind: "frame", size } : { kind: "wait" };
}

function textStep(q: ByteQueue, max: number): FrameStep {
  for (let i = 1; i < q.length; i++) {
    const b = q.at(i)!;
    if (b === COMMA && i > 1) break;
    if (b < 0x30 || b > 0x39 || i > MAX_ID_DIGITS) {
      return { kind: "skip", reason: "malformed", detail: "'(' not followed by a device id and a comma" };
    }
  }
  const end = q.indexOf(CLOSE, 1);
  if (end >= 0) {
    if (end + 1 > max)
      return { kind: "skip", reason: "oversized", detail: `text frame of ${end + 1} bytes (maximum ${max})` };
    return { kind: "frame", size: end + 1 };
  }
  if (q.length >= max)
    return { kind: "skip", reason: "oversized", detail: `text frame longer than ${max} bytes` };
  return { kind: "wait" };
}

function jt808Step(q: ByteQueue, max: number): FrameStep {
  if (q.length < 2) return { kind: "wait" };
  // Two flags in a row: the first closed a frame we never saw the start of.
  if (q.at(1) === FLAG) return { kind: "skip", reason: "malformed", detail: "a lone 0x7e", size: 1 };
  const end = q.indexOf(FLAG, 1);
  if (end >= 0) {
    if (end + 1 > max)
      return {
        kind: "skip",
        reason: "oversized",
        detail: `JT808 frame of ${end + 1} bytes (maximum ${max})`,
      };
    return { kind: "frame", size: end + 1 };
  }
  if (q.length >= max)
    return { kind: "skip", reason: "oversized", detail: `JT808 frame longer than ${max} bytes` };
  return { kind: "wait" };
}

/** A framer for one Jointech connection. */
export function createJointechFramer(maxFrameBytes = JOINTECH_MAX_FRAME_BYTES): StreamFramer {
  return new StreamFramer(rules, maxFrameBytes);
}
