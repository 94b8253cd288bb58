import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  REMAINDER_TEN_WARNING,
  containerCheckDigit,
  iso6346CharValue,
  iso6346WeightedSum,
  validateContainerNumber,
} from "../../../src/core/identifiers/index.js";

// standards.md §2, every row of the vector table.
const VECTORS: readonly {
  input: string;
  sum: number;
  remainder: number;
  expect: "valid" | "warn" | { reason: string };
}[] = [
  { input: "CSQU3054383", sum: 6185, remainder: 3, expect: "valid" },
  { input: "APZU4812090", sum: 5720, remainder: 0, expect: "valid" },
  { input: "MSKU9070323", sum: 2808, remainder: 3, expect: "valid" },
  { input: "BICU1234565", sum: 5494, remainder: 5, expect: "valid" },
  { input: "CSQJ3054386", sum: 6089, remainder: 6, expect: "valid" },
  { input: "CSQU0000070", sum: 4025, remainder: 10, expect: "warn" },
  { input: "CSQU3054384", sum: 6185, remainder: 3, expect: { reason: "check digit is 4, expected 3" } },
  { input: "MSCU6639871", sum: 7656, remainder: 0, expect: { reason: "check digit is 1, expected 0" } },
  { input: "CSQJ3054381", sum: 6089, remainder: 6, expect: { reason: "check digit is 1, expected 6" } },
];

describe("ISO 6346 character values", () => {
  it("match the table in standards.md §2", () => {
    const table =
      "A10 B12 C13 D14 E15 F16 G17 H18 I19 J20 K21 L23 M24 N25 O26 P27 Q28 R29 S30 T31 U32 V34 W35 X36 Y37 Z38";
    for (const entry of table.split(" ")) {
      assert.equal(iso6346CharValue(entry.slice(0, 1)), Number(entry.slice(1)), entry);
    }
    for (let d = 0; d <= 9; d++) assert.equal(iso6346CharValue(String(d)), d);
  });

  it("have no value for anything else", () => {
    for (const ch of ["a", "-", " ", "", "AB", "ı"]) assert.equal(iso6346CharValue(ch), undefined, ch);
  });
});

describe("validateContainerNumber: standards.md vectors", () => {
  for (const v of VECTORS) {
    const outcome = typeof v.expect === "string" ? v.expect : v.expect.reason;
    it(`${v.input}: sum ${v.sum}, remainder ${v.remainder}, ${outcome}`, () => {
      assert.equal(iso6346WeightedSum(v.input.slice(0, 10)), v.sum);
      assert.equal(containerCheckDigit(v.input.slice(0, 10))?.remainder, v.remainder);
      const result = validateContainerNumber(v.input);
      if (v.expect === "valid") {
        assert.deepEqual(result, { ok: true, value: v.input });
      } else if (v.expect === "warn") {
        assert.deepEqual(result, { ok: true, value: v.input, warnings: [REMAINDER_TEN_WARNING] });
      } else {
        assert.deepEqual(result, { ok: false, reason: v.expect.reason });
      }
    });
  }

  it("accepts the corrected form MSCU6639870", () => {
    assert.deepEqual(validateContainerNumber("MSCU6639870"), { ok: true, value: "MSCU6639870" });
  });

  it("works the CSQU305438 example to check digit 3", () => {
    assert.deepEqual(containerCheckDigit("CSQU305438"), { digit: 3, remainder: 3 });
  });
});

describe("validateContainerNumber: normalisation and edge cases", () => {
  it("upper-cases and strips whitespace", () => {
    for (const input of [
      "Csq u3054383",
      "csqu3054383",
      " CSQU 305438 3 ",
      "CSQU\t305438\u00a03",
      "CSQU\n3054383",
    ]) {
      assert.deepEqual(
        validateContainerNumber(input),
        { ok: true, value: "CSQU3054383" },
        JSON.stringify(input),
      );
    }
  });

  const rejections: readonly [unknown, string][] = [
    ["", "is empty"],
    ["   ", "is empty"],
    ["CSQU305438", "must be 11 characters, got 10"],
    ["CSQU30543833", "must be 11 characters, got 12"],
    ["CSQU-305438-3", 'character "-" at position 5 is not an ASCII letter or digit'],
    ["CSQU3054383.", 'character "." at position 12 is not an ASCII letter or digit'],
    // toUpperCase would turn these into I and S; they must not sneak through as ASCII.
    ["ıSQU3054383", 'character "ı" at position 1 is not an ASCII letter or digit'],
    ["CſQU3054383", 'character "ſ" at position 2 is not an ASCII letter or digit'],
    ["ＣSQU3054383", 'character "Ｃ" at position 1 is not an ASCII letter or digit'],
    ["C5QU3054383", 'owner code must be 3 letters, got "C5Q"'],
    ["CSQX3054383", 'category must be U, J or Z, got "X"'],
    ["CSQ03054383", 'category must be U, J or Z, got "0"'],
    ["CSQU30A4383", 'serial number must be 6 digits, got "30A438"'],
    ["CSQU305438X", 'check digit must be a digit, got "X"'],
    [null, "must be a string, got null"],
    [undefined, "must be a string, got undefined"],
    [12345678901, "must be a string, got number"],
    [["CSQU3054383"], "must be a string, got array"],
  ];
  for (const [input, reason] of rejections) {
    it(`rejects ${JSON.stringify(input) ?? String(input)}: ${reason}`, () => {
      assert.deepEqual(validateContainerNumber(input), { ok: false, reason });
    });
  }

  it("computes no check digit for a malformed body", () => {
    for (const body of ["CSQU30543", "CSQX305438", "csqu305438", "C5QU305438"]) {
      assert.equal(containerCheckDigit(body), undefined, body);
    }
  });
});

