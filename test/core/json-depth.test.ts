/** Nesting depth of JSON texts and values, against an oracle (depth measured on the parsed value). */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { jsonTextTooDeep, jsonValueTooDeep } from "../../src/core/json-depth.js";

/** The oracle: levels of arrays and objects, by plain recursion (fine for the small values here). */
function depthOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe("JSON nesting depth", () => {
  it("finds the first bracket too deep in a text, ignoring brackets inside strings", () => {
    assert.equal(jsonTextTooDeep('{"a":[1,{"b":2}]}', 3), undefined);
    assert.equal(jsonTextTooDeep('{"a":[1,{"b":2}]}', 2), 8);
    assert.equal(jsonTextTooDeep('{"a":"[[[[[[[[[[[["}', 1), undefined);
    assert.equal(jsonTextTooDeep('{"a":"\\"[[[[[["}', 1), undefined);
    assert.equal(jsonTextTooDeep('"\\\\"[[', 1), 5);
    assert.equal(jsonTextTooDeep("[".repeat(4500) + "]".repeat(4500), 32), 32);
    assert.equal(jsonTextTooDeep("", 1), undefined);
  });

  it("agrees with the depth of the parsed value for any JSON text", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, max) => {
        const text = JSON.stringify(value);
        const expected = depthOf(value) > max;
        assert.equal(jsonTextTooDeep(text, max) !== undefined, expected, text);
        assert.equal(jsonValueTooDeep(value, max), expected, text);
      }),
      { numRuns: 500, seed: 17 },
    );
  });

  it("walks values thousands of levels deep, and cycles, without recursion", () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.equal(jsonValueTooDeep(deep, 32), true);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(jsonValueTooDeep(cyclic, 32), true);
    assert.equal(jsonValueTooDeep({ a: [1, 2, { b: null }] }, 3), false);
  });
});
