import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { validateUnLocode } from "../../../src/core/identifiers/index.js";

describe("validateUnLocode", () => {
  it("accepts letters and the digits 2–9 in the location code", () => {
    for (const code of ["DEHAM", "NLRTM", "KEMBA", "THBKK", "CNSZX", "USNYC", "GB2AB", "XX999"]) {
      assert.deepEqual(validateUnLocode(code), { ok: true, value: code });
    }
  });

  it("upper-cases and strips whitespace, so the printed form DE HAM is accepted", () => {
    assert.deepEqual(validateUnLocode("DE HAM"), { ok: true, value: "DEHAM" });
    assert.deepEqual(validateUnLocode(" nl rtm "), { ok: true, value: "NLRTM" });
  });

  const rejections: readonly [unknown, string][] = [
    ["", "is empty"],
    ["DEHA", "must be 5 characters, got 4"],
    ["DEHAMB", "must be 5 characters, got 6"],
    ["D1HAM", 'country code must be 2 letters, got "D1"'],
    ["DEHA0", 'location code may use letters and digits 2–9 only, got "0" at position 5'],
    ["DE1AM", 'location code may use letters and digits 2–9 only, got "1" at position 3'],
    ["DE-HAM", 'character "-" at position 3 is not an ASCII letter or digit'],
    [undefined, "must be a string, got undefined"],
  ];
  for (const [input, reason] of rejections) {
    it(`rejects ${JSON.stringify(input) ?? String(input)}: ${reason}`, () => {
      assert.deepEqual(validateUnLocode(input), { ok: false, reason });
    });
  }

  it("agrees with the standards.md pattern ^[A-Z]{2}[A-Z2-9]{3}$ on compact upper-case input", () => {
    const ch = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    fc.assert(
      fc.property(fc.array(ch, { minLength: 5, maxLength: 5 }), (chars) => {
        const code = chars.join("");
        assert.equal(validateUnLocode(code).ok, /^[A-Z]{2}[A-Z2-9]{3}$/.test(code), code);
      }),
    );
  });
});
