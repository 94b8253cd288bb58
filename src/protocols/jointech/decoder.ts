/**
 * Decodes one Jointech frame (as the framer cut it) into readings, the answer the device expects,
 * and the identity it announces. Dispatches on the first byte: `$` binary, `(` text, 0x7e JT808.
 */
import { rejected } from "../outcome.js";
import type { DecodeOutcome } from "../protocol.js";
import { decodeBinaryFrame } from "./binary-frame.js";
import { decodeJt808Frame } from "./jt808.js";
import { decodeTextFrame } from "./text-frame.js";

export interface JointechDecodeOptions {
  /**
   * The current time, used only to answer a device's request for the time (`P22,2`, `BASE,2,TIME`).
   * Without it those requests decode with no answer.
   */
  readonly nowMs?: number;
  /** Verify the JT808 XOR checksum (default true); false decodes damaged frames for forensics. */
  readonly verifyChecksum?: boolean;
}

export function decodeJointechFrame(frame: Uint8Array, options: JointechDecodeOptions = {}): DecodeOutcome {
  try {
    const first = frame[0];
    if (first === 0x24) return decodeBinaryFrame(frame);
    if (first === 0x28) return decodeTextFrame(frame, options.nowMs);
    if (first === 0x7e) return decodeJt808Frame(frame, options.verifyChecksum ?? true);
    return rejected("malformed", "not a Jointech frame (first byte is not $, ( or 0x7e)");
  } catch (error) {
    // Every read is bounds-checked first; this is the last line against a crash on hostile input.
    return rejected("malformed", `internal: ${error instanceof Error ? error.message : String(error)}`);
  }
}
