/**
 * The semi-active and passive device classes through the product: registered and declared through
 * the API, read through the HTTP ingest, monitored by the engine, their alarms listed by the API.
 * A semi-active seal with a 4-hour heartbeat raises no signal loss between heartbeats; a trip-wide
 * signal-loss limit below a device's interval is refused at declaration; a passive bolt seal read at
 * a checkpoint with a number the declaration does not list raises seal_mismatch (an extension type,
 * critical), which the alarm list, its filter and the trip's alarms carry like any other type.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  createHarness,
  DESTINATION,
  MIDWAY,
  ORIGIN,
  type AlarmJson,
  type ErrorJson,
  type Harness,
  type Items,
  type TripJson,
} from "./support.js";

describe("device classes through the API", () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  const route = { type: "LineString", coordinates: [ORIGIN, MIDWAY, DESTINATION] };
  const deadline = (): string => new Date(h.clock.nowMs() + 3 * 86_400_000).toISOString();

  it("raises seal_mismatch when a bolt seal is read with a number the declaration does not list", async () => {
    for (const [id, identifiers] of [
      ["RFS-1", ["urn:epc:id:giai:4000001.7101", "KE-7101"]],
      ["RFS-2", ["urn:epc:id:giai:4000001.7102", "KE-7102"]],
    ] as const) {
      const response = await h.request("POST", "/api/v1/devices", {
        as: "admin",
        body: {
          id,
          class: "passive",
          vendor: "Generic",
          model: "bolt seal",
          protocol: "epcis",
          identifiers,
        },
      });
      assert.equal(response.statusCode, 201, response.body);
    }
    const declared = await h.request("POST", "/api/v1/trips", {
      as: "admin",
      body: {
        id: "PS-1",
        origin: "OFF-ORIGIN",
        destination: "OFF-DEST",
        route,
        deadline: deadline(),
        devices: ["RFS-1", "RFS-2"],
        containers: ["CSQU3054383"],
        seals: ["KE-7101", "KE-7102"],
      },
    });
    assert.equal(declared.statusCode, 201, declared.body);
    const reads = async (...items: object[]) => {
      const response = await h.request("POST", "/api/v1/ingest/reads", {
        as: "gateway",
        body: { reads: items },
      });
      assert.equal(response.statusCode, 200, response.body);
      await h.host.idle();
      return response.json<{ results: { status: string; reason?: string }[] }>();
    };
    const now = (): string => new Date(h.clock.nowMs()).toISOString();
    await reads(
      { sealId: "KE-7101", office: "OFF-ORIGIN", status: "intact", at: now(), sealNumber: "KE-7101" },
      {
        sealId: "urn:epc:id:giai:4000001.7102",
        office: "KE000001",
        status: "intact",
        at: now(),
        sealNumber: "KE-7102",
      },
    );
    h.clock.advance(60_000);
    const arm = await h.request("POST", "/api/v1/trips/PS-1/arm", { as: "officer", body: {} });
    assert.equal(arm.statusCode, 200, arm.body);
    h.clock.advance(3_600_000);
    const invalid = await reads({
      sealId: "KE-7101",
      office: "OFF-DEST",
      status: "intact",
      at: now(),
      sealNumber: "bad\u0007number",
    });
    assert.equal(invalid.results[0]!.status, "rejected");
    assert.equal(invalid.results[0]!.reason, "invalid");
    const swappedAt = now();
    await reads({
      sealId: "KE-7101",
      office: "OFF-DEST",
      status: "intact",
      at: swappedAt,
      sealNumber: "KE-7199",
    });
    const mismatch = (await h.request("GET", "/api/v1/alarms?type=seal_mismatch", { as: "operator" })).json<
      Items<AlarmJson>
    >();
    assert.deepEqual(
      mismatch.items.map((a) => [a.type, a.severity, a.tripId, a.deviceId, a.startedAt]),
      [["seal_mismatch", "critical", "PS-1", "RFS-1", swappedAt]],
    );
    const trip = (await h.request("GET", "/api/v1/trips/PS-1", { as: "officer" })).json<TripJson>();
    assert.equal(trip.state, "arrived");
    // The matching seal read at the same office raises nothing more.
    h.clock.advance(1_000);
    await reads({
      sealId: "KE-7102",
      office: "OFF-DEST",
      status: "intact",
      at: now(),
      sealNumber: "KE-7102",
    });
    const all = (await h.request("GET", "/api/v1/alarms?tripId=PS-1", { as: "operator" })).json<
      Items<AlarmJson>
    >();
    assert.deepEqual(
      all.items.map((a) => a.type),
      ["seal_mismatch"],
    );
  });

  it("monitors a semi-active seal on its own heartbeat: no signal loss before two are missed", async () => {
    const device = await h.request("POST", "/api/v1/devices", {
      as: "admin",
      body: {
        id: "SAS-1",
        class: "semi-active",
        vendor: "Generic",
        model: "wagon seal",
        protocol: "http",
        identifiers: ["SAS-0001"],
        reportIntervalS: 14_400,
      },
    });
    assert.equal(device.statusCode, 201, device.body);
    const refused = await h.request("POST", "/api/v1/trips", {
      as: "admin",
      body: {
        id: "SA-REFUSED",
        origin: "OFF-ORIGIN",
        destination: "OFF-DEST",
        route,
        deadline: deadline(),
        devices: ["SAS-1"],
        rules: { signalLossS: 600 },
      },
    });
    assert.equal(refused.statusCode, 400);
    const error = refused.json<ErrorJson>();
    assert.match(error.message, /signalLossS.*shorter than the report interval of device "SAS-1".*14400/s);
    const declared = await h.request("POST", "/api/v1/trips", {
      as: "admin",
      body: {
        id: "SA-1",
        origin: "OFF-ORIGIN",
        destination: "OFF-DEST",
        route,
        deadline: deadline(),
        devices: ["SAS-1"],
      },
    });
    assert.equal(declared.statusCode, 201, declared.body);
    await h.reading("SAS-1", ORIGIN);
    const armed = await h.host.command({ tripId: "SA-1", command: "arm", actor: "user:test" });
    assert.ok(armed.accepted, armed.refusal);
    await h.reading("SAS-1", MIDWAY);
    const lastMs = h.clock.nowMs() - 1000;
    // Hourly ticks for almost 8 hours (two heartbeats): nothing.
    for (let hour = 1; hour <= 7; hour++) {
      h.clock.set(lastMs + hour * 3_600_000);
      await h.host.tick();
    }
    h.clock.set(lastMs + 8 * 3_600_000);
    await h.host.tick();
    // (Hours later the test's sessions have expired: the alarms are read from the store.)
    assert.deepEqual(await h.store.alarms.forTrip("SA-1"), []);
    h.clock.set(lastMs + 8 * 3_600_000 + 1_000);
    await h.host.tick();
    assert.deepEqual(
      (await h.store.alarms.forTrip("SA-1")).map((a) => [a.type, a.startedAtMs]),
      [["signal_loss", lastMs]],
    );
  });
});
