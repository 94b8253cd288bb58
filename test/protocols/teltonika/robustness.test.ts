/** Random, truncated and mutated bytes never make a Teltonika decoder throw. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { DecodeOutcome } from "../../../src/protocols/protocol.js";
import { decodeTeltonikaFrame, decodeTeltonikaUdp } from "../../../src/protocols/teltonika/index.js";
import { hexBytes, readCorpus } from "../support/corpus.js";

const frames = readCorpus("teltonika-frames.tsv").map((r) => hexBytes(r.frame_hex!));

function check(outcome: DecodeOutcome): void {
  assert.ok(outcome.kind === "readings" || outcome.kind === "rejected");
  if (outcome.kind === "rejected") assert.doesNotMatch(outcome.rejection.detail, /^internal:/);
}

function decodeAllWays(bytes: Uint8Array): void {
  check(decodeTeltonikaFrame(bytes, { deviceId: "1" }));
  check(decodeTeltonikaFrame(bytes, { deviceId: "1", verifyCrc: false }));
  check(decodeTeltonikaUdp(bytes));
}

describe("Teltonika decoders on hostile input", () => {
  it("random bytes (property)", () => {
    const avlish = fc
      .uint8Array({ maxLength: 150 })
      .map((b) => Uint8Array.of(0, 0, 0, 0, 0, 0, 0, b.length, ...b));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), avlish), (bytes) => decodeAllWays(bytes)),
      { numRuns: 2000 },
    );
  });

  it("every truncation of every corpus frame", () => {
    for (const frame of frames)
      for (let n = 0; n < frame.length; n += frame.length > 400 ? 7 : 1) decodeAllWays(frame.subarray(0, n));
  });

  it("corpus frames with random bytes changed (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...frames),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        (frame, edits) => {
          const bytes = Uint8Array.from(frame);
          for (const [i, v] of edits) bytes[i % bytes.length] = v;
          decodeAllWays(bytes);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