const upper = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ");
const digit = fc.constantFrom(..."0123456789");
const alnum = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
const containerBody = fc
  .tuple(
    fc.array(upper, { minLength: 3, maxLength: 3 }),
    fc.constantFrom("U", "J", "Z"),
    fc.array(digit, { minLength: 6, maxLength: 6 }),
  )
  .map(([owner, category, serial]) => owner.join("") + category + serial.join(""));

function complete(body: string): { number: string; remainder: number } {
  const check = containerCheckDigit(body);
  assert.ok(check !== undefined);
  return { number: body + String(check.digit), remainder: check.remainder };
}

describe("validateContainerNumber: properties", () => {
  it("accepts every body with its computed check digit, warning exactly on remainder 10", () => {
    fc.assert(
      fc.property(containerBody, (body) => {
        const { number, remainder } = complete(body);
        const result = validateContainerNumber(number);
        assert.equal(result.ok, true);
        if (result.ok) {
          assert.equal(result.value, number);
          assert.deepEqual(result.warnings, remainder === 10 ? [REMAINDER_TEN_WARNING] : undefined);
        }
      }),
    );
  });

  it("is unchanged by lower-casing and inserting whitespace", () => {
    fc.assert(
      fc.property(containerBody, fc.array(fc.nat(11)), (body, cuts) => {
        const { number } = complete(body);
        let mangled = number.toLowerCase();
        for (const cut of [...cuts].sort((a, b) => b - a))
          mangled = mangled.slice(0, cut) + " " + mangled.slice(cut);
        assert.deepEqual(validateContainerNumber(mangled), validateContainerNumber(number));
      }),
    );
  });

  // A single substitution is caught except in two cases the arithmetic cannot see:
  // (1) the old and new character values differ by a multiple of 11 (A/K/U, B/L/V, …; only letters,
  //     so only in the owner code), which leaves the sum mod 11 unchanged;
  // (2) the remainder moves between 0 and 10, both of which give check digit 0.
  // The check digit itself and the category letter (U, J, Z are 10, 9, 5 mod 11) are never case (1).
  it("rejects every single-character substitution except the two documented blind spots", () => {
    fc.assert(
      fc.property(containerBody, fc.nat(10), alnum, (body, position, replacement) => {
        const { number, remainder } = complete(body);
        const original = number.charAt(position);
        fc.pre(replacement !== original);
        const changed = number.slice(0, position) + replacement + number.slice(position + 1);
        const result = validateContainerNumber(changed);
        const formatOk = /^[A-Z]{3}[UJZ][0-9]{7}$/.test(changed);
        if (!formatOk) {
          assert.equal(result.ok, false);
          return;
        }
        let blindSpot = false;
        if (position < 10) {
          const delta = (iso6346CharValue(replacement) ?? NaN) - (iso6346CharValue(original) ?? NaN);
          const newRemainder = (((remainder + delta * 2 ** position) % 11) + 11) % 11;
          blindSpot = delta % 11 === 0 || (remainder % 10 === 0 && newRemainder % 10 === 0);
          if (delta % 11 === 0) assert.ok(position < 3, "only owner-code letters can be congruent mod 11");
        }
        assert.equal(result.ok, blindSpot, `${number} -> ${changed}`);
      }),
      { numRuns: 2000 },
    );
  });

  it("always rejects a substitution in the serial or check digit unless the remainder moves between 0 and 10", () => {
    fc.assert(
      fc.property(containerBody, fc.integer({ min: 4, max: 10 }), digit, (body, position, replacement) => {
        const { number, remainder } = complete(body);
        fc.pre(replacement !== number.charAt(position));
        fc.pre(remainder !== 0 && remainder !== 10);
        const changed = number.slice(0, position) + replacement + number.slice(position + 1);
        assert.equal(validateContainerNumber(changed).ok, false, `${number} -> ${changed}`);
      }),
    );
  });

  it("shows the owner-code blind spot with a concrete pair", () => {
    // A (10) and K (21) differ by 11, so AAAU and KAAU share a check digit.
    const a = complete("AAAU123456").number;
    const k = "K" + a.slice(1);
    assert.equal(validateContainerNumber(a).ok, true);
    assert.equal(validateContainerNumber(k).ok, true);
  });
});
