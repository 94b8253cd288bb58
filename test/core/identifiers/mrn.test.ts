import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  MRN_REMAINDER_TEN_WARNING,
  iso6346CharValue,
  iso6346WeightedSum,
  mrnCheckCharacter,
  validateMrn,
} from "../../../src/core/identifiers/index.js";

// standards.md §5.3, every row of the vector table.
const VECTORS: readonly {
  input: string;
  sum: number;
  remainder: number;
  expect: "valid" | { reason: string };
}[] = [
  { input: "06DE586600006143E1", sum: 1181324, remainder: 1, expect: "valid" },
  { input: "22ITZXBZYUTJFLJXK6", sum: 3243818, remainder: 6, expect: "valid" },
  {
    input: "22DK1V0QQK2S6J7TU2",
    sum: 3502390,
    remainder: 1,
    expect: { reason: "check character is 2, expected 1" },
  },
  {
    input: "22GB02I89012847596",
    sum: 943786,
    remainder: 8,
    expect: { reason: "check character is 6, expected 8" },
  },
];

describe("validateMrn: standards.md vectors", () => {
  for (const v of VECTORS) {
    const outcome = v.expect === "valid" ? "valid" : v.expect.reason;
    it(`${v.input}: sum ${v.sum}, remainder ${v.remainder}, ${outcome}`, () => {
      assert.equal(iso6346WeightedSum(v.input.slice(0, 17)), v.sum);
      assert.equal(mrnCheckCharacter(v.input.slice(0, 17))?.remainder, v.remainder);
      const result = validateMrn(v.input);
      assert.deepEqual(
        result,
        v.expect === "valid" ? { ok: true, value: v.input } : { ok: false, reason: v.expect.reason },
      );
    });
  }

  it("accepts the corrected form 22DK1V0QQK2S6J7TU1", () => {
    assert.deepEqual(validateMrn("22DK1V0QQK2S6J7TU1"), { ok: true, value: "22DK1V0QQK2S6J7TU1" });
  });
});

describe("validateMrn: normalisation and edge cases", () => {
  it("upper-cases and strips whitespace", () => {
    assert.deepEqual(validateMrn(" 22itzxbzyutjfljxk6 "), { ok: true, value: "22ITZXBZYUTJFLJXK6" });
    assert.deepEqual(validateMrn("22 IT ZXBZYUTJFLJX K 6"), { ok: true, value: "22ITZXBZYUTJFLJXK6" });
  });

  it("warns when the check character comes from remainder 10", () => {
    // Search the first few serials of a fixed prefix for one whose remainder is 10.
    let body = "";
    for (let n = 0; n < 1000 && body === ""; n++) {
      const candidate = `24DE${String(n).padStart(12, "0")}J`;
      if (mrnCheckCharacter(candidate)?.remainder === 10) body = candidate;
    }
    assert.notEqual(body, "");
    assert.deepEqual(validateMrn(`${body}0`), {
      ok: true,
      value: `${body}0`,
      warnings: [MRN_REMAINDER_TEN_WARNING],
    });
  });

  const rejections: readonly [unknown, string][] = [
    ["", "is empty"],
    ["22ITZXBZYUTJFLJXK", "must be 18 characters, got 17"],
    ["22ITZXBZYUTJFLJXK66", "must be 18 characters, got 19"],
    ["22IT-ZXBZYUTJFLJXK6", 'character "-" at position 5 is not an ASCII letter or digit'],
    ["2XITZXBZYUTJFLJXK6", 'year (positions 1–2) must be 2 digits, got "2X"'],
    ["2212ZXBZYUTJFLJXK6", 'country code (positions 3–4) must be 2 letters, got "12"'],
    ["22ITZXBZYUTJFLJXKA", 'check character must be a digit, got "A"'],
    [42, "must be a string, got number"],
    [{}, "must be a string, got object"],
  ];
  for (const [input, reason] of rejections) {
    it(`rejects ${JSON.stringify(input)}: ${reason}`, () => {
      assert.deepEqual(validateMrn(input), { ok: false, reason });
    });
  }

  it("computes no check character for a malformed body", () => {
    for (const body of ["22ITZXBZYUTJFLJX", "X2ITZXBZYUTJFLJXK", "22I1ZXBZYUTJFLJXK", "22itZXBZYUTJFLJXK"]) {
      assert.equal(mrnCheckCharacter(body), undefined, body);
    }
  });
});

const upper = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ");
const digit = fc.constantFrom(..."0123456789");
const alnum = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
const join = (chars: string[]): string => chars.join("");
const mrnBody = fc
  .tuple(
    fc.array(digit, { minLength: 2, maxLength: 2 }).map(join),
    fc.array(upper, { minLength: 2, maxLength: 2 }).map(join),
    fc.array(alnum, { minLength: 13, maxLength: 13 }).map(join),
  )
  .map(([year, country, national]) => year + country + national);

function complete(body: string): { mrn: string; remainder: number } {
  const check = mrnCheckCharacter(body);
  assert.ok(check !== undefined);
  return { mrn: body + String(check.digit), remainder: check.remainder };
}

describe("validateMrn: properties", () => {
  it("accepts every body with its computed check character, warning exactly on remainder 10", () => {
    fc.assert(
      fc.property(mrnBody, (body) => {
        const { mrn, remainder } = complete(body);
        const result = validateMrn(mrn);
        assert.equal(result.ok, true);
        if (result.ok) {
          assert.equal(result.value, mrn);
          assert.deepEqual(result.warnings, remainder === 10 ? [MRN_REMAINDER_TEN_WARNING] : undefined);
        }
      }),
    );
  });

  // As for container numbers, a substitution goes unseen only when the two characters' values are
  // congruent mod 11 or the remainder moves between 0 and 10. In the MRN's free-form positions 5–17
  // that includes digit/letter pairs (1 and B are 1 and 12), so the blind spot is wider than in
  // container numbers: a mod-11 check was designed for the ISO 6346 layout, not for an13 text.
  it("rejects every single-character substitution except the documented blind spots", () => {
    fc.assert(
      fc.property(mrnBody, fc.nat(17), alnum, (body, position, replacement) => {
        const { mrn, remainder } = complete(body);
        const original = mrn.charAt(position);
        fc.pre(replacement !== original);
        const changed = mrn.slice(0, position) + replacement + mrn.slice(position + 1);
        const result = validateMrn(changed);
        if (!/^[0-9]{2}[A-Z]{2}[A-Z0-9]{13}[0-9]$/.test(changed)) {
          assert.equal(result.ok, false);
          return;
        }
        let blindSpot = false;
        if (position < 17) {
          const delta = (iso6346CharValue(replacement) ?? NaN) - (iso6346CharValue(original) ?? NaN);
          const newRemainder = (((remainder + delta * 2 ** position) % 11) + 11) % 11;
          blindSpot = delta % 11 === 0 || (remainder % 10 === 0 && newRemainder % 10 === 0);
        }
        assert.equal(result.ok, blindSpot, `${mrn} -> ${changed}`);
      }),
      { numRuns: 2000 },
    );
  });

  it("shows the digit/letter blind spot with a concrete pair", () => {
    const { mrn } = complete("22ITZXBZYUTJFLJ1K");
    assert.equal(validateMrn(mrn).ok, true);
    assert.equal(validateMrn(mrn.slice(0, 15) + "B" + mrn.slice(16)).ok, true);
  });
});
