import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { FramerOutput } from "../../../src/protocols/protocol.js";
import {
  createTeltonikaFramer,
  decodeTeltonikaFrame,
  TELTONIKA_MAX_FRAME_BYTES,
} from "../../../src/protocols/teltonika/index.js";
import { chunk, concat, hexBytes, readCorpus } from "../support/corpus.js";

const IMEI = "356307042441013";
/** Every TCP frame whose length field is right (the corpus's truncated and zero-length ones excluded). */
const wireFrames = readCorpus("teltonika-frames.tsv")
  .filter((r) => r.transport === "tcp" && !["29", "34", "37", "41"].includes(r.row))
  .map((r) => hexBytes(r.frame_hex!));

function pushAll(chunks: readonly Uint8Array[], max = TELTONIKA_MAX_FRAME_BYTES): FramerOutput[] {
  const framer = createTeltonikaFramer(max);
  return chunks.flatMap((c) => framer.push(c));
}
const framesOf = (out: readonly FramerOutput[]): string[] =>
  out.flatMap((o) => (o.kind === "frame" ? [Buffer.from(o.frame).toString("hex")] : []));
const rejectedBytesOf = (out: readonly FramerOutput[]): string =>
  out.map((o) => (o.kind === "rejected" ? Buffer.from(o.bytes).toString("hex") : "")).join("");
const readingsOf = (out: readonly FramerOutput[]): unknown[] =>
  out.flatMap((o): unknown[] => {
    if (o.kind !== "frame") return [];
    const d = decodeTeltonikaFrame(o.frame, { deviceId: IMEI });
    if (d.kind === "rejected") return [d.rejection];
    return d.readings.map((r): unknown => ({ ...r, raw: Buffer.from(r.raw).toString("hex") }));
  });

const garbageByte = fc.integer({ min: 1, max: 254 });

describe("Teltonika framer", () => {
  it("cuts login, ping and AVL packets out whole, in order", () => {
    const framer = createTeltonikaFramer();
    assert.deepEqual(
      framesOf(framer.push(concat(wireFrames))),
      wireFrames.map((f) => Buffer.from(f).toString("hex")),
    );
    assert.equal(framer.buffered, 0);
  });

  it("gives the same frames and readings whatever the chunking (property)", () => {
    const stream = concat(wireFrames);
    const whole = pushAll([stream]);
    const wholeReadings = readingsOf(whole);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 80 }), (cuts) => {
        const out = pushAll(chunk(stream, cuts));
        assert.deepEqual(framesOf(out), framesOf(whole));
        assert.deepEqual(readingsOf(out), wholeReadings);
      }),
      { numRuns: 100 },
    );
  });

  it("rejects exactly the garbage between frames (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...wireFrames), fc.array(garbageByte, { maxLength: 12 })), {
          minLength: 1,
          maxLength: 6,
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
        },
      ),
      { numRuns: 200 },
    );
  });

  it("gives the same output for any stream whatever the chunking (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...wireFrames), fc.uint8Array({ maxLength: 40 })), {
          maxLength: 6,
        }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (parts, cuts) => {
          const stream = concat(parts);
          const whole = pushAll([stream], 4096);
          const chunked = pushAll(
            chunk(
              stream,
              cuts.map((c) => c % Math.max(1, stream.length)),
            ),
            4096,
          );
          assert.deepEqual(framesOf(chunked), framesOf(whole));
          assert.equal(rejectedBytesOf(chunked), rejectedBytesOf(whole));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("rejects an oversized AVL packet, then resynchronises", () => {
    const big = hexBytes("0000000000100000"); // declares a 1 MiB data field
    const next = wireFrames[1]!;
    const out = pushAll([big, Uint8Array.of(0x41, 0x42), next]);
    assert.equal(out[0]?.kind === "rejected" && out[0].rejection.reason, "oversized");
    assert.deepEqual(framesOf(out), [Buffer.from(next).toString("hex")]);
  });

  it("rejects a zero-length AVL packet (row 29's header) instead of waiting on it", () => {
    const out = pushAll([hexBytes("0000000000000000")]);
    assert.equal(out[0]?.kind === "rejected" && out[0].rejection.reason, "malformed");
  });

  it("never throws on random bytes and accounts for every byte (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 10 }), (chunks) => {
        const framer = createTeltonikaFramer(512);
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
