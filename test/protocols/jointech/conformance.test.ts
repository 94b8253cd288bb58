/**
 * The Jointech conformance corpus (test/fixtures/conformance/jt600-frames.tsv, 79 real frames): every
 * row is accounted for here, as decoded, framed, encoded, or unsupported with a reason.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { NormalizedReading } from "../../../src/core/domain/reading.js";
import {
  createJointechFramer,
  decodeJointechFrame,
  encodeJointechCommand,
  type JointechCommand,
} from "../../../src/protocols/jointech/index.js";
import { parseJt808 } from "../../../src/protocols/jointech/jt808.js";
import { plausibilityProblems } from "../../../src/protocols/plausibility.js";
import type { DecodeOutcome } from "../../../src/protocols/protocol.js";
import {
  ascii,
  hexBytes,
  jointechFrame,
  readCorpus,
  REFERENCE_NOW_MS,
  type CorpusRow,
} from "../support/corpus.js";

const rows = readCorpus("jt600-frames.tsv");
const byNumber = new Map(rows.map((r) => [Number(r.row), r]));

/** Rows of other vendors' protocols, which Sealwatch does not implement. */
const UNSUPPORTED: Readonly<Record<number, string>> = {
  71: "eSeal CT-C e-seal (##S,…,E## text protocol): another vendor, not implemented",
  72: "eSeal CT-C e-seal: another vendor, not implemented",
  73: "eSeal CT-C e-seal: another vendor, not implemented",
  74: "eSeal CT-C e-seal: another vendor, not implemented",
  75: "eSeal CT-C e-seal: another vendor, not implemented",
  76: "eSeal CT-C e-seal: another vendor, not implemented",
  77: "eSeal CT-C downlink command: another vendor, not implemented",
  78: "TeraTrack JSON e-lock protocol: another vendor, not implemented",
  79: "TeraTrack JSON e-lock protocol: another vendor, not implemented",
};

/**
 * Rows whose frame is read (position and plausibility checked) but whose asserted attribute comes
 * from another vendor's JT808 extension item, which is kept raw (hex) rather than interpreted.
 */
const OTHER_VENDOR_ATTRIBUTES: Readonly<Record<number, { reason: string; rawItem: string }>> = {
  61: {
    reason: "HHD LoRa padlock item 0x60 (driverUniqueId) is another vendor's extension",
    rawItem: "item0x60",
  },
  62: {
    reason: "HHD LoRa padlock item 0x63 (lock2Battery) is another vendor's extension",
    rawItem: "item0x63",
  },
  65: { reason: "A1L808 lock item 0xd5 (lock1Locked) is another vendor's extension", rawItem: "item0xd5" },
};

/** Rows whose checksum is wrong: rejected by default, readable when verification is off. */
const CHECKSUM_FAILURES: Readonly<Record<number, string>> = {
  59: "JT808 XOR checksum 0x1b where the frame's bytes give 0x86",
};

/** Downlink commands of the encoder rows. */
const ENCODER_ROWS: Readonly<Record<number, JointechCommand>> = {
  53: { type: "engineStop" },
  54: { type: "engineResume" },
  55: { type: "setTimezone", offsetMinutes: 240 },
  56: { type: "reboot" },
};

/** Every exact value a row asserts, checked on the first reading (or the outcome). */
const ASSERTED: Readonly<Record<number, (outcome: DecodeOutcome & { kind: "readings" }) => void>> = {
  2: (o) => assert.equal(first(o).vendor?.vendor === "jointech" && fields(o).temperatureC, 27.5),
  31: (o) => position(o, "2011-02-16T05:59:10.000Z", true, 22.54977, -114.07705),
  35: (o) => position(o, "2011-05-04T06:37:36.000Z", true, 22.54994, 114.07701),
  57: (o) => assert.equal(first(o).batteryPct, 100),
  58: (o) => assert.equal(fields(o).unlockResult, 0x65),
  63: (o) => assert.deepEqual([fields(o).tiltX, fields(o).tiltY, fields(o).tiltZ], [-104, -88, 126]),
  66: (o) => assert.equal(fields(o).charging, true),
  67: (o) => assert.equal(o.commandResult, "(740190311185,1,001,ELOCK,3,529439)"),
};

