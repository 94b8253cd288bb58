import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeLockStatus,
  encodeLockStatus,
  LOCK_STATUS_BITS,
  sealOf,
  tamperOf,
} from "../../../src/protocols/jointech/lock-status.js";

describe("JT701 lock-status word", () => {
  it("names bits 0–14 in the vendor's order", () => {
    assert.deepEqual(LOCK_STATUS_BITS, [
      "cellTowerPosition",
      "enteredGeofence",
      "leftGeofence",
      "ropeCut",
      "vibration",
      "ackRequired",
      "ropeInserted",
      "motorLocked",
      "unlockAlarm",
      "fiveWrongPasswords",
      "illegalRfidCard",
      "lowBattery",
      "backCapOpened",
      "backCapClosed",
      "motorFault",
    ]);
  });

  LOCK_STATUS_BITS.forEach((name, bit) => {
    it(`bit ${bit} alone sets ${name} and nothing else`, () => {
      const status = decodeLockStatus(1 << bit);
      for (const other of LOCK_STATUS_BITS) assert.equal(status[other], other === name, other);
    });
  });

  it("ignores the reserved bit 15", () => {
    assert.ok(LOCK_STATUS_BITS.every((name) => !decodeLockStatus(0x8000)[name]));
  });

  it("round-trips every word", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0x7fff }),
        (word) => encodeLockStatus(decodeLockStatus(word)) === word,
      ),
    );
  });

  it("reads a real word: 0x20e0 is ack required, rope inserted, motor locked, back cap closed", () => {
    const s = decodeLockStatus(0x20e0);
    assert.deepEqual(
      LOCK_STATUS_BITS.filter((n) => s[n]),
      ["ackRequired", "ropeInserted", "motorLocked", "backCapClosed"],
    );
  });

  const cases: ReadonlyArray<[string, number, "closed" | "open", boolean]> = [
    ["rope inserted and motor locked", 0x00c0, "closed", false],
    ["rope inserted, motor unlocked", 0x0040, "open", false],
    ["motor locked, rope out", 0x0080, "open", false],
    ["neither", 0x0000, "open", false],
    ["locked but the rope cut", 0x00c8, "closed", true],
    ["locked but the back cap opened", 0x10c0, "closed", true],
    ["rope cut and back cap opened, unlocked", 0x1008, "open", true],
  ];
  for (const [label, word, seal, tamper] of cases) {
    it(`${label}: seal ${seal}, tamper ${tamper}`, () => {
      const s = decodeLockStatus(word);
      assert.equal(sealOf(s), seal);
      assert.equal(tamperOf(s), tamper);
    });
  }
});
