import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  SEAL_ID_MAX_LENGTH,
  validateSealIdentifier,
  validateSealIdentifiers,
} from "../../../src/core/identifiers/index.js";

const NCTS_WARNING = (n: number): string =>
  `${n} characters is longer than NCTS P5 Seal.identifier allows (20)`;
const DCSA_WARNING = (n: number): string => `${n} characters is longer than DCSA seals[].number allows (15)`;

describe("validateSealIdentifier", () => {
  it("accepts seal numbers as marked, trimming only the ends", () => {
    assert.deepEqual(validateSealIdentifier("ZJ-2024-000187"), { ok: true, value: "ZJ-2024-000187" });
    assert.deepEqual(validateSealIdentifier("  ABC 123  "), { ok: true, value: "ABC 123" });
    // Case is kept: the number must match what the device or officer reports.
    assert.deepEqual(validateSealIdentifier("abc123"), { ok: true, value: "abc123" });
    assert.deepEqual(validateSealIdentifier("Ü-Плом-7"), { ok: true, value: "Ü-Плом-7" });
  });

  it("accepts exactly 15, warns above 15 and above 20, rejects above 35", () => {
    assert.deepEqual(validateSealIdentifier("A".repeat(15)), { ok: true, value: "A".repeat(15) });
    assert.deepEqual(validateSealIdentifier("A".repeat(16)), {
      ok: true,
      value: "A".repeat(16),
      warnings: [DCSA_WARNING(16)],
    });
    assert.deepEqual(validateSealIdentifier("A".repeat(21)), {
      ok: true,
      value: "A".repeat(21),
      warnings: [NCTS_WARNING(21), DCSA_WARNING(21)],
    });
    assert.equal(validateSealIdentifier("A".repeat(SEAL_ID_MAX_LENGTH)).ok, true);
    assert.deepEqual(validateSealIdentifier("A".repeat(36)), {
      ok: false,
      reason: "must be at most 35 characters, got 36",
    });
  });

  it("counts characters as code points, not UTF-16 units", () => {
    const emojiSeal = "🔒".repeat(35);
    assert.equal(emojiSeal.length, 70);
    assert.equal(validateSealIdentifier(emojiSeal).ok, true);
  });

  const rejections: readonly [unknown, string][] = [
    ["", "is empty"],
    [" \t ", "is empty"],
    [
      "AB\tC",
      "character U+0009 at position 3 is not allowed; only visible characters and the plain space are",
    ],
    [
      "AB\u00a0C",
      "character U+00A0 at position 3 is not allowed; only visible characters and the plain space are",
    ],
    [
      "AB\u200bC",
      "character U+200B at position 3 is not allowed; only visible characters and the plain space are",
    ],
    [
      "AB\nC",
      "character U+000A at position 3 is not allowed; only visible characters and the plain space are",
    ],
    [123456, "must be a string, got number"],
    [null, "must be a string, got null"],
  ];
  for (const [input, reason] of rejections) {
    it(`rejects ${JSON.stringify(input)}: ${reason}`, () => {
      assert.deepEqual(validateSealIdentifier(input), { ok: false, reason });
    });
  }

  it("rejects a lone surrogate", () => {
    assert.equal(validateSealIdentifier("AB\ud800C").ok, false);
  });

  it("returns a trimmed value of 1–35 characters for any string it accepts", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (text) => {
        const result = validateSealIdentifier(text);
        if (result.ok) {
          const length = [...result.value].length;
          assert.ok(length >= 1 && length <= 35);
          assert.equal(result.value, result.value.trim());
        }
      }),
    );
  });
});

describe("validateSealIdentifiers (NCTS rule R0107)", () => {
  it("accepts distinct seals and returns their normalised values", () => {
    assert.deepEqual(validateSealIdentifiers(["S1", " S2 ", "s1"]), { ok: true, value: ["S1", "S2", "s1"] });
    assert.deepEqual(validateSealIdentifiers([]), { ok: true, value: [] });
  });

  it("rejects a seal repeated after normalisation", () => {
    assert.deepEqual(validateSealIdentifiers(["S1", "S2", " S1"]), {
      ok: false,
      reason:
        'seal 3 repeats seal 1 ("S1"); seal identifiers must be unique within a declaration (NCTS rule R0107)',
    });
  });

  it("names the seal that is invalid", () => {
    assert.deepEqual(validateSealIdentifiers(["S1", ""]), { ok: false, reason: "seal 2: is empty" });
    assert.deepEqual(validateSealIdentifiers("S1"), { ok: false, reason: "must be an array, got string" });
  });

  it("names the seal each warning is about", () => {
    assert.deepEqual(validateSealIdentifiers(["S1", "B".repeat(16)]), {
      ok: true,
      value: ["S1", "B".repeat(16)],
      warnings: [`seal 2: ${DCSA_WARNING(16)}`],
    });
  });
});