/** Acknowledgements: named in the corpus (rows 3, 5) or required by the vendor's manual. */
const ACKS: Readonly<Record<number, string>> = {
  1: "(P69,0,115)",
  3: "(P69,0,0)",
  4: "(P35)",
  5: "(P69,0,9)",
  6: "(P69,0,110)",
  21: "(S39)",
  25: "(S20)",
  64: "(794104004140,1,001,BASE,2,20260601000000)",
};

function first(o: DecodeOutcome & { kind: "readings" }): NormalizedReading {
  const r = o.readings[0];
  assert.ok(r !== undefined, "no reading");
  return r;
}

function fields(
  o: DecodeOutcome & { kind: "readings" },
): Readonly<Record<string, string | number | boolean>> {
  const v = first(o).vendor;
  assert.ok(v?.vendor === "jointech");
  return v.fields;
}

function position(
  o: DecodeOutcome & { kind: "readings" },
  time: string,
  valid: boolean,
  lat: number,
  lon: number,
): void {
  for (const r of o.readings) {
    assert.equal(new Date(r.atMs).toISOString(), time);
    assert.equal(r.position?.valid, valid);
    assert.ok(Math.abs(r.position.lat - lat) <= 1e-5, `lat ${r.position.lat} vs ${lat}`);
    assert.ok(Math.abs(r.position.lon - lon) <= 1e-5, `lon ${r.position.lon} vs ${lon}`);
  }
}

function decode(row: CorpusRow, verifyChecksum = true): DecodeOutcome {
  return decodeJointechFrame(jointechFrame(row), { nowMs: REFERENCE_NOW_MS, verifyChecksum });
}

function expectReadings(outcome: DecodeOutcome): asserts outcome is DecodeOutcome & { kind: "readings" } {
  assert.equal(outcome.kind, "readings", outcome.kind === "rejected" ? outcome.rejection.detail : "");
}

function assertPlausible(readings: readonly NormalizedReading[]): void {
  for (const r of readings) assert.deepEqual(plausibilityProblems(r, REFERENCE_NOW_MS), []);
}

const isDecoderRow = (r: CorpusRow): boolean =>
  r.decoder === "Jt600ProtocolDecoder" || r.decoder === "Jt808ProtocolDecoder";
const isFramerRow = (r: CorpusRow): boolean =>
  r.decoder === "Jt600FrameDecoder" || r.decoder === "Jt808FrameDecoder";

