/** AVL packets built by the test encoder decode back to the same records; the answers parse back. */
import { describe, it } from "node:test";
import type { NormalizedReading } from "../../../src/core/domain/reading.js";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeTeltonikaFrame,
  decodeTeltonikaUdp,
  encodeLoginAnswer,
  encodeRecordCountAck,
  encodeUdpAck,
} from "../../../src/protocols/teltonika/index.js";
import {
  buildAvlData,
  buildAvlPacket,
  buildLogin,
  buildUdp,
  type AvlCodec,
  type AvlRecordSpec,
} from "../support/teltonika-builder.js";

const IMEI = "352093081452251";

function record(codec: AvlCodec): fc.Arbitrary<AvlRecordSpec> {
  // ids unique within a group (and across groups, by the filter below)
  const id = codec === "8" ? fc.integer({ min: 0, max: 0xff }) : fc.integer({ min: 0, max: 0xffff });
  const unique = <T>(value: fc.Arbitrary<T>, max: number) =>
    fc.uniqueArray(fc.tuple(id, value), { maxLength: max, selector: ([k]) => k });
  return fc
    .record({
      atMs: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) }),
      priority: fc.integer({ min: 0, max: 2 }),
      lon: fc.integer({ min: -1_800_000_000, max: 1_800_000_000 }).map((v) => v / 1e7),
      lat: fc.integer({ min: -900_000_000, max: 900_000_000 }).map((v) => v / 1e7),
      altitudeM: fc.integer({ min: -1000, max: 9000 }),
      courseDeg: fc.integer({ min: 0, max: 360 }),
      satellites: fc.integer({ min: 0, max: 40 }),
      speedKmh: fc.integer({ min: 0, max: 300 }),
      eventIoId: id,
      generationType: fc.integer({ min: 0, max: 7 }),
      io1: unique(fc.integer({ min: 0, max: 0xff }), 4),
      io2: unique(fc.integer({ min: 0, max: 0xffff }), 4),
      io4: unique(fc.integer({ min: 0, max: 0xffffffff }), 4),
      io8: unique(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), 3),
      ioX:
        codec === "8E"
          ? unique(
              fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b).toString("hex")),
              3,
            )
          : fc.constant<[number, string][]>([]),
    })
    .filter((r) => {
      // one id per record: the decoder keys IO values by id
      const ids = [...r.io1, ...r.io2, ...r.io4, ...r.io8, ...r.ioX].map(([k]) => k);
      return new Set(ids).size === ids.length;
    });
}

function expectRecords(
  records: readonly AvlRecordSpec[],
  codec: AvlCodec,
  readings: readonly NormalizedReading[],
): void {
  assert.equal(readings.length, records.length);
  records.forEach((spec, i) => {
    const r = readings[i]!;
    assert.equal(r.atMs, spec.atMs);
    assert.deepEqual(r.position, {
      lon: spec.lon,
      lat: spec.lat,
      speedKmh: spec.speedKmh,
      courseDeg: spec.courseDeg,
      valid: spec.satellites !== 0,
      altitudeM: spec.altitudeM,
      satellites: spec.satellites,
    });
    assert.ok(r.vendor?.vendor === "teltonika");
    assert.equal(r.vendor.codec, codec);
    assert.equal(r.vendor.priority, spec.priority);
    assert.equal(r.vendor.eventIoId, spec.eventIoId);
    assert.equal(r.vendor.generationType, codec === "16" ? spec.generationType : undefined);
    const expected: Record<number, number | bigint | string> = {};
    for (const [k, v] of [...spec.io1, ...spec.io2, ...spec.io4]) expected[k] = v;
    for (const [k, v] of spec.io8) expected[k] = v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    for (const [k, v] of spec.ioX) expected[k] = v;
    assert.deepEqual(r.vendor.io, expected);
  });
}

/** A record as a codec can carry it: 8 has one-byte ids; only 8E has variable-length values. */
function narrowed(r: AvlRecordSpec, codec: AvlCodec): AvlRecordSpec {
  if (codec === "8E") return r;
  const small = <T>(items: ReadonlyArray<readonly [number, T]>) =>
    codec === "8" ? items.filter(([k]) => k <= 0xff) : items;
  return {
    ...r,
    eventIoId: codec === "8" ? r.eventIoId & 0xff : r.eventIoId,
    io1: small(r.io1),
    io2: small(r.io2),
    io4: small(r.io4),
    io8: small(r.io8),
    ioX: [],
  };
}

describe("Teltonika round trips", () => {
  for (const codec of ["8", "8E", "16"] as const) {
    it(`codec ${codec}: every IO width survives encode → decode, and the answer is the record count (property)`, () => {
      fc.assert(
        fc.property(fc.array(record(codec), { minLength: 1, maxLength: 6 }), (records) => {
          const o = decodeTeltonikaFrame(buildAvlPacket(codec, records), { deviceId: IMEI });
          assert.ok(o.kind === "readings", o.kind === "rejected" ? o.rejection.detail : "");
          expectRecords(records, codec, o.readings);
          assert.deepEqual(o.ack, encodeRecordCountAck(records.length));
        }),
        { numRuns: 150 },
      );
    });
  }

  it("a corrupted CRC is rejected as bad_checksum (property)", () => {
    fc.assert(
      fc.property(record("8"), fc.integer({ min: 1, max: 0xffff }), (spec, flip) => {
        const packet = buildAvlPacket("8", [spec]);
        const view = new DataView(packet.buffer);
        view.setUint16(packet.length - 2, view.getUint16(packet.length - 2) ^ flip);
        const o = decodeTeltonikaFrame(packet, { deviceId: IMEI });
        assert.ok(o.kind === "rejected");
        assert.equal(o.rejection.reason, "bad_checksum");
      }),
    );
  });

  it("UDP: datagram → readings, identity and the 7-byte answer (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<AvlCodec>("8", "8E", "16"),
        fc.array(record("8E"), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xff }),
        (codec, all, packetId, avlPacketId) => {
          // The same records in each codec: 8 keeps ids below 256 and has no variable-length group.
          const records = all.map((r) => narrowed(r, codec));
          const o = decodeTeltonikaUdp(buildUdp(packetId, avlPacketId, IMEI, buildAvlData(codec, records)));
          assert.ok(o.kind === "readings", o.kind === "rejected" ? o.rejection.detail : "");
          assert.equal(o.identity, IMEI);
          expectRecords(records, codec, o.readings);
          assert.deepEqual(o.ack, encodeUdpAck(packetId, avlPacketId, records.length));
          const ack = Buffer.from(o.ack);
          assert.deepEqual(
            [ack.readUInt16BE(0), ack.readUInt16BE(2), ack[4], ack[5], ack[6]],
            [5, packetId, 1, avlPacketId, records.length],
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it("login: IMEI packet → identity; the answers are one byte", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{15}$/), (imei) => {
        const o = decodeTeltonikaFrame(buildLogin(imei));
        assert.ok(o.kind === "readings");
        assert.equal(o.identity, imei);
      }),
    );
    assert.deepEqual([...encodeLoginAnswer(true)], [1]);
    assert.deepEqual([...encodeLoginAnswer(false)], [0]);
  });

  it("record-count answer is 4 bytes big-endian (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        (n) => Buffer.from(encodeRecordCountAck(n)).readUInt32BE(0) === n,
      ),
    );
  });
});
