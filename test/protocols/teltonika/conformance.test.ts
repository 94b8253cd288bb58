/**
 * The Teltonika conformance corpus (test/fixtures/conformance/teltonika-frames.tsv, 52 real frames):
 * every row has an expected outcome here.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { NormalizedReading } from "../../../src/core/domain/reading.js";
import { plausibilityProblems } from "../../../src/protocols/plausibility.js";
import type { DecodeOutcome, RejectionReason } from "../../../src/protocols/protocol.js";
import {
  crc16Ibm,
  decodeTeltonikaFrame,
  decodeTeltonikaUdp,
} from "../../../src/protocols/teltonika/index.js";
import { hexBytes, readCorpus, REFERENCE_NOW_MS } from "../support/corpus.js";

const rows = readCorpus("teltonika-frames.tsv");
const IMEI = "356307042441013";

/** Frames of codecs we do not read: rejected `unsupported` (or first for their damage). */
const UNSUPPORTED: Readonly<Record<number, RejectionReason>> = {
  6: "unsupported", // codec 13, GPRS command answer (driver id): not read
  15: "bad_checksum", // codec 13 whose CRC is wrong
  16: "unsupported", // codec 13
  17: "unsupported", // codec 12
  18: "unsupported", // codec 12
  21: "bad_checksum", // codec 16 whose CRC is wrong
  31: "unsupported", // codec 12
  32: "unsupported", // codec 7 (GH3000)
  37: "malformed", // codec 7, one byte short of its length
  38: "unsupported", // codec 7
  40: "unsupported", // codec 12
  49: "unsupported", // codec 12 (photo)
  50: "bad_checksum", // codec 12 whose CRC is wrong
  51: "bad_checksum", // codec 12 (photo chunk) whose CRC is wrong
};

/**
 * Codec 8 frames that fail their integrity checks. Row 29 is the one the source test comments as
 * "invalid length and checksum" (both zero); rows 23 and 41 carry a CRC that does not match (41
 * also a wrong length), and row 34 is two bytes short. We reject them; with verification off, the
 * first three read (row 34 cannot: its data runs into the missing bytes).
 */
const DAMAGED: Readonly<Record<number, { reason: RejectionReason; readableUnverified: boolean }>> = {
  23: { reason: "bad_checksum", readableUnverified: true },
  29: { reason: "malformed", readableUnverified: true },
  34: { reason: "malformed", readableUnverified: false },
  41: { reason: "malformed", readableUnverified: true },
};

/** A BLE tag parameter from the 8E variable-length element that carries tags (ids 548, 10831, …). */
function bleTagParameter(hex: string, tag: number, parameter: number): Uint8Array | undefined {
  const data = hexBytes(hex);
  let o = 1; // header
  for (let t = 1; o < data.length; t++) {
    const end = o + 1 + data[o]!;
    for (let p = o + 1; p < end; p += 2 + data[p + 1]!) {
      if (t === tag && data[p] === parameter) return data.subarray(p + 2, p + 2 + data[p + 1]!);
    }
    o = end;
  }
  return undefined;
}

const ioOf = (o: DecodeOutcome): Readonly<Record<number, number | bigint | string>> => {
  assert.ok(o.kind === "readings");
  const v = o.readings[0]?.vendor;
  assert.ok(v?.vendor === "teltonika");
  return v.io;
};

/** The attribute values the source test asserts, recomputed from our raw IO elements. */
const ASSERTED: Readonly<Record<number, (o: DecodeOutcome) => void>> = {
  // tag1Voltage: flags byte bit 7 set, then (voltage − 2000) / 10
  3: (o) => {
    const p = bleTagParameter(ioOf(o)[548] as string, 1, 2)!;
    assert.equal(p[0]! & 0x80, 0x80);
    assert.equal(p[1]! * 10 + 2000, 3090);
  },
  // tag1Battery: parameter 14, u16
  5: (o) => {
    const p = bleTagParameter(ioOf(o)[10831] as string, 1, 14)!;
    assert.equal((p[0]! << 8) | p[1]!, 3030);
  },
  // eyeTemp1: IO 10800, a signed 16-bit value in 1/100 °C
  45: (o) => assert.equal((((ioOf(o)[10800] as number) << 16) >> 16) / 100, -11.87),
};

