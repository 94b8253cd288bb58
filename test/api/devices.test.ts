/** The device registry, its lifecycle, tenancy, keys through the gateway, and the remote unlock. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  createHarness,
  DESTINATION,
  type Harness,
  type DeviceJson,
  type AuditJson,
  type ErrorJson,
  type Items,
  type KeyJson,
} from "./support.js";

const teltonika = (id: string, extra: object = {}) => ({
  id,
  class: "active",
  vendor: "Teltonika",
  model: "FMC130",
  protocol: "teltonika",
  identifiers: [`35${id.replace(/\D/g, "").padStart(13, "0")}`],
  reportIntervalS: 60,
  ...extra,
});

describe("devices", () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  it("registers a device in stock, in the store and the engine, and audits it", async () => {
    const r = await h.request("POST", "/api/v1/devices", {
      as: "supervisor",
      body: teltonika("TRK-1", { companyId: "OTHER", settings: { io: { seal: 1 } } }),
    });
    assert.equal(r.statusCode, 201, r.body);
    const device = r.json<DeviceJson>();
    assert.equal(device.lifecycle, "in_stock");
    assert.deepEqual(device.settings, { io: { seal: 1 } });
    assert.equal(h.host.engine.hasDevice("TRK-1"), true);
    const audit = (
      await h.request("GET", "/api/v1/audit?subjectType=device&subjectId=TRK-1", { as: "admin" })
    ).json<Items<AuditJson>>();
    assert.equal(audit.items[0]!.action, "device.create");
    assert.equal(audit.items[0]!.actor, "user:supervisor");
  });

  it("updates a registration but never its class; refuses an identifier another device has", async () => {
    await h.request("POST", "/api/v1/devices", { as: "admin", body: teltonika("TRK-2") });
    const { id: _id, ...update } = teltonika("TRK-2", { reportIntervalS: 120 });
    const ok = await h.request("PUT", "/api/v1/devices/TRK-2", { as: "admin", body: update });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json<DeviceJson>().reportIntervalS, 120);
    const reclass = await h.request("PUT", "/api/v1/devices/TRK-2", {
      as: "admin",
      body: { ...update, class: "passive" },
    });
    assert.equal(reclass.statusCode, 400);
    assert.match(reclass.json<ErrorJson>().message, /class cannot change/);
    const taken = await h.request("POST", "/api/v1/devices", {
      as: "admin",
      body: { ...teltonika("TRK-3"), identifiers: update.identifiers },
    });
    assert.equal(taken.statusCode, 409);
    assert.match(taken.json<ErrorJson>().message, /already identifies device "TRK-2"/);
    const unknownCompany = await h.request("POST", "/api/v1/devices", {
      as: "admin",
      body: teltonika("TRK-4", { companyId: "NOBODY" }),
    });
    assert.equal(unknownCompany.statusCode, 404);
    assert.equal(
      (await h.request("PUT", "/api/v1/devices/NOPE", { as: "admin", body: update })).statusCode,
      404,
    );
  });

  it("moves through the lifecycle by allowed steps only", async () => {
    const id = await h.newDevice("ACME");
    const step = (to: string) =>
      h.request("POST", `/api/v1/devices/${id}/lifecycle`, { as: "admin", body: { to, reason: "test" } });
    assert.equal((await step("in_use")).statusCode, 409);
    for (const to of ["assigned", "in_use", "maintenance"])
      assert.equal((await step(to)).json<DeviceJson>().lifecycle, to);
    const retired = await step("retired");
    assert.equal(retired.json<DeviceJson>().lifecycle, "retired");
    const back = await step("in_stock");
    assert.equal(back.statusCode, 409);
    assert.equal(back.json<ErrorJson>().code, "INVALID_TRANSITION");
    assert.match(back.json<ErrorJson>().message, /retirement is final/);
    const audit = (
      await h.request("GET", `/api/v1/audit?subjectType=device&subjectId=${id}`, { as: "admin" })
    ).json<Items<AuditJson>>();
    const lifecycle = audit.items.filter((r) => r.action === "device.lifecycle");
    assert.deepEqual(
      lifecycle.map((r) => (r.details as { to: string }).to),
      ["assigned", "in_use", "maintenance", "retired"],
    );
  });

  it("keeps a device on a live trip in use, and keeps retired devices off new trips", async () => {
    const { deviceId } = await h.newTrip({ stage: "armed" });
    const r = await h.request("POST", `/api/v1/devices/${deviceId}/lifecycle`, {
      as: "admin",
      body: { to: "maintenance" },
    });
    assert.equal(r.statusCode, 409);
    assert.equal(r.json<ErrorJson>().code, "DEVICE_UNAVAILABLE");
    const shown = (await h.request("GET", `/api/v1/devices/${deviceId}`, { as: "admin" })).json<DeviceJson>();
    assert.ok(shown.activeTripId);
    const spare = await h.newDevice("ACME");
    await h.request("POST", `/api/v1/devices/${spare}/lifecycle`, {
      as: "admin",
      body: { to: "maintenance" },
    });
    const declared = await h.request("POST", "/api/v1/trips", {
      as: "admin",
      body: {
        origin: "OFF-ORIGIN",
        destination: "OFF-DEST",
        route: { type: "LineString", coordinates: [[36.9, -1.3], DESTINATION] },
        deadline: new Date(h.clock.nowMs() + 3_600_000).toISOString(),
        devices: [spare],
      },
    });
    assert.equal(declared.statusCode, 409);
    assert.equal(declared.json<ErrorJson>().code, "DEVICE_UNAVAILABLE");
  });

  it("shows traders their company's devices only; another company's device is 404", async () => {
    const mine = await h.newDevice("ACME");
    const theirs = await h.newDevice("OTHER");
    const list = (await h.request("GET", "/api/v1/devices", { as: "trader" })).json<Items<DeviceJson>>();
    assert.ok(list.items.length > 0);
    assert.ok(list.items.every((d: { companyId?: string }) => d.companyId === "ACME"));
    const asking = await h.request("GET", "/api/v1/devices?companyId=OTHER", { as: "trader" });
    assert.ok(
      asking.json<Items<DeviceJson>>().items.every((d: { companyId?: string }) => d.companyId === "ACME"),
    );
    assert.equal((await h.request("GET", `/api/v1/devices/${mine}`, { as: "trader" })).statusCode, 200);
    assert.equal((await h.request("GET", `/api/v1/devices/${theirs}`, { as: "trader" })).statusCode, 404);
    const byLifecycle = (await h.request("GET", "/api/v1/devices?lifecycle=retired", { as: "admin" })).json<
      Items<DeviceJson>
    >();
    assert.ok(byLifecycle.items.every((d: { lifecycle: string }) => d.lifecycle === "retired"));
  });

  it("issues, lists, rotates and retires message keys through the gateway, never showing a key twice", async () => {
    const id = await h.newDevice("ACME");
    const first = await h.request("POST", `/api/v1/devices/${id}/keys`, {
      as: "admin",
      body: { algorithm: "hmac-sha256" },
    });
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(Buffer.from(first.json<KeyJson>().secret, "base64").length, 32);
    const second = (
      await h.request("POST", `/api/v1/devices/${id}/keys`, {
        as: "admin",
        body: { algorithm: "hmac-sha256" },
      })
    ).json<KeyJson>();
    const listed = (await h.request("GET", `/api/v1/devices/${id}/keys`, { as: "supervisor" })).json<
      Items<{ keyId: string; retiredAt?: string }>
    >();
    assert.equal(listed.items.length, 2);
    assert.ok(
      listed.items.find((k) => k.keyId === first.json<KeyJson>().key.keyId)?.retiredAt,
      "rotation retires the old key",
    );
    assert.ok(!JSON.stringify(listed).includes(first.json<KeyJson>().secret));
    const retired = await h.request("DELETE", `/api/v1/devices/${id}/keys/${second.key.keyId}`, {
      as: "admin",
    });
    assert.equal(retired.statusCode, 204);
    assert.equal(
      (await h.request("DELETE", `/api/v1/devices/${id}/keys/nope`, { as: "admin" })).statusCode,
      404,
    );
    const audit = (
      await h.request("GET", `/api/v1/audit?subjectType=device&subjectId=${id}`, { as: "admin" })
    ).json<Items<AuditJson>>();
    assert.deepEqual(
      audit.items.map((r: { action: string }) => r.action).filter((a: string) => a.startsWith("device.key")),
      ["device.key.issue", "device.key.issue", "device.key.retire"],
    );
  });

  it("sends the remote unlock only once the trip has arrived, as the officer's action", async () => {
    const early = await h.newTrip({ stage: "in_transit" });
    const refused = await h.request("POST", `/api/v1/devices/${early.deviceId}/unlock`, {
      as: "officer",
      body: { tripId: early.tripId },
    });
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(refused.json<ErrorJson>().code, "COMMAND_REFUSED");
    const { tripId, deviceId } = await h.newTrip({ stage: "arrived" });
    await h.reading(deviceId, DESTINATION);
    const outsider = await h.request("POST", `/api/v1/devices/${deviceId}/unlock`, {
      as: "officer2",
      body: { tripId },
    });
    assert.equal(outsider.statusCode, 404);
    const other = await h.newDevice("ACME");
    const wrongTrip = await h.request("POST", `/api/v1/devices/${other}/unlock`, {
      as: "officer",
      body: { tripId },
    });
    assert.equal(wrongTrip.statusCode, 400);
    const accepted = await h.request("POST", `/api/v1/devices/${deviceId}/unlock`, {
      as: "officer",
      body: { tripId, reason: "released" },
    });
    assert.equal(accepted.statusCode, 202, accepted.body);
    assert.equal(accepted.json<{ status: string; actor: string }>().status, "queued");
    assert.equal(accepted.json<{ status: string; actor: string }>().actor, "user:officer");
    const audit = (
      await h.request("GET", `/api/v1/audit?subjectType=device&subjectId=${deviceId}`, { as: "admin" })
    ).json<Items<AuditJson>>();
    assert.ok(audit.items.some((r: { action: string }) => r.action === "device.unlock"));
  });
});
