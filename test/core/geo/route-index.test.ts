import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { pointToLineDistance } from "@turf/point-to-line-distance";
import { RouteIndex } from "../../../src/core/geo/route-index.js";
import { EARTH_RADIUS_M, haversineM, type LonLat } from "../../../src/core/geo/sphere.js";
import { parseScenario } from "../../../src/scenario/scenario.js";
import { readJson, scenarioFiles } from "../../support/fixtures.js";

/** Relative tolerance the issue sets against the geodesic distance at corridor scale. */
const TOLERANCE = 0.005;

function turfDistanceM(route: readonly LonLat[], lon: number, lat: number): number {
  return pointToLineDistance(
    [lon, lat],
    { type: "LineString", coordinates: route.map((p) => [p[0], p[1]]) },
    { units: "meters" },
  );
}

/** Real corridor shapes: the declared routes of the public scenarios (Thailand, Hong Kong, Kenya, Slovakia). */
function realRoutes(): { name: string; route: LonLat[] }[] {
  const routes: { name: string; route: LonLat[] }[] = [];
  for (const file of scenarioFiles()) {
    const scenario = parseScenario(readJson(file));
    for (const trip of scenario.trips)
      routes.push({ name: `${scenario.name}/${trip.id}`, route: [...trip.route] });
  }
  return routes;
}

/** Point at fraction `t` of the great-circle arc a→b (slerp). */
function alongArc(a: LonLat, b: LonLat, t: number): LonLat {
  const toVec = ([lon, lat]: LonLat): [number, number, number] => {
    const phi = (lat * Math.PI) / 180;
    const lambda = (lon * Math.PI) / 180;
    return [Math.cos(phi) * Math.cos(lambda), Math.cos(phi) * Math.sin(lambda), Math.sin(phi)];
  };
  const va = toVec(a);
  const vb = toVec(b);
  const omega = Math.acos(Math.min(1, va[0] * vb[0] + va[1] * vb[1] + va[2] * vb[2]));
  if (omega < 1e-15) return a;
  const sa = Math.sin((1 - t) * omega) / Math.sin(omega);
  const sb = Math.sin(t * omega) / Math.sin(omega);
  const v = [0, 1, 2].map((i) => sa * va[i]! + sb * vb[i]!) as [number, number, number];
  return [
    (Math.atan2(v[1], v[0]) * 180) / Math.PI,
    (Math.asin(Math.max(-1, Math.min(1, v[2]))) * 180) / Math.PI,
  ];
}

/** Moves `[lon, lat]` by `distanceM` on bearing `bearingDeg` along a great circle. */
function offset([lon, lat]: LonLat, distanceM: number, bearingDeg: number): LonLat {
  const delta = distanceM / EARTH_RADIUS_M;
  const theta = (bearingDeg * Math.PI) / 180;
  const phi1 = (lat * Math.PI) / 180;
  const lambda1 = (lon * Math.PI) / 180;
  const phi2 = Math.asin(
    Math.sin(phi1) * Math.cos(delta) + Math.cos(phi1) * Math.sin(delta) * Math.cos(theta),
  );
  const lambda2 =
    lambda1 +
    Math.atan2(
      Math.sin(theta) * Math.sin(delta) * Math.cos(phi1),
      Math.cos(delta) - Math.sin(phi1) * Math.sin(phi2),
    );
  const lonOut = (((((lambda2 * 180) / Math.PI + 540) % 360) + 360) % 360) - 180;
  return [lonOut, (phi2 * 180) / Math.PI];
}

