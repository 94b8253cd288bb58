import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  IDENTIFIER_KINDS,
  validateIdentifier,
  validateSealIdentifiers,
} from "../../../src/core/identifiers/index.js";

describe("validateIdentifier", () => {
  it("dispatches each kind to its validator", () => {
    const examples = {
      containerNumber: "CSQU3054383",
      mrn: "22ITZXBZYUTJFLJXK6",
      customsOffice: "DE004058",
      unLocode: "DEHAM",
      sealIdentifier: "ZJ-000187",
      imoNumber: "9176187",
      epcUrn: "urn:epc:id:bic:CSQU3054383",
    } as const;
    for (const kind of IDENTIFIER_KINDS) {
      assert.deepEqual(validateIdentifier(kind, examples[kind]), { ok: true, value: examples[kind] }, kind);
    }
    assert.equal(validateIdentifier("mrn", "CSQU3054383").ok, false);
  });

  it("never throws and always returns a well-formed result, whatever the input", () => {
    const inputs = fc.oneof(
      fc.anything(),
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.string({ unit: fc.constantFrom(..."ACJUZ019 :-urnepcidbicmovIMO"), maxLength: 30 }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...IDENTIFIER_KINDS), inputs, (kind, input) => {
        const result = validateIdentifier(kind, input);
        if (result.ok) {
          assert.equal(typeof result.value, "string");
          if (result.warnings !== undefined) assert.ok(result.warnings.length > 0);
        } else {
          assert.equal(typeof result.reason, "string");
          assert.ok(result.reason.length > 0);
        }
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.anything(), (input) => {
        assert.equal(typeof validateSealIdentifiers(input).ok, "boolean");
      }),
    );
  });

  it("is idempotent: validating a normalised value returns it unchanged", () => {
    fc.assert(
      fc.property(fc.constantFrom(...IDENTIFIER_KINDS), fc.string({ maxLength: 40 }), (kind, input) => {
        const first = validateIdentifier(kind, input);
        if (first.ok) assert.deepEqual(validateIdentifier(kind, first.value), first);
      }),
    );
  });
});
