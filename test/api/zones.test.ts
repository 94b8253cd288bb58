/** Offices and zones: GeoJSON Features in and out, shapes, identifiers, and the engine kept in step. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  createHarness,
  MIDWAY,
  ORIGIN,
  type Harness,
  type ZoneJson,
  type AuditJson,
  type ErrorJson,
  type Items,
} from "./support.js";

describe("zones", () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  it("defines a polygon zone from a GeoJSON Feature and gives it back closed, with its properties", async () => {
    // Counter-clockwise and closed, as RFC 7946 says: given back as it came.
    const ring = [
      [37.0, -1.5],
      [37.1, -1.5],
      [37.1, -1.4],
      [37.0, -1.4],
      [37.0, -1.5],
    ];
    const created = await h.request("POST", "/api/v1/zones", {
      as: "supervisor",
      body: {
        type: "Feature",
        id: "NO-GO-1",
        geometry: { type: "Polygon", coordinates: [ring] },
        properties: { kind: "restricted", name: "Game reserve" },
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const zone = created.json<ZoneJson>();
    assert.equal(zone.type, "Feature");
    assert.equal(zone.id, "NO-GO-1");
    assert.deepEqual(zone.geometry, { type: "Polygon", coordinates: [ring] });
    assert.equal(zone.properties.kind, "restricted");
    assert.equal(h.host.engine.hasZone("NO-GO-1"), true);
    const read = (await h.request("GET", "/api/v1/zones/NO-GO-1", { as: "trader" })).json<ZoneJson>();
    assert.deepEqual(read, zone);
  });

  it("defines an office as a circle (Point + radiusM) with a normalized office code and UN/LOCODE", async () => {
    const r = await h.request("POST", "/api/v1/zones", {
      as: "admin",
      body: {
        type: "Feature",
        id: "OFF-MSA",
        geometry: { type: "Point", coordinates: [39.66, -4.05] },
        properties: {
          kind: "office",
          name: "Mombasa port",
          officeCode: "ke000009",
          unLocode: "ke mba",
          radiusM: 2500,
        },
      },
    });
    assert.equal(r.statusCode, 201, r.body);
    assert.deepEqual(r.json<ZoneJson>().properties.officeCode, "KE000009");
    assert.deepEqual(r.json<ZoneJson>().properties.unLocode, "KEMBA");
    assert.equal(r.json<ZoneJson>().properties.radiusM, 2500);
  });

  it("lists zones as a FeatureCollection, filtered by kind", async () => {
    const offices = (await h.request("GET", "/api/v1/zones?kind=office", { as: "officer" })).json<{
      type: string;
      features: ZoneJson[];
    }>();
    assert.equal(offices.type, "FeatureCollection");
    assert.ok(offices.features.length >= 3);
    assert.ok(
      offices.features.every((f: { properties: { kind: string } }) => f.properties.kind === "office"),
    );
  });

  it("changes a zone with PUT (engine and audit too); a PUT of a new id creates it", async () => {
    const body = {
      type: "Feature",
      geometry: { type: "Point", coordinates: MIDWAY },
      properties: { kind: "rest", name: "Truck stop", radiusM: 400 },
    };
    const created = await h.request("PUT", "/api/v1/zones/REST-A", { as: "admin", body });
    assert.equal(created.statusCode, 201);
    const changed = await h.request("PUT", "/api/v1/zones/REST-A", {
      as: "admin",
      body: { ...body, properties: { ...body.properties, radiusM: 900 } },
    });
    assert.equal(changed.statusCode, 200);
    assert.equal(changed.json<ZoneJson>().properties.radiusM, 900);
    assert.equal(
      changed.json<ZoneJson>().properties.createdAt,
      created.json<ZoneJson>().properties.createdAt,
    );
    const audit = (
      await h.request("GET", "/api/v1/audit?subjectType=zone&subjectId=REST-A", { as: "admin" })
    ).json<Items<AuditJson>>();
    assert.deepEqual(
      audit.items.map((r: { action: string }) => r.action),
      ["zone.create", "zone.update"],
    );
    assert.equal(audit.items[1]?.actor, "user:admin");
  });

  it("refuses what a zone cannot be", async () => {
    const post = (body: object) => h.request("POST", "/api/v1/zones", { as: "admin", body });
    const point = { type: "Point", coordinates: ORIGIN };
    const cases: [object, number, RegExp][] = [
      [
        { type: "Feature", geometry: point, properties: { kind: "rest", radiusM: 5 } },
        400,
        /body\.id: a new zone needs an id/,
      ],
      [{ type: "Feature", id: "Z1", geometry: point, properties: { kind: "rest" } }, 400, /needs radiusM/],
      [
        {
          type: "Feature",
          id: "Z1",
          geometry: { type: "LineString", coordinates: [ORIGIN, MIDWAY] },
          properties: { kind: "rest" },
        },
        400,
        /body\.geometry/,
      ],
      [
        {
          type: "Feature",
          id: "Z1",
          geometry: { type: "Polygon", coordinates: [[ORIGIN, MIDWAY, ORIGIN, MIDWAY]] },
          properties: { kind: "rest" },
        },
        400,
        /body\.geometry\.coordinates: ring 0 is not closed/,
      ],
      [
        {
          type: "Feature",
          id: "Z1",
          geometry: {
            type: "Polygon",
            coordinates: [
              [
                [37.0, -1.5],
                [37.1, -1.4],
                [37.1, -1.5],
                [37.0, -1.4],
                [37.0, -1.5],
              ],
            ],
          },
          properties: { kind: "restricted" },
        },
        400,
        /^body\.geometry\.coordinates: ring 0 crosses itself between positions 0–1 and 2–3$/,
      ],
      [
        {
          type: "Feature",
          id: "Z1",
          geometry: point,
          properties: { kind: "rest", radiusM: 10, officeCode: "KE000001" },
        },
        400,
        /only office zones have an office code/,
      ],
      [
        { type: "Feature", id: "Z1", geometry: point, properties: { kind: "harbour", radiusM: 10 } },
        400,
        /body\.properties\.kind: must be one of/,
      ],
      [
        { type: "Feature", id: "OFF-ORIGIN", geometry: point, properties: { kind: "office", radiusM: 10 } },
        409,
        /already exists/,
      ],
    ];
    for (const [body, status, message] of cases) {
      const r = await post(body);
      assert.equal(r.statusCode, status, r.body);
      assert.match(r.json<ErrorJson>().message, message);
    }
    const keep = await h.newTrip();
    assert.ok(keep.tripId);
    const demote = await h.request("PUT", "/api/v1/zones/OFF-ORIGIN", {
      as: "admin",
      body: { type: "Feature", geometry: point, properties: { kind: "rest", radiusM: 10 } },
    });
    assert.equal(demote.statusCode, 400);
    assert.match(demote.json<ErrorJson>().message, /stays an office/);
  });

  it("answers 404 for an unknown zone", async () => {
    assert.equal((await h.request("GET", "/api/v1/zones/NOPE", { as: "admin" })).statusCode, 404);
  });
});
