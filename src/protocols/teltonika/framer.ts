/**
 * Cuts a Teltonika TCP stream into frames: the IMEI login (length u16, then that many digits), the
 * one-byte 0xff ping, and AVL packets (four zero bytes, data field length u32, data field, CRC u32).
 * A frame may be at most `TELTONIKA_MAX_FRAME_BYTES`; Teltonika's own limit for an AVL packet is
 * well under it (the largest captured one, a codec 12 file chunk, is about 2 KiB). A longer one is
 * rejected as `oversized` and the framer resynchronises at the next 0x00 or 0xff.
 */
import type { ByteQueue } from "../bytes.js";
import { StreamFramer, type FrameStep, type FramingRules } from "../stream-framer.js";

export const TELTONIKA_MAX_FRAME_BYTES = 16 * 1024;
/** The longest IMEI login accepted (an IMEI is 15 digits). */
const MAX_LOGIN_DIGITS = 20;
/** An AVL data field holds at least the codec id and the two record counts. */
const MIN_DATA_FIELD = 3;

const rules: FramingRules = {
  isStart: (b) => b === 0x00 || b === 0xff,
  step(q, max) {
    if (q.at(0) === 0xff) return { kind: "frame", size: 1 };
    if (q.length < 2) return { kind: "wait" };
    const second = q.at(1)!;
    if (second === 0) return avlStep(q, max);
    if (second > MAX_LOGIN_DIGITS) {
      return {
        kind: "skip",
        reason: "malformed",
        detail: `a login of ${second} bytes (an IMEI is at most ${MAX_LOGIN_DIGITS})`,
      };
    }
    for (let i = 2; i < q.length && i < second + 2; i++) {
      const b = q.at(i)!;
      if (b < 0x30 || b > 0x39)
        return { kind: "skip", reason: "malformed", detail: "a login whose IMEI is not digits" };
    }
    return q.length >= second + 2 ? { kind: "frame", size: second + 2 } : { kind: "wait" };
  },
};

function avlStep(q: ByteQueue, max: number): FrameStep {
  for (let i = 2; i < 4 && i < q.length; i++) {
    if (q.at(i) !== 0)
      return { kind: "skip", reason: "malformed", detail: "not an AVL preamble (four zero bytes)" };
  }
  if (q.length < 8) return { kind: "wait" };
  const length = ((q.at(4)! << 24) >>> 0) + (q.at(5)! << 16) + (q.at(6)! << 8) + q.at(7)!;
  if (length < MIN_DATA_FIELD) {
    return { kind: "skip", reason: "malformed", detail: `AVL data field length ${length}` };
  }
  const size = 12 + length;
  if (size > max)
    return { kind: "skip", reason: "oversized", detail: `AVL packet of ${size} bytes (maximum ${max})` };
  return q.length >= size ? { kind: "frame", size } : { kind: "wait" };
}

/** A framer for one Teltonika TCP connection. */
export function createTeltonikaFramer(maxFrameBytes = TELTONIKA_MAX_FRAME_BYTES): StreamFramer {
  return new StreamFramer(rules, maxFrameBytes);
}
