import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { imoCheckDigit, validateImoNumber } from "../../../src/core/identifiers/index.js";

describe("validateImoNumber", () => {
  it("accepts the vessel in standards.md §3 (urn:epc:id:imovn:9176187)", () => {
    // 9·7 + 1·6 + 7·5 + 6·4 + 1·3 + 8·2 = 147, last digit 7.
    assert.equal(imoCheckDigit("917618"), 7);
    assert.deepEqual(validateImoNumber("9176187"), { ok: true, value: "9176187" });
  });

  it("accepts the published examples", () => {
    // 7654329 and 9074729 both sum to 139; 7625811 sums to 141 and 7605811 to 131.
    for (const imo of ["7654329", "9074729", "7625811", "7605811"]) {
      assert.deepEqual(validateImoNumber(imo), { ok: true, value: imo });
    }
  });

  it('drops an "IMO" prefix and whitespace', () => {
    for (const input of ["IMO 9176187", "imo9176187", " IMO9176187 ", "917 6187"]) {
      assert.deepEqual(validateImoNumber(input), { ok: true, value: "9176187" }, input);
    }
  });

  const rejections: readonly [unknown, string][] = [
    ["", "is empty"],
    ["IMO", "is empty"],
    ["9176188", "check digit is 8, expected 7"],
    ["917618", "must be 7 digits, got 6"],
    ["91761870", "must be 7 digits, got 8"],
    ["91A6187", 'character "A" at position 3 of the number is not a digit'],
    ["IMO-9176187", 'character "-" at position 1 of the number is not a digit'],
    [9176187, "must be a string, got number"],
  ];
  for (const [input, reason] of rejections) {
    it(`rejects ${JSON.stringify(input)}: ${reason}`, () => {
      assert.deepEqual(validateImoNumber(input), { ok: false, reason });
    });
  }

  const body = fc
    .array(fc.constantFrom(..."0123456789"), { minLength: 6, maxLength: 6 })
    .map((d) => d.join(""));
  const complete = (digits: string): string => digits + String(imoCheckDigit(digits));

  it("accepts every 6-digit body with its computed check digit", () => {
    fc.assert(
      fc.property(body, (digits) => {
        assert.deepEqual(validateImoNumber(complete(digits)), { ok: true, value: complete(digits) });
      }),
    );
  });

  // The IMO check is weak: a change of δ in a digit weighted w goes unseen when w·δ is a multiple
  // of 10. Weights 7 and 3 are coprime with 10 and always catch a change; 2, 4, 6 miss δ = 5 and
  // 5 misses every even δ. A change to the check digit is always caught.
  it("rejects a single-digit change exactly when weight × change is not a multiple of 10", () => {
    fc.assert(
      fc.property(body, fc.nat(6), fc.integer({ min: 1, max: 9 }), (digits, position, step) => {
        const imo = complete(digits);
        const original = Number(imo.charAt(position));
        const replacement = (original + step) % 10;
        const changed = imo.slice(0, position) + String(replacement) + imo.slice(position + 1);
        const weight = position < 6 ? 7 - position : 1;
        const unseen = position < 6 && (weight * (replacement - original)) % 10 === 0;
        assert.equal(validateImoNumber(changed).ok, unseen, `${imo} -> ${changed}`);
      }),
      { numRuns: 1000 },
    );
  });
});
