import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  createJointechFramer,
  decodeJointechFrame,
  JOINTECH_MAX_FRAME_BYTES,
} from "../../../src/protocols/jointech/index.js";
import type { FramerOutput } from "../../../src/protocols/protocol.js";
import { chunk, concat, jointechFrame, readCorpus } from "../support/corpus.js";

/** Real frames that stand alone on the wire (row 47 holds three; row 63 a bare 0x7e; others are not Jointech). */
const wireFrames = readCorpus("jt600-frames.tsv")
  .filter((r) => /^(Jt600|Jt808)(Protocol|Frame)Decoder$/.test(r.decoder!) && !["47", "63"].includes(r.row))
  .map(jointechFrame)
  .filter((f) => decodeJointechFrame(f, { verifyChecksum: false }).kind === "readings");

function pushAll(chunks: readonly Uint8Array[], max = JOINTECH_MAX_FRAME_BYTES): FramerOutput[] {
  const framer = createJointechFramer(max);
  return chunks.flatMap((c) => framer.push(c));
}

const framesOf = (out: readonly FramerOutput[]): string[] =>
  out.flatMap((o) => (o.kind === "frame" ? [Buffer.from(o.frame).toString("hex")] : []));
const rejectedBytesOf = (out: readonly FramerOutput[]): string =>
  out.map((o) => (o.kind === "rejected" ? Buffer.from(o.bytes).toString("hex") : "")).join("");

/** Bytes that can never start a frame ($, ( and 0x7e excluded). */
const garbageByte = fc.integer({ min: 0, max: 255 }).filter((b) => b !== 0x24 && b !== 0x28 && b !== 0x7e);

describe("Jointech framer", () => {
  it("has real frames of all three kinds to work with", () => {
    const kinds = new Set(wireFrames.map((f) => f[0]));
    assert.deepEqual(
      [...kinds].sort((a, b) => a! - b!),
      [0x24, 0x28, 0x7e],
    );
    assert.ok(wireFrames.length > 50);
  });

  it("cuts every real frame out whole, in order, with nothing left", () => {
    const framer = createJointechFramer();
    const out = framer.push(concat(wireFrames));
    assert.deepEqual(
      framesOf(out),
      wireFrames.map((f) => Buffer.from(f).toString("hex")),
    );
    assert.equal(framer.buffered, 0);
  });

  it("gives the same frames whatever the chunking (property)", () => {
    const stream = concat(wireFrames);
    const whole = pushAll([stream]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 60 }), (cuts) => {
        const out = pushAll(chunk(stream, cuts));
        assert.deepEqual(framesOf(out), framesOf(whole));
      }),
      { numRuns: 200 },
    );
  });

  it("skips garbage between frames, rejecting exactly the garbage, whatever the chunking (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...wireFrames), fc.array(garbageByte, { maxLength: 12 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (parts, cuts) => {
          const stream = concat(parts.flatMap(([frame, garbage]) => [Uint8Array.from(garbage), frame]));
          const out = pushAll(
            chunk(
              stream,
              cuts.map((c) => c % stream.length),
            ),
          );
          assert.deepEqual(
            framesOf(out),
            parts.map(([f]) => Buffer.from(f).toString("hex")),
          );
          assert.equal(rejectedBytesOf(out), parts.map(([, g]) => Buffer.from(g).toString("hex")).join(""));
          for (const o of out) if (o.kind === "rejected") assert.equal(o.rejection.reason, "malformed");
        },
      ),
      { numRuns: 200 },
    );
  });

  it("gives the same frames and rejected bytes for any stream, whatever the chunking (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...wireFrames), fc.uint8Array({ maxLength: 40 })), {
          maxLength: 8,
        }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (parts, cuts) => {
          const stream = concat(parts);
          const whole = pushAll([stream], 512);
          const chunked = pushAll(
            chunk(
              stream,
              cuts.map((c) => c % Math.max(1, stream.length)),
            ),
            512,
          );
          assert.deepEqual(framesOf(chunked), framesOf(whole));
          assert.equal(rejectedBytesOf(chunked), rejectedBytesOf(whole));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("rejects an oversized binary frame, then finds the next frame", () => {
    const big = Uint8Array.from(Buffer.from("2480413009781914ffff", "hex")); // declares 65,545 bytes
    const next = wireFrames[5]!;
    const out = pushAll([big, next]);
    assert.equal(out[0]?.kind, "rejected");
    assert.equal(out[0]?.kind === "rejected" && out[0].rejection.reason, "oversized");
    assert.deepEqual(framesOf(out), [Buffer.from(next).toString("hex")]);
  });

  it("rejects a text frame that runs past the maximum, then resynchronises", () => {
    const long = Uint8Array.from(Buffer.from(`(1234567890,P45,${"1".repeat(300)}`, "latin1"));
    const next = Uint8Array.from(Buffer.from("(3460311327,@JT)", "latin1"));
    const out = pushAll(chunk(concat([long, next]), [100, 200, 300]), 256);
    assert.ok(out.some((o) => o.kind === "rejected" && o.rejection.reason === "oversized"));
    assert.deepEqual(framesOf(out).slice(-1), [Buffer.from(next).toString("hex")]);
  });

  it("rejects an unterminated JT808 frame past the maximum, then resynchronises", () => {
    const open = concat([Uint8Array.of(0x7e), new Uint8Array(300).fill(0x11)]);
    const next = wireFrames.find((f) => f[0] === 0x7e)!;
    const out = pushAll([open, next], 256);
    assert.equal(out[0]?.kind === "rejected" && out[0].rejection.reason, "oversized");
    assert.deepEqual(framesOf(out), [Buffer.from(next).toString("hex")]);
  });

  it("waits for the rest of a frame", () => {
    const framer = createJointechFramer();
    const f = wireFrames[0]!;
    assert.deepEqual(framer.push(f.subarray(0, 5)), []);
    assert.equal(framer.buffered, 5);
    assert.equal(framer.push(f.subarray(5)).length, 1);
    assert.equal(framer.buffered, 0);
  });

  it("treats a '$' not followed by BCD digits as garbage", () => {
    const out = pushAll([Uint8Array.from(Buffer.from("$abcdefghij", "latin1"))]);
    assert.ok(out.every((o) => o.kind === "rejected"));
    assert.equal(rejectedBytesOf(out), Buffer.from("$abcdefghij", "latin1").toString("hex"));
  });

  it("never throws on random bytes and accounts for every byte (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 10 }), (chunks) => {
        const framer = createJointechFramer(300);
        const out = chunks.flatMap((c) => framer.push(c));
        const accounted = out.reduce((n, o) => n + (o.kind === "frame" ? o.frame.length : o.bytes.length), 0);
        assert.equal(
          accounted + framer.buffered,
          chunks.reduce((n, c) => n + c.length, 0),
        );
      }),
      { numRuns: 300 },
    );
  });
});
