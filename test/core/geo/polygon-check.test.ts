import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkPolygon, MAX_POLYGON_POSITIONS } from "../../../src/core/geo/polygon-check.js";

/** Counter-clockwise unit square at (10, 10), closed. */
const square = [
  [10, 10],
  [11, 10],
  [11, 11],
  [10, 11],
  [10, 10],
];

function reasonOf(rings: number[][][]): string {
  const result = checkPolygon(rings);
  assert.equal(result.ok, false, "expected a refusal");
  return result.ok ? "" : result.reason;
}

describe("checkPolygon", () => {
  it("accepts a counter-clockwise square unchanged", () => {
    const result = checkPolygon([square]);
    assert.ok(result.ok);
    assert.deepEqual(result.rings, [square]);
  });

  it("refuses a bow-tie, naming the crossing edges", () => {
    const bowTie = [
      [10, 10],
      [11, 11],
      [11, 10],
      [10, 11],
      [10, 10],
    ];
    assert.equal(reasonOf([bowTie]), "ring 0 crosses itself between positions 0–1 and 2–3");
  });

  it("refuses a ring of zero area", () => {
    const collinear = [
      [10, 10],
      [11, 10],
      [12, 10],
      [10, 10],
    ];
    assert.match(reasonOf([collinear]), /^ring 0 has zero area/);
  });

  it("refuses collinear runs that overlap, and a spike that doubles back", () => {
    const line = [
      [10, 10],
      [11, 10],
      [12, 10],
      [13, 10],
      [10, 10],
    ];
    assert.equal(reasonOf([line]), "ring 0 crosses itself between positions 1–2 and 3–4");
    const spike = [
      [10, 10],
      [11, 10],
      [12, 10],
      [11, 10],
      [11, 11],
      [10, 10],
    ];
    assert.match(reasonOf([spike]), /^ring 0 crosses itself between positions 0–1 and 2–3$/);
  });

  it("refuses an unclosed ring, too few positions, repeats and coordinates out of range", () => {
    assert.match(reasonOf([square.slice(0, 4)]), /^ring 0 is not closed: position 0 \[10, 10\] differs/);
    assert.match(
      reasonOf([
        [
          [10, 10],
          [11, 10],
          [10, 10],
        ],
      ]),
      /^ring 0 has 3 positions; .* at least 4/,
    );
    const repeated = [square[0]!, square[1]!, square[1]!, square[2]!, square[0]!];
    assert.equal(reasonOf([repeated]), "ring 0 repeats position 1 at position 2");
    const latFirst = square.map(([lon, lat]) => [lat!, lon! + 85]);
    assert.match(reasonOf([latFirst]), /^ring 0 position 0: latitude 95 is outside \[-90, 90\]/);
    assert.match(reasonOf([[[Number.NaN, 0], ...square.slice(1)]]), /^ring 0 position 0: longitude NaN/);
  });

  it("refuses more positions than the documented maximum", () => {
    const many = Array.from({ length: MAX_POLYGON_POSITIONS + 1 }, (_, i) => [i * 1e-5, 0]);
    assert.match(reasonOf([many]), /at most 4000 positions, this one has 4001/);
  });

  it("accepts a hole inside and winds it clockwise; refuses a hole outside or crossing the exterior", () => {
    const outer = [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
      [0, 0],
    ];
    const holeCcw = [
      [2, 2],
      [4, 2],
      [4, 4],
      [2, 4],
      [2, 2],
    ];
    const result = checkPolygon([outer, holeCcw]);
    assert.ok(result.ok);
    assert.deepEqual(result.rings[1], holeCcw.slice().reverse());
    const outside = holeCcw.map(([lon, lat]) => [lon! + 20, lat!]);
    assert.match(reasonOf([outer, outside]), /^ring 1 \(a hole\) lies outside the exterior ring/);
    const crossing = holeCcw.map(([lon, lat]) => [lon! + 7, lat!]);
    assert.match(
      reasonOf([outer, crossing]),
      /^ring 1 \(a hole\) meets the exterior ring between its positions 0–1/,
    );
  });

  it("normalises a clockwise exterior to counter-clockwise (RFC 7946), keeping the same shape", () => {
    const clockwise = square.slice().reverse();
    const result = checkPolygon([clockwise]);
    assert.ok(result.ok);
    assert.deepEqual(result.rings, [square]);
  });

  it("handles a ring across the antimeridian", () => {
    const across = [
      [179.5, 0],
      [-179.5, 0],
      [-179.5, 1],
      [179.5, 1],
      [179.5, 0],
    ];
    const result = checkPolygon([across]);
    assert.ok(result.ok);
    assert.deepEqual(result.rings, [across]);
  });
});