describe("RouteIndex.distanceM", () => {
  it("agrees with turf within 0.5% on real corridor routes, 1–8 km off the road", () => {
    const routes = realRoutes();
    assert.ok(routes.length >= 5);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: routes.length - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1000, max: 8000, noNaN: true }),
        fc.double({ min: 0, max: 360, noNaN: true }),
        (routeIndex, fraction, offsetM, bearing) => {
          const { route } = routes[routeIndex]!;
          const segment = Math.min(route.length - 2, Math.floor(fraction * (route.length - 1)));
          const base = alongArc(
            route[segment]!,
            route[segment + 1]!,
            fraction * (route.length - 1) - segment,
          );
          const [lon, lat] = offset(base, offsetM, bearing);
          const ours = new RouteIndex(route).distanceM(lon, lat);
          const turf = turfDistanceM(route, lon, lat);
          assert.ok(Math.abs(ours - turf) <= TOLERANCE * turf + 0.01, `ours ${ours} turf ${turf}`);
        },
      ),
      { seed: 20261129, numRuns: 400 },
    );
  });

  it("is zero (to the centimetre) for points on the route", () => {
    const routes = realRoutes();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: routes.length - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (routeIndex, t) => {
          const { route } = routes[routeIndex]!;
          const index = new RouteIndex(route);
          const segment = Math.min(route.length - 2, Math.floor(t * (route.length - 1)));
          const [lon, lat] = alongArc(route[segment]!, route[segment + 1]!, t * (route.length - 1) - segment);
          assert.ok(index.distanceM(lon, lat) < 0.01);
          assert.ok(index.isWithinM(lon, lat, 0.01));
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });

  it("does not depend on the direction the route is walked", () => {
    const routes = realRoutes();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: routes.length - 1 }),
        fc.double({ min: -0.2, max: 0.2, noNaN: true }),
        fc.double({ min: -0.2, max: 0.2, noNaN: true }),
        (routeIndex, dLon, dLat) => {
          const { route } = routes[routeIndex]!;
          const middle = route[Math.floor(route.length / 2)]!;
          const lon = middle[0] + dLon;
          const lat = middle[1] + dLat;
          const forward = new RouteIndex(route).distanceM(lon, lat);
          const backward = new RouteIndex([...route].reverse()).distanceM(lon, lat);
          assert.ok(Math.abs(forward - backward) <= 1e-6 * Math.max(1, forward));
        },
      ),
      { seed: 11, numRuns: 200 },
    );
  });

  it("handles a route crossing the antimeridian (Chukotka–Alaska), like turf", () => {
    const route: LonLat[] = [
      [178.2, 64.7],
      [179.6, 65.1],
      [-179.7, 65.3],
      [-178.4, 65.6],
    ];
    const index = new RouteIndex(route);
    for (const [lon, lat] of [
      [179.95, 65.25],
      [-179.9, 65.15],
      [180, 65.3],
      [-180, 65.0],
      [179.99, 65.4],
    ] as LonLat[]) {
      const ours = index.distanceM(lon, lat);
      const turf = turfDistanceM(route, lon, lat);
      assert.ok(
        Math.abs(ours - turf) <= TOLERANCE * turf + 0.01,
        `at ${lon},${lat}: ours ${ours} turf ${turf}`,
      );
      assert.ok(ours < 30_000, `a point beside the crossing is near the route, got ${ours} m`);
    }
  });

  it("stays accurate at high latitudes and across the pole", () => {
    const svalbard: LonLat[] = [
      [15.6, 78.2],
      [16.4, 78.5],
      [18.0, 78.9],
      [20.0, 79.4],
    ];
    const polar: LonLat[] = [
      [0, 88],
      [90, 89],
      [180, 88.5],
    ];
    for (const route of [svalbard, polar]) {
      const index = new RouteIndex(route);
      fc.assert(
        fc.property(
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.double({ min: 500, max: 5000, noNaN: true }),
          fc.double({ min: 0, max: 360, noNaN: true }),
          (t, d, bearing) => {
            const segment = Math.min(route.length - 2, Math.floor(t * (route.length - 1)));
            const base = alongArc(route[segment]!, route[segment + 1]!, t * (route.length - 1) - segment);
            const [lon, lat] = offset(base, d, bearing);
            const ours = index.distanceM(lon, lat);
            const turf = turfDistanceM(route, lon, lat);
            assert.ok(Math.abs(ours - turf) <= TOLERANCE * turf + 0.01, `ours ${ours} turf ${turf}`);
          },
        ),
        { seed: 3, numRuns: 150 },
      );
    }
  });

  it("measures a single-vertex route as the distance to that point", () => {
    const index = new RouteIndex([[100.5, 13.7]]);
    const d = index.distanceM(100.51, 13.7);
    assert.ok(Math.abs(d - haversineM(100.5, 13.7, 100.51, 13.7)) < 0.01);
  });

  it("rejects an empty route", () => {
    assert.throws(() => new RouteIndex([]), RangeError);
  });
});

describe("RouteIndex.isWithinM", () => {
  it("agrees with distanceM away from the limit, with and without a device hint", () => {
    const routes = realRoutes();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: routes.length - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 4000, noNaN: true }),
        fc.double({ min: 0, max: 360, noNaN: true }),
        fc.integer({ min: 0, max: 10_000 }),
        (routeIndex, t, d, bearing, hintSegment) => {
          const { route } = routes[routeIndex]!;
          const index = new RouteIndex(route);
          const segment = Math.min(route.length - 2, Math.floor(t * (route.length - 1)));
          const [lon, lat] = offset(
            alongArc(route[segment]!, route[segment + 1]!, t * (route.length - 1) - segment),
            d,
            bearing,
          );
          const exact = index.distanceM(lon, lat);
          for (const limit of [500, 1000, 2000]) {
            if (Math.abs(exact - limit) < 1) continue;
            assert.equal(index.isWithinM(lon, lat, limit), exact <= limit);
            const hint = { segment: hintSegment % Math.max(1, route.length - 1) };
            assert.equal(index.isWithinM(lon, lat, limit, hint), exact <= limit);
          }
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });
});
