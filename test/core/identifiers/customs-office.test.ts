import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateCustomsOfficeReference } from "../../../src/core/identifiers/index.js";

describe("validateCustomsOfficeReference", () => {
  it("accepts the standards.md example DE004058", () => {
    assert.deepEqual(validateCustomsOfficeReference("DE004058"), { ok: true, value: "DE004058" });
  });

  it("accepts letters in the office code", () => {
    // The suggested UN/LOCODE-plus-subdivision form, and a letters-and-digits mix.
    assert.deepEqual(validateCustomsOfficeReference("NLRTM000"), { ok: true, value: "NLRTM000" });
    assert.deepEqual(validateCustomsOfficeReference("GB000060"), { ok: true, value: "GB000060" });
    assert.deepEqual(validateCustomsOfficeReference("XI000142"), { ok: true, value: "XI000142" });
  });

  it("upper-cases and strips whitespace", () => {
    assert.deepEqual(validateCustomsOfficeReference(" de 004058 "), { ok: true, value: "DE004058" });
    assert.deepEqual(validateCustomsOfficeReference("nlrtm000"), { ok: true, value: "NLRTM000" });
  });

  const rejections: readonly [unknown, string][] = [
    ["", "is empty"],
    ["DE00405", "must be 8 characters, got 7"],
    ["DE0040580", "must be 8 characters, got 9"],
    ["D1004058", 'country code must be 2 letters, got "D1"'],
    ["12004058", 'country code must be 2 letters, got "12"'],
    ["DE00-058", 'character "-" at position 5 is not an ASCII letter or digit'],
    ["DE00405é", 'character "é" at position 8 is not an ASCII letter or digit'],
    [4058, "must be a string, got number"],
  ];
  for (const [input, reason] of rejections) {
    it(`rejects ${JSON.stringify(input)}: ${reason}`, () => {
      assert.deepEqual(validateCustomsOfficeReference(input), { ok: false, reason });
    });
  }
});