describe("Jointech conformance corpus", () => {
  it("holds 79 rows, each accounted for exactly once", () => {
    assert.equal(rows.length, 79);
    for (const r of rows) {
      const n = Number(r.row);
      const kinds = [isDecoderRow(r), isFramerRow(r), n in ENCODER_ROWS, n in UNSUPPORTED].filter(Boolean);
      assert.equal(kinds.length, 1, `row ${n} (${r.decoder}) falls in ${kinds.length} categories`);
    }
    for (const n of Object.keys(UNSUPPORTED).map(Number)) {
      assert.match(byNumber.get(n)!.decoder!, /^(Eseal|TeraTrack)/, `row ${n} listed as unsupported`);
    }
  });

  it("has an exact check for every row that asserts a value", () => {
    for (const r of rows.filter(isDecoderRow)) {
      const n = Number(r.row);
      const exact = !/implicit checks only|returns null/.test(r.asserted_by_test!);
      if (exact)
        assert.ok(n in ASSERTED || n in OTHER_VENDOR_ATTRIBUTES, `row ${n} asserts ${r.asserted_by_test}`);
    }
  });

  for (const r of rows.filter(isDecoderRow)) {
    const n = Number(r.row);
    const label = `row ${n} ${r.assertion}: ${r.frame!.slice(0, 40)}`;
    if (n in CHECKSUM_FAILURES) {
      it(`${label} is rejected for its checksum (${CHECKSUM_FAILURES[n]}) and reads when verification is off`, () => {
        const strict = decode(r);
        assert.equal(strict.kind, "rejected");
        assert.equal(strict.kind === "rejected" && strict.rejection.reason, "bad_checksum");
        const lenient = decode(r, false);
        expectReadings(lenient);
        assert.equal(lenient.readings.length, 1);
        assertPlausible(lenient.readings);
      });
      continue;
    }
    it(label, () => {
      const outcome = decode(r);
      expectReadings(outcome);
      if (r.assertion === "verifyNull") {
        assert.equal(outcome.readings.length, 0);
      } else {
        assert.ok(outcome.readings.length > 0 || outcome.commandResult !== undefined, "no reading");
        if (r.assertion === "verifyPosition") assert.equal(outcome.readings.length, 1);
        for (const reading of outcome.readings)
          assert.ok(reading.position !== undefined, "reading without a position");
        assertPlausible(outcome.readings);
      }
      ASSERTED[n]?.(outcome);
      const other = OTHER_VENDOR_ATTRIBUTES[n];
      if (other !== undefined)
        assert.ok(other.rawItem in fields(outcome), `${other.reason}: kept raw as ${other.rawItem}`);
      if (n in ACKS) assert.equal(ascii(outcome.ack), ACKS[n]);
    });
  }

  it("answers the JT709A 0x5501 (bit 15 set) with 0x4401 and the 0x0200 with 0x8001", () => {
    const a = decode(byNumber.get(58)!);
    expectReadings(a);
    const ack = parseJt808(a.ack!, true);
    assert.ok("messageId" in ack);
    assert.deepEqual(
      [ack.messageId, ack.deviceId, [...ack.body]],
      [0x4401, "856009001017", [0x55, 0x01, 0x00]],
    );
    const b = decode(byNumber.get(57)!);
    expectReadings(b);
    const ack2 = parseJt808(b.ack!, true);
    assert.ok("messageId" in ack2);
    assert.deepEqual(
      [ack2.messageId, ack2.deviceId, [...ack2.body]],
      [0x8001, "794308010679", [0x01, 0x38, 0x02, 0x00, 0x00]],
    );
  });

  for (const r of rows.filter(isFramerRow)) {
    const n = Number(r.row);
    it(`row ${n} frames as the reference framer does`, () => {
      const input = jointechFrame(r);
      const expected = /output_frame=([0-9a-fA-F]+)/.exec(r.asserted_by_test!)![1]!;
      const out = createJointechFramer().push(input);
      const frame = out[0];
      assert.equal(frame?.kind, "frame");
      if (/escape-decoded/.test(r.asserted_by_test!)) {
        // Our framer keeps the wire bytes (escapes included) as evidence; the decoder undoes them,
        // so the readings equal those of the reference framer's unescaped output.
        assert.deepEqual(frame.frame, input);
        const ours = decodeJointechFrame(frame.frame);
        const theirs = decodeJointechFrame(hexBytes(expected));
        expectReadings(ours);
        expectReadings(theirs);
        assert.deepEqual(
          ours.readings.map(({ raw: _raw, ...rest }) => rest),
          theirs.readings.map(({ raw: _raw, ...rest }) => rest),
        );
      } else {
        assert.equal(Buffer.from(frame.frame).toString("hex"), expected.toLowerCase());
      }
      if (/first frame only/.test(r.asserted_by_test!)) {
        assert.equal(out.filter((o) => o.kind === "frame").length, 3);
      }
    });
  }

  for (const [n, command] of Object.entries(ENCODER_ROWS)) {
    it(`row ${n}: the encoder produces ${byNumber.get(Number(n))!.frame}`, () => {
      const encoded = encodeJointechCommand(command);
      assert.equal(encoded.kind, "encoded");
      assert.equal(encoded.kind === "encoded" && ascii(encoded.bytes), byNumber.get(Number(n))!.frame);
    });
  }

  for (const [n, reason] of Object.entries(UNSUPPORTED)) {
    it(`row ${n} is unsupported (${reason}) and is rejected, not thrown`, () => {
      const r = byNumber.get(Number(n))!;
      const outcome = decodeJointechFrame(jointechFrame(r));
      assert.equal(outcome.kind, "rejected");
    });
  }
});
