import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ZoneIndex, type ZoneShape } from "../../../src/core/geo/zone-index.js";
import { haversineM } from "../../../src/core/geo/sphere.js";

const square: ZoneShape = {
  type: "polygon",
  ring: [
    [100.87, 13.06],
    [100.91, 13.06],
    [100.91, 13.1],
    [100.87, 13.1],
  ],
};
const squareClosed: ZoneShape = { type: "polygon", ring: [...square.ring, square.ring[0]!] };
const circle: ZoneShape = { type: "circle", center: [36.65, -1.3], radiusM: 2000 };

describe("ZoneIndex", () => {
  it("counts a point on a polygon edge or vertex as inside", () => {
    const index = new ZoneIndex([square]);
    assert.deepEqual(index.zonesAt(100.89, 13.06), [0]); // bottom edge
    assert.deepEqual(index.zonesAt(100.91, 13.08), [0]); // right edge
    assert.deepEqual(index.zonesAt(100.87, 13.1), [0]); // vertex
    assert.deepEqual(index.zonesAt(100.89, 13.08), [0]); // inside
    assert.deepEqual(index.zonesAt(100.9101, 13.08), []); // just outside
  });

  it("treats a ring with or without its repeated closing vertex alike", () => {
    const index = new ZoneIndex([square, squareClosed]);
    fc.assert(
      fc.property(
        fc.double({ min: 100.85, max: 100.93, noNaN: true }),
        fc.double({ min: 13.04, max: 13.12, noNaN: true }),
        (lon, lat) => {
          const zones = index.zonesAt(lon, lat);
          assert.ok(zones.length === 0 || zones.length === 2);
        },
      ),
      { seed: 1, numRuns: 300 },
    );
  });

  it("tests a circle by great-circle distance, boundary included", () => {
    const index = new ZoneIndex([circle]);
    fc.assert(
      fc.property(
        fc.double({ min: 36.6, max: 36.7, noNaN: true }),
        fc.double({ min: -1.35, max: -1.25, noNaN: true }),
        (lon, lat) => {
          const d = haversineM(36.65, -1.3, lon, lat);
          if (Math.abs(d - 2000) < 0.01) return;
          assert.equal(index.zonesAt(lon, lat).length === 1, d <= 2000);
        },
      ),
      { seed: 2, numRuns: 500 },
    );
  });

  it("returns every overlapping zone, in zone order", () => {
    const index = new ZoneIndex([circle, square, { type: "circle", center: [100.89, 13.08], radiusM: 500 }]);
    assert.deepEqual(index.zonesAt(100.89, 13.08), [1, 2]);
  });

  it("handles a polygon that crosses the antimeridian", () => {
    const fiji: ZoneShape = {
      type: "polygon",
      ring: [
        [179.8, -16.9],
        [-179.8, -16.9],
        [-179.8, -16.5],
        [179.8, -16.5],
      ],
    };
    const index = new ZoneIndex([fiji]);
    assert.deepEqual(index.zonesAt(179.9, -16.7), [0]);
    assert.deepEqual(index.zonesAt(-179.9, -16.7), [0]);
    assert.deepEqual(index.zonesAt(180, -16.7), [0]);
    assert.deepEqual(index.zonesAt(179.7, -16.7), []);
    assert.deepEqual(index.zonesAt(0, -16.7), []);
  });

  it("handles circles near the poles and across the antimeridian", () => {
    const index = new ZoneIndex([
      { type: "circle", center: [0, 89.99], radiusM: 5000 },
      { type: "circle", center: [179.999, 10], radiusM: 1000 },
    ]);
    assert.deepEqual(index.zonesAt(120, 89.98), [0]);
    assert.deepEqual(index.zonesAt(-179.999, 10), [1]);
  });

  it("finds nothing when there are no zones", () => {
    assert.deepEqual(new ZoneIndex([]).zonesAt(0, 0), []);
  });
});
