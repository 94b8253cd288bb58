/** Encode → decode round trips for every message the Jointech modules encode. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeJointechFrame,
  decodeLockStatus,
  encodeBaseTimeReply,
  encodeDynamicPasswordAck,
  encodeJointechCommand,
  encodeJt808,
  encodeJt808GeneralResponse,
  encodeJt808JointechResponse,
  encodeP35,
  encodeP69,
  encodeS20,
  encodeS39,
  encodeTimeSync,
  JT808,
  sealOf,
  tamperOf,
} from "../../../src/protocols/jointech/index.js";
import { parseJt808 } from "../../../src/protocols/jointech/jt808.js";
import { decodeLocationBlock, encodeLocationBlock } from "../../../src/protocols/jointech/location-block.js";
import { fromAscii } from "../../../src/protocols/bytes.js";
import { ascii } from "../support/corpus.js";
import { buildJointechLocationBody, buildLongFrame, type LocationSpec } from "../support/jointech-builder.js";

/** Splits a platform text command `(WORD,a,b)` back into its parts. */
function parseCommand(bytes: Uint8Array): string[] {
  const text = ascii(bytes);
  assert.match(text, /^\(.*\)$/);
  return text.slice(1, -1).split(",");
}

const seconds = fc
  .integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2099, 11, 31) / 1000 })
  .map((s) => s * 1000);
const location: fc.Arbitrary<LocationSpec> = fc.record({
  atMs: seconds,
  lat: fc.double({ min: -89.99, max: 89.99, noNaN: true }),
  lon: fc.double({ min: -179.99, max: 179.99, noNaN: true }),
  fix: fc.boolean(),
  speedKnots: fc.integer({ min: 0, max: 255 }),
  courseDeg: fc.integer({ min: 0, max: 179 }).map((c) => c * 2),
});
/** BCD minutes keep 1/10000 of a minute: 1/600000 of a degree. */
const COORDINATE_STEP = 1 / 600_000;

