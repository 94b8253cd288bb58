import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { REMAINDER_TEN_WARNING, validateEpcUrn } from "../../../src/core/identifiers/index.js";

describe("validateEpcUrn", () => {
  it("accepts the standards.md examples", () => {
    assert.deepEqual(validateEpcUrn("urn:epc:id:bic:CSQU3054383"), {
      ok: true,
      value: "urn:epc:id:bic:CSQU3054383",
    });
    assert.deepEqual(validateEpcUrn("urn:epc:id:imovn:9176187"), {
      ok: true,
      value: "urn:epc:id:imovn:9176187",
    });
  });

  it("rejects CSQJ3054381, which a syntax-only check accepts (standards.md §2)", () => {
    assert.deepEqual(validateEpcUrn("urn:epc:id:bic:CSQJ3054381"), {
      ok: false,
      reason: "bic identifier: check digit is 1, expected 6",
    });
  });

  it("normalises the case of the prefix, the scheme and the container number", () => {
    assert.deepEqual(validateEpcUrn(" URN:EPC:ID:BIC:csqu3054383 "), {
      ok: true,
      value: "urn:epc:id:bic:CSQU3054383",
    });
    assert.deepEqual(validateEpcUrn("urn:epc:id:IMOVN:9176187"), {
      ok: true,
      value: "urn:epc:id:imovn:9176187",
    });
  });

  it("passes on the remainder-10 warning", () => {
    assert.deepEqual(validateEpcUrn("urn:epc:id:bic:CSQU0000070"), {
      ok: true,
      value: "urn:epc:id:bic:CSQU0000070",
      warnings: [REMAINDER_TEN_WARNING],
    });
  });

  const rejections: readonly [unknown, string][] = [
    ["", "is empty"],
    ["CSQU3054383", 'must start with "urn:epc:id:"'],
    ["urn:epc:idpat:bic:CSQU3054383", 'must start with "urn:epc:id:"'],
    ["urn:epc:id:bic", 'must be "urn:epc:id:<scheme>:<identifier>"'],
    ["urn:epc:id:bic:CSQU 3054383", "must not contain whitespace, got U+0020 at position 20"],
    ["urn:epc:id:giai:4000001.12345", 'unsupported EPC scheme "giai"; supported: bic, imovn'],
    ["urn:epc:id:bic:", "bic identifier: is empty"],
    ["urn:epc:id:bic:CSQU305438", "bic identifier: must be 11 characters, got 10"],
    ["urn:epc:id:bic:CSQX3054383", 'bic identifier: category must be U, J or Z, got "X"'],
    ["urn:epc:id:imovn:9176188", "imovn identifier: check digit is 8, expected 7"],
    ["urn:epc:id:imovn:IMO9176187", 'imovn identifier: must be 7 digits without "IMO", got "IMO9176187"'],
    [null, "must be a string, got null"],
  ];
  for (const [input, reason] of rejections) {
    it(`rejects ${JSON.stringify(input)}: ${reason}`, () => {
      assert.deepEqual(validateEpcUrn(input), { ok: false, reason });
    });
  }
});