function assertPlausible(readings: readonly NormalizedReading[]): void {
  for (const r of readings) assert.deepEqual(plausibilityProblems(r, REFERENCE_NOW_MS), []);
}

describe("Teltonika conformance corpus", () => {
  it("holds 52 rows", () => assert.equal(rows.length, 52));

  for (const r of rows) {
    const n = Number(r.row);
    const frame = hexBytes(r.frame_hex!);
    const label = `row ${n} ${r.codec} ${r.assertion}${r.note ? ` (${r.note})` : ""}`;

    if (r.codec === "imei-login") {
      it(`${label}: announces the IMEI, no reading`, () => {
        const o = decodeTeltonikaFrame(frame);
        assert.ok(o.kind === "readings");
        assert.deepEqual([o.identity, o.readings.length, o.ack], ["123456789012345", 0, undefined]);
      });
    } else if (r.codec === "other") {
      it(`${label}: the 0xff keep-alive decodes to nothing`, () => {
        const o = decodeTeltonikaFrame(frame);
        assert.ok(o.kind === "readings");
        assert.equal(o.readings.length, 0);
      });
    } else if (r.transport === "udp") {
      it(`${label}: the UDP datagram decodes, carries its IMEI, and is acknowledged`, () => {
        const o = decodeTeltonikaUdp(frame);
        assert.ok(o.kind === "readings", o.kind === "rejected" ? o.rejection.detail : "");
        assert.equal(o.identity, "357454072713975");
        assert.ok(o.readings.length > 0);
        assertPlausible(o.readings);
        assert.equal(Buffer.from(o.ack!).toString("hex"), "0005cafe012201");
      });
    } else if (n in UNSUPPORTED) {
      it(`${label}: rejected as ${UNSUPPORTED[n]}`, () => {
        const o = decodeTeltonikaFrame(frame, { deviceId: IMEI });
        assert.ok(o.kind === "rejected");
        assert.equal(o.rejection.reason, UNSUPPORTED[n]);
      });
    } else if (n in DAMAGED) {
      const d = DAMAGED[n]!;
      it(`${label}: rejected as ${d.reason}; ${d.readableUnverified ? "reads" : "still unreadable"} with verification off`, () => {
        const strict = decodeTeltonikaFrame(frame, { deviceId: IMEI });
        assert.ok(strict.kind === "rejected");
        assert.equal(strict.rejection.reason, d.reason);
        const lenient = decodeTeltonikaFrame(frame, { deviceId: IMEI, verifyCrc: false });
        if (d.readableUnverified) {
          assert.ok(lenient.kind === "readings", lenient.kind === "rejected" ? lenient.rejection.detail : "");
          assert.ok(lenient.readings.length > 0);
          assertPlausible(lenient.readings);
        } else {
          assert.equal(lenient.kind, "rejected");
        }
      });
    } else {
      it(`${label}: decodes to plausible readings with the CRC checked, and is acknowledged with the count`, () => {
        assert.match(r.codec!, /^(8E?|16)$/);
        const dataEnd = frame.length - 4;
        assert.equal(
          crc16Ibm(frame, 8, dataEnd),
          new DataView(frame.buffer).getUint32(dataEnd),
          "corpus CRC",
        );
        const o = decodeTeltonikaFrame(frame, { deviceId: IMEI });
        assert.ok(o.kind === "readings", o.kind === "rejected" ? o.rejection.detail : "");
        assert.equal(o.readings.length, frame[9]);
        for (const reading of o.readings) {
          assert.equal(reading.deviceId, IMEI);
          assert.ok(reading.vendor?.vendor === "teltonika");
          assert.equal(reading.vendor.codec, r.codec);
        }
        assertPlausible(o.readings);
        assert.equal(Buffer.from(o.ack!).readUInt32BE(0), o.readings.length);
        ASSERTED[n]?.(o);
      });
    }
  }

  it("refuses AVL data before an IMEI login", () => {
    const o = decodeTeltonikaFrame(hexBytes(rows[1]!.frame_hex!));
    assert.ok(o.kind === "rejected");
    assert.equal(o.rejection.reason, "unknown_device");
  });

  it("has every asserted attribute checked", () => {
    for (const r of rows) {
      if (r.asserted_by_test !== "")
        assert.ok(Number(r.row) in ASSERTED || Number(r.row) in UNSUPPORTED, `row ${r.row}`);
    }
  });
});
