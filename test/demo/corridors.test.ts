/** The demo's corridors are the public scenarios' geometry, and their routes join their offices. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import fc from "fast-check";
import { prepareRing, ringContains } from "../../src/core/geo/polygon.js";
import { corridorRoute, DEMO_CORRIDORS, DEMO_ZONES, demoZone } from "../../src/demo/corridors.js";
import { decodePolyline, encodePolyline } from "../../src/demo/polyline.js";

interface Scenario {
  zones: { id: string; kind: string; polygon?: [number, number][] }[];
  trips: { origin: string; destination: string; route: [number, number][] }[];
}

const dir = "test/fixtures/scenarios";
const scenarios = new Map<string, Scenario>(
  readdirSync(dir).map((name) => [name, JSON.parse(readFileSync(`${dir}/${name}`, "utf8")) as Scenario]),
);

describe("demo corridors", () => {
  it("decode to exactly the route of the scenario they come from", () => {
    for (const corridor of DEMO_CORRIDORS) {
      const scenario = scenarios.get(corridor.source);
      assert.ok(scenario, corridor.source);
      const trip = scenario.trips.find(
        (t) => t.origin === corridor.origin && t.destination === corridor.destination,
      );
      assert.ok(trip, `${corridor.id} in ${corridor.source}`);
      assert.deepEqual(corridorRoute(corridor), trip.route);
    }
  });

  it("have the scenarios' zones, rings unchanged", () => {
    for (const zone of DEMO_ZONES) {
      // Some zones are drawn slightly differently in two scenarios; the demo takes one of them.
      const versions = [...scenarios.values()].flatMap((s) => s.zones).filter((z) => z.id === zone.id);
      assert.ok(versions.length > 0, zone.id);
      assert.ok(
        versions.some((z) => z.kind === zone.kind && JSON.stringify(z.polygon) === JSON.stringify(zone.ring)),
        `${zone.id} is one of the scenarios' versions`,
      );
    }
  });

  it("start inside the origin office and end inside the destination office", () => {
    for (const corridor of DEMO_CORRIDORS) {
      const route = corridorRoute(corridor);
      const inside = (zoneId: string, point: readonly [number, number]) =>
        ringContains(prepareRing(demoZone(zoneId).ring), point[0], point[1]);
      assert.ok(inside(corridor.origin, route[0]!), `${corridor.id} starts in ${corridor.origin}`);
      assert.ok(
        inside(corridor.destination, route[route.length - 1]!),
        `${corridor.id} ends in ${corridor.destination}`,
      );
      for (const rest of corridor.restZones) assert.equal(demoZone(rest).kind, "rest");
    }
  });

  it("polyline encoding round-trips any route at 1e-5 degrees", () => {
    const coordinate = fc.tuple(
      fc.integer({ min: -18_000_000, max: 18_000_000 }),
      fc.integer({ min: -9_000_000, max: 9_000_000 }),
    );
    fc.assert(
      fc.property(fc.array(coordinate, { minLength: 1, maxLength: 50 }), (raw) => {
        const points = raw.map(([lon, lat]) => [lon / 1e5, lat / 1e5] as const);
        const decoded = decodePolyline(encodePolyline(points));
        assert.equal(decoded.length, points.length);
        decoded.forEach(([lon, lat], i) => {
          assert.ok(Math.abs(lon - points[i]![0]) < 1e-9);
          assert.ok(Math.abs(lat - points[i]![1]) < 1e-9);
        });
      }),
    );
  });

  it("refuses a truncated polyline", () => {
    const encoded = encodePolyline([[100.5, 13.5]]);
    assert.throws(() => decodePolyline(encoded.slice(0, -1)));
  });
});