describe("Jointech round trips", () => {
  it("location block: encode then decode gives the same time, place, speed and course (property)", () => {
    fc.assert(
      fc.property(location, (loc) => {
        const bytes = new Uint8Array(17);
        encodeLocationBlock(bytes, 0, loc);
        const back = decodeLocationBlock(bytes, 0);
        assert.ok(typeof back !== "string", typeof back === "string" ? back : "");
        assert.equal(back.atMs, loc.atMs);
        assert.ok(Math.abs(back.lat - loc.lat) <= COORDINATE_STEP);
        assert.ok(Math.abs(back.lon - loc.lon) <= COORDINATE_STEP);
        assert.equal(back.fix, loc.fix);
        assert.equal(back.speedKmh, loc.speedKnots * 1.852);
        assert.equal(back.courseDeg, loc.courseDeg);
      }),
    );
  });

  it("long binary frame: records, lock status, battery and acknowledgement (property)", () => {
    const record = fc.record({
      atMs: seconds,
      lat: fc.double({ min: -89.99, max: 89.99, noNaN: true }),
      lon: fc.double({ min: -179.99, max: 179.99, noNaN: true }),
      fix: fc.boolean(),
      speedKnots: fc.integer({ min: 0, max: 255 }),
      courseDeg: fc.integer({ min: 0, max: 179 }).map((c) => c * 2),
      odometerKm: fc.nat(),
      satellites: fc.integer({ min: 0, max: 40 }),
      statusWord: fc.integer({ min: 0, max: 0x7fff }),
      battery: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constant(0xff)),
      cellId: fc.integer({ min: 0, max: 0xffff }),
      lac: fc.integer({ min: 0, max: 0xffff }),
      gsmSignal: fc.integer({ min: 0, max: 99 }),
    });
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 255 }),
        (records, serial) => {
          const outcome = decodeJointechFrame(buildLongFrame("8041300978", records, serial));
          assert.equal(outcome.kind, "readings", outcome.kind === "rejected" ? outcome.rejection.detail : "");
          if (outcome.kind !== "readings") return;
          assert.equal(outcome.readings.length, records.length);
          records.forEach((spec, i) => {
            const r = outcome.readings[i]!;
            const status = decodeLockStatus(spec.statusWord);
            assert.equal(r.deviceId, "8041300978");
            assert.equal(r.atMs, spec.atMs);
            assert.equal(r.seal, sealOf(status));
            assert.equal(r.tamper, tamperOf(status));
            assert.equal(r.batteryPct, spec.battery === 0xff ? undefined : spec.battery);
            assert.equal(r.position?.valid, spec.fix && !status.cellTowerPosition);
            assert.ok(r.vendor?.vendor === "jointech");
            assert.deepEqual(r.vendor.lockStatus, status);
            assert.equal(r.vendor.fields.odometerKm, spec.odometerKm);
          });
          const ackWanted = records.some((s) => decodeLockStatus(s.statusWord).ackRequired);
          assert.equal(ascii(outcome.ack), ackWanted ? "(P35)" : "");
        },
      ),
      { numRuns: 200 },
    );
  });

  it("JT701D frames (protocol 0x19) are answered (P69,0,serial)", () => {
    const spec = {
      atMs: Date.UTC(2024, 0, 2),
      lat: 1,
      lon: 2,
      fix: true,
      speedKnots: 0,
      courseDeg: 0,
      odometerKm: 0,
      satellites: 5,
      statusWord: 0x00c0,
      battery: 50,
      cellId: 1,
      lac: 1,
      gsmSignal: 9,
    };
    const outcome = decodeJointechFrame(buildLongFrame("8000620011", [spec], 86, 0x19));
    assert.equal(outcome.kind === "readings" && ascii(outcome.ack), "(P69,0,86)");
  });

  it("JT808 messages: encodeJt808 then parseJt808 gives the message back, escapes included (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.stringMatching(/^\d{12}$/),
        fc.integer({ min: 0, max: 0xffff }),
        fc.uint8Array({ maxLength: 200 }),
        (messageId, deviceId, serial, body) => {
          const oneByte = [
            JT808.locationJointech,
            JT808.locationJointechBlind,
            JT808.jointechResponse,
          ].includes(messageId as 0x5501);
          const frame = encodeJt808({
            messageId,
            deviceId,
            serial: oneByte ? serial & 0xff : serial,
            body,
            serialBytes: oneByte ? 1 : 2,
          });
          assert.equal(frame.indexOf(0x7e, 1), frame.length - 1, "an unescaped 0x7e inside");
          const parsed = parseJt808(frame, true);
          assert.ok("messageId" in parsed, JSON.stringify(parsed));
          assert.deepEqual(
            [parsed.messageId, parsed.deviceId, parsed.serial, [...parsed.body]],
            [messageId, deviceId, oneByte ? serial & 0xff : serial, [...body]],
          );
        },
      ),
    );
  });

  it("0x5501 built with the encoder decodes to the same reading and is answered 0x4401 (property)", () => {
    fc.assert(
      fc.property(
        location,
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: -32768, max: 32767 }),
        (loc, battery, tilt) => {
          const items = Uint8Array.of(0x0c, 6, (tilt >> 8) & 0xff, tilt & 0xff, 0, 1, 0x7e, 0x7d);
          const body = buildJointechLocationBody(loc, battery, items);
          const frame = encodeJt808({
            messageId: 0x5501,
            deviceId: "740190311185",
            serial: 9,
            serialBytes: 1,
            body,
            ackRequested: true,
          });
          const outcome = decodeJointechFrame(frame);
          assert.equal(outcome.kind, "readings", outcome.kind === "rejected" ? outcome.rejection.detail : "");
          if (outcome.kind !== "readings") return;
          const r = outcome.readings[0]!;
          assert.equal(r.atMs, loc.atMs);
          assert.equal(r.batteryPct, battery);
          assert.ok(Math.abs(r.position!.lat - loc.lat) <= COORDINATE_STEP);
          assert.ok(r.vendor?.vendor === "jointech");
          assert.deepEqual(
            [r.vendor.fields.tiltX, r.vendor.fields.tiltY, r.vendor.fields.tiltZ],
            [tilt, 1, 0x7e7d],
          );
          const ack = parseJt808(outcome.ack!, true);
          assert.ok("messageId" in ack);
          assert.deepEqual(
            [ack.messageId, ack.deviceId, [...ack.body]],
            [0x4401, "740190311185", [0x55, 0x01, 0]],
          );
        },
      ),
    );
  });

  it("0x8001 general response carries the answered serial and message id", () => {
    const parsed = parseJt808(encodeJt808GeneralResponse("794308010679", 312, 0x0200), true);
    assert.ok("messageId" in parsed);
    assert.deepEqual([parsed.messageId, [...parsed.body]], [0x8001, [0x01, 0x38, 0x02, 0x00, 0x00]]);
    const jointech = parseJt808(encodeJt808JointechResponse("740190311185", 0x5502), true);
    assert.ok("messageId" in jointech);
    assert.deepEqual([jointech.messageId, [...jointech.body]], [0x4401, [0x55, 0x02, 0]]);
  });

  it("text acknowledgements parse back to their parts", () => {
    assert.deepEqual(parseCommand(encodeP35()), ["P35"]);
    assert.deepEqual(parseCommand(encodeS39()), ["S39"]);
    assert.deepEqual(parseCommand(encodeS20()), ["S20"]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), (n) =>
        assert.deepEqual(parseCommand(encodeP69(n)), ["P69", "0", String(n)]),
      ),
    );
    assert.deepEqual(parseCommand(encodeDynamicPasswordAck("113271")), ["P52", "2", "113271"]);
  });

  it("a time request is answered with the time, which parses back to it (property)", () => {
    fc.assert(
      fc.property(seconds, (now) => {
        const outcome = decodeJointechFrame(fromAscii("(8000620011,P22,2)"), { nowMs: now });
        assert.ok(outcome.kind === "readings" && outcome.ack !== undefined);
        const [word, t] = parseCommand(outcome.ack);
        assert.equal(word, "P22");
        const n = (i: number): number => Number(t!.slice(i, i + 2));
        assert.equal(Date.UTC(2000 + n(4), n(2) - 1, n(0), n(6), n(8), n(10)), now);
        assert.deepEqual(outcome.ack, encodeTimeSync(now));
      }),
    );
    const base = encodeBaseTimeReply("(794104004140,1,001,BASE,2,TIME)", Date.UTC(2024, 1, 29, 23, 59, 58));
    assert.equal(ascii(base), "(794104004140,1,001,BASE,2,20240229235958)");
  });

  it("a dynamic password report is answered with the same password", () => {
    const outcome = decodeJointechFrame(fromAscii("(8000620011,P52,2,113271)"));
    assert.ok(outcome.kind === "readings");
    assert.equal(ascii(outcome.ack), "(P52,2,113271)");
  });

  it("remote unlock commands (P43 static, P52,3 dynamic) parse back, and the lock's answers decode as command results", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9#@!]{1,16}$/), (password) => {
        const s = encodeJointechCommand({ type: "unlockStaticPassword", password });
        const d = encodeJointechCommand({ type: "unlockDynamicPassword", password });
        assert.ok(s.kind === "encoded" && d.kind === "encoded");
        assert.deepEqual(parseCommand(s.bytes), ["P43", password]);
        assert.deepEqual(parseCommand(d.bytes), ["P52", "3", password]);
      }),
    );
    for (const answer of ["(8130630001,P43,1,0)", "(8130630001,P52,3,1,0)", "(8000620011,P22,1)"]) {
      const outcome = decodeJointechFrame(fromAscii(answer));
      assert.ok(outcome.kind === "readings");
      assert.equal(outcome.commandResult, answer);
      assert.equal(outcome.identity, answer.slice(1, answer.indexOf(",")));
    }
  });

  it("refuses to encode a password that would break the frame", () => {
    for (const password of ["", "12,34", "(1)", "a b", "x".repeat(17)]) {
      assert.equal(encodeJointechCommand({ type: "unlockStaticPassword", password }).kind, "refused");
    }
    assert.equal(encodeJointechCommand({ type: "setTimezone", offsetMinutes: 15 * 60 }).kind, "refused");
  });

  it("tracker commands parse back", () => {
    const enc = (c: Parameters<typeof encodeJointechCommand>[0]): string[] => {
      const e = encodeJointechCommand(c);
      assert.ok(e.kind === "encoded");
      return parseCommand(e.bytes);
    };
    assert.deepEqual(enc({ type: "engineStop" }), ["S07", "0"]);
    assert.deepEqual(enc({ type: "engineResume" }), ["S07", "1"]);
    assert.deepEqual(enc({ type: "setTimezone", offsetMinutes: -330 }), ["S09", "1", "-330"]);
    assert.deepEqual(enc({ type: "reboot" }), ["S17"]);
  });
});
