/**
 * RFC 8785 conformance of `jcs`, against the RFC's own published examples: §3.2.2 (the sample
 * input and its canonical output), §3.2.3 (sorting by UTF-16 code units), §3.2.4 (the UTF-8 bytes of
 * the §3.2.2 output) and Appendix B (number serialisation, IEEE 754 bit patterns → text). And the
 * lenient `canonicalJson` the audit chain hashes: identical on everything `jcs` accepts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { CanonicalJsonError, canonicalJson, jcs } from "../../src/core/canonical-json.js";

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

/** RFC 8785 Appendix B: binary64 bit pattern → its JCS text. */
const APPENDIX_B: readonly (readonly [string, string])[] = [
  ["0000000000000000", "0"],
  ["8000000000000000", "0"],
  ["0000000000000001", "5e-324"],
  ["8000000000000001", "-5e-324"],
  ["7fefffffffffffff", "1.7976931348623157e+308"],
  ["ffefffffffffffff", "-1.7976931348623157e+308"],
  ["4340000000000000", "9007199254740992"],
  ["c340000000000000", "-9007199254740992"],
  ["4430000000000000", "295147905179352830000"],
  ["44b52d02c7e14af5", "9.999999999999997e+22"],
  ["44b52d02c7e14af6", "1e+23"],
  ["44b52d02c7e14af7", "1.0000000000000001e+23"],
  ["444b1ae4d6e2ef4e", "999999999999999700000"],
  ["444b1ae4d6e2ef4f", "999999999999999900000"],
  ["444b1ae4d6e2ef50", "1e+21"],
  ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
  ["3eb0c6f7a0b5ed8d", "0.000001"],
  ["41b3de4355555553", "333333333.3333332"],
  ["41b3de4355555554", "333333333.33333325"],
  ["41b3de4355555555", "333333333.3333333"],
  ["41b3de4355555556", "333333333.3333334"],
  ["41b3de4355555557", "333333333.33333343"],
  ["becbf647612f3696", "-0.0000033333333333333333"],
  ["43143ff3c1cb0959", "1424953923781206.2"],
];

/** RFC 8785 §3.2.2: the sample input, as JSON text (parsed as a JCS implementation would). */
const SAMPLE_INPUT = String.raw`{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}`;
const SAMPLE_OUTPUT = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;
/** RFC 8785 §3.2.4: the same output as UTF-8 bytes. */
const SAMPLE_UTF8 = `
7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d`;

/** RFC 8785 §3.2.3: member names in input order, and the order JCS must write them in. */
const SORT_INPUT = String.raw`{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}`;
const SORTED_VALUES = [
  "Carriage Return",
  "One",
  "Control",
  "Latin Small Letter O With Diaeresis",
  "Euro Sign",
  "Emoji: Grinning Face",
  "Hebrew Letter Dalet With Dagesh",
];

describe("jcs (RFC 8785)", () => {
  it("serialises every number of Appendix B as the RFC says", () => {
    for (const [bits, expected] of APPENDIX_B) assert.equal(jcs(fromBits(bits)), expected, bits);
  });

  it("refuses NaN and the infinities (Appendix B: no JSON form) instead of writing null", () => {
    for (const bits of ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"]) {
      assert.throws(
        () => jcs({ a: [1, fromBits(bits)] }),
        (error: unknown) => {
          assert.ok(error instanceof CanonicalJsonError);
          assert.equal(error.path, "$.a[1]");
          return true;
        },
      );
      assert.equal(canonicalJson(fromBits(bits)), "null", "the lenient form keeps its old output");
    }
  });

  it("gives the §3.2.2 output for the §3.2.2 sample input, and its bytes are §3.2.4's", () => {
    const text = jcs(JSON.parse(SAMPLE_INPUT));
    assert.equal(text, SAMPLE_OUTPUT);
    const expectedBytes = Buffer.from(SAMPLE_UTF8.replace(/\s+/g, ""), "hex");
    assert.deepEqual(Buffer.from(text, "utf8"), expectedBytes);
  });

  it("sorts member names by UTF-16 code units as in §3.2.3 (the emoji's high surrogate before U+FB33)", () => {
    const text = jcs(JSON.parse(SORT_INPUT));
    const parsed = JSON.parse(text) as Record<string, string>;
    assert.deepEqual(
      [...text.matchAll(/":"([^"]+)"/g)].map((m) => m[1]),
      SORTED_VALUES,
    );
    assert.equal(Object.keys(parsed).length, 7);
    assert.ok(text.startsWith(String.raw`{"\r":"Carriage Return","1":"One","`), text);
  });

  it("escapes control characters in the ECMAScript way: short forms, else lower-case \\u00xx", () => {
    assert.equal(
      jcs('\b\t\n\f\r\u0000\u001f\u007f"\\/'),
      String.raw`"\b\t\n\f\r\u0000\u001f` + "\u007f" + String.raw`\"\\/"`,
    );
  });

  it("refuses lone surrogates in strings and member names; keeps pairs", () => {
    assert.equal(jcs("\ud83d\ude00"), '"\ud83d\ude00"');
    for (const bad of ["\ud800", "a\udfff", "\ude00\ud83d"]) {
      assert.throws(() => jcs(bad), CanonicalJsonError);
      assert.throws(() => jcs({ [bad]: 1 }), CanonicalJsonError);
    }
    assert.equal(canonicalJson("\ud800"), String.raw`"\ud800"`, "the lenient form escapes it");
  });

  it("refuses bigints, undefined, functions and symbols as values", () => {
    for (const bad of [1n, undefined, () => 1, Symbol("s")])
      assert.throws(() => jcs([bad]), CanonicalJsonError);
    assert.equal(jcs({ a: undefined, b: 1 }), '{"b":1}', "an absent member is not a value");
  });

  it("writes -0 as 0 and keeps array order", () => {
    assert.equal(jcs({ b: [3, -0, 1], a: -0 }), '{"a":0,"b":[3,0,1]}');
  });

  it("agrees with the lenient form on every JSON value, and with re-parsing (idempotent)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = jcs(value);
        assert.equal(canonicalJson(value), text);
        assert.equal(jcs(JSON.parse(text)), text);
      }),
      { numRuns: 300, seed: 8785 },
    );
  });
});
