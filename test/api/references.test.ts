/**
 * References inside answers obey the visibility rule of the object they name, and answers do not
 * tell whether an object outside the caller's scope exists (no existence oracle).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  createHarness,
  DESTINATION,
  FARAWAY,
  MIDWAY,
  type DeviceJson,
  type ErrorJson,
  type Harness,
  type Items,
} from "./support.js";

describe("references across scopes", () => {
  let h: Harness;
  let theirs: { tripId: string; deviceId: string };
  before(async () => {
    h = await createHarness();
    // An armed trip at OFF-ORIGIN → OFF-DEST (officer's offices; not officer2's, who has OFF-FAR).
    theirs = await h.newTrip({ stage: "armed" });
  });
  after(() => h.close());

  const declare = (as: "officer" | "officer2", extra: object) =>
    h.request("POST", "/api/v1/trips", {
      as,
      body: {
        origin: "OFF-FAR",
        destination: "OFF-DEST",
        route: { type: "LineString", coordinates: [FARAWAY, MIDWAY, DESTINATION] },
        deadline: new Date(h.clock.nowMs() + 86_400_000).toISOString(),
        devices: [theirs.deviceId],
        ...extra,
      },
    });

  it("a device's activeTripId only names a trip the caller may see", async () => {
    const activeOf = async (as: "officer" | "officer2" | "operator") => {
      const one = (await h.request("GET", `/api/v1/devices/${theirs.deviceId}`, { as })).json<DeviceJson>();
      const listed = (await h.request("GET", "/api/v1/devices", { as }))
        .json<Items<DeviceJson>>()
        .items.find((d) => d.id === theirs.deviceId);
      assert.equal(one.activeTripId, listed?.activeTripId);
      return one.activeTripId;
    };
    assert.equal(await activeOf("operator"), theirs.tripId);
    assert.equal(await activeOf("officer"), theirs.tripId);
    assert.equal(await activeOf("officer2"), undefined);
    assert.equal(
      (await h.request("GET", `/api/v1/trips/${theirs.tripId}`, { as: "officer2" })).statusCode,
      404,
      "the trip itself is not visible to officer2",
    );
  });

  it("declaring with an id taken outside one's scope answers like a fresh id while anything else is wrong", async () => {
    for (const faulty of [
      { destination: "NO-SUCH-OFFICE" },
      { checkpoints: ["NO-SUCH-OFFICE"] },
      { devices: ["NO-SUCH-DEVICE"] },
    ]) {
      const taken = await declare("officer2", { id: theirs.tripId, ...faulty });
      const fresh = await declare("officer2", { id: "TRIP-NEVER-USED", ...faulty });
      assert.equal(taken.statusCode, fresh.statusCode, JSON.stringify(faulty));
      assert.deepEqual(
        taken.json<ErrorJson>(),
        fresh.json<ErrorJson>(),
        `same answer for ${JSON.stringify(faulty)}`,
      );
      assert.notEqual(taken.statusCode, 409);
    }
    assert.equal(
      (await h.request("GET", "/api/v1/trips/TRIP-NEVER-USED", { as: "admin" })).statusCode,
      404,
      "nothing was declared",
    );
  });

  it("a refusal never names a trip outside the caller's scope", async () => {
    const mine = await declare("officer2", { id: "TRIP-FAR-1" });
    assert.equal(mine.statusCode, 201, mine.body);
    const refused = await h.request("POST", "/api/v1/trips/TRIP-FAR-1/arm", { as: "officer2" });
    assert.equal(refused.statusCode, 409);
    const { message } = refused.json<ErrorJson>();
    assert.ok(!message.includes(theirs.tripId), message);
    assert.ok(!/armed|in_transit/.test(message), message);
    assert.match(message, /another live trip/);
    // Staff who see every trip keep the full reason.
    const full = await h.request("POST", "/api/v1/trips/TRIP-FAR-1/arm", { as: "supervisor" });
    assert.match(full.json<ErrorJson>().message, new RegExp(theirs.tripId));
  });
});
