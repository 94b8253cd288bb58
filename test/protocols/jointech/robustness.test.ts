/** Random, truncated and mutated bytes never make a Jointech decoder throw. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeJointechFrame } from "../../../src/protocols/jointech/index.js";
import type { DecodeOutcome } from "../../../src/protocols/protocol.js";
import { jointechFrame, readCorpus } from "../support/corpus.js";

const frames = readCorpus("jt600-frames.tsv").map(jointechFrame);

function check(outcome: DecodeOutcome): void {
  assert.ok(outcome.kind === "readings" || outcome.kind === "rejected");
  if (outcome.kind === "rejected") assert.doesNotMatch(outcome.rejection.detail, /^internal:/);
  if (outcome.kind === "readings") for (const r of outcome.readings) assert.ok(Number.isFinite(r.atMs));
}

/** A frame start byte followed by random bytes, to reach past the first dispatch. */
const startedBytes = fc
  .tuple(fc.constantFrom(0x24, 0x28, 0x7e), fc.uint8Array({ maxLength: 120 }))
  .map(([b, rest]) => Uint8Array.of(b, ...rest));

describe("Jointech decoders on hostile input", () => {
  it("random bytes (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), startedBytes), (bytes) =>
        check(decodeJointechFrame(bytes)),
      ),
      {
        numRuns: 2000,
      },
    );
  });

  it("every truncation of every corpus frame", () => {
    for (const frame of frames) {
      for (let n = 0; n < frame.length; n++) check(decodeJointechFrame(frame.subarray(0, n), { nowMs: 0 }));
    }
  });

  it("corpus frames with random bytes changed (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...frames),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        (frame, edits) => {
          const bytes = Uint8Array.from(frame);
          for (const [i, v] of edits) bytes[i % bytes.length] = v;
          check(decodeJointechFrame(bytes, { nowMs: 0 }));
          check(decodeJointechFrame(bytes, { verifyChecksum: false }));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
