/** Trips: declaration, scope (404 for what a caller may not see), commands, track, timeline, incidents. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  createHarness,
  DESTINATION,
  MIDWAY,
  ORIGIN,
  type Harness,
  type TripJson,
  type ErrorJson,
  type Items,
  type AuditJson,
  type CommandJson,
  type TrackJson,
  type TimelineEntryJson,
  type AlarmDetailJson,
} from "./support.js";

describe("trips", () => {
  let h: Harness;
  const body = (deviceId: string, extra: object = {}) => ({
    origin: "OFF-ORIGIN",
    destination: "OFF-DEST",
    route: { type: "LineString", coordinates: [ORIGIN, MIDWAY, DESTINATION] },
    deadline: new Date(h.clock.nowMs() + 86_400_000).toISOString(),
    devices: [deviceId],
    companyId: "ACME",
    ...extra,
  });
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  it("declares a trip with its whole declaration and stores it in the engine", async () => {
    const deviceId = await h.newDevice();
    const r = await h.request("POST", "/api/v1/trips", {
      as: "officer",
      body: body(deviceId, {
        reference: "LRN-2025-0042",
        checkpoints: ["OFF-FAR"],
        carrierId: "OTHER",
        containers: ["CSQU3054383"],
        seals: ["KE12345678"],
        conveyance: { mode: "sea", registration: "MV Example", imo: "IMO 9074729" },
        goodsDescription: "Coffee, 20 t",
        rules: { corridorM: 1500, stopMinS: 3600 },
      }),
    });
    assert.equal(r.statusCode, 201, r.body);
    const trip = r.json<TripJson>();
    assert.match(trip.id, /^trip-[0-9a-f]{12}$/);
    assert.equal(trip.reference, "LRN-2025-0042");
    assert.deepEqual(trip.checkpoints, ["OFF-FAR"]);
    assert.equal(trip.carrierId, "OTHER");
    assert.equal(trip.conveyance?.imo, "9074729");
    assert.deepEqual(trip.rules, { corridorM: 1500, stopMinS: 3600 });
    assert.equal(trip.declaredBy, "user:officer");
    assert.equal(h.host.engine.hasTrip(trip.id), true);
    assert.equal(
      (await h.request("GET", `/api/v1/trips/${trip.id}`, { as: "trader" })).json<TripJson>().id,
      trip.id,
    );
  });

  it("refuses unknown offices, devices and companies, a duplicate id, and an officer declaring elsewhere", async () => {
    const deviceId = await h.newDevice();
    const cases: [object, string, number, RegExp][] = [
      [body(deviceId, { origin: "NOWHERE" }), "admin", 404, /origin "NOWHERE" is not a known zone/],
      [body("NO-DEVICE"), "admin", 404, /body\.devices\[0\]: device "NO-DEVICE" does not exist/],
      [body(deviceId, { companyId: "NOBODY" }), "admin", 404, /body\.companyId/],
      [body(deviceId, { origin: "OFF-FAR", destination: "OFF-FAR" }), "officer", 403, /their offices/],
    ];
    for (const [payload, as, status, message] of cases) {
      const r = await h.request("POST", "/api/v1/trips", { as: as as "admin", body: payload });
      assert.equal(r.statusCode, status, r.body);
      assert.match(r.json<ErrorJson>().message, message);
    }
    await h.request("POST", "/api/v1/trips", { as: "admin", body: body(deviceId, { id: "DUP-1" }) });
    const dup = await h.request("POST", "/api/v1/trips", {
      as: "admin",
      body: body(deviceId, { id: "DUP-1" }),
    });
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json<ErrorJson>().code, "DUPLICATE_ID");
  });

  it("hides another company's trips from a trader and other offices' trips from an officer: 404, not 403", async () => {
    await h.newTrip({ companyId: "ACME" });
    const theirs = await h.newTrip({ companyId: "OTHER", stage: "armed" });
    for (const url of [
      `/api/v1/trips/${theirs.tripId}`,
      `/api/v1/trips/${theirs.tripId}/track`,
      `/api/v1/trips/${theirs.tripId}/timeline`,
    ]) {
      const r = await h.request("GET", url, { as: "trader" });
      assert.equal(r.statusCode, 404, url);
      assert.deepEqual(r.json(), {
        code: "NOT_FOUND",
        message: `trip "${theirs.tripId}" not found`,
        statusCode: 404,
      });
      assert.deepEqual(
        await h
          .request("GET", url.replace(theirs.tripId, "NEVER-EXISTED"), { as: "trader" })
          .then((x) => x.statusCode),
        404,
      );
    }
    const incident = await h.request("POST", `/api/v1/trips/${theirs.tripId}/incidents`, {
      as: "trader",
      body: { kind: "other", description: "hello" },
    });
    assert.equal(incident.statusCode, 404);
    assert.equal(
      (await h.request("GET", `/api/v1/trips/${theirs.tripId}`, { as: "officer2" })).statusCode,
      404,
    );
    assert.equal(
      (
        await h.request("POST", `/api/v1/trips/${theirs.tripId}/disarm`, {
          as: "officer2",
          body: { force: true, reason: "x" },
        })
      ).statusCode,
      404,
    );
    const listed = (await h.request("GET", "/api/v1/trips", { as: "trader" })).json<Items<TripJson>>();
    assert.ok(listed.items.length > 0);
    assert.ok(listed.items.every((t) => t.companyId === "ACME"));
    const far = (await h.request("GET", "/api/v1/trips", { as: "officer2" })).json<Items<TripJson>>().items;
    assert.ok(
      far.every((t: { origin: string; destination: string; checkpoints: string[] }) =>
        [t.origin, t.destination, ...t.checkpoints].includes("OFF-FAR"),
      ),
    );
    assert.ok(!far.some((t: { id: string }) => t.id === theirs.tripId));
  });

  it("lists trips by state and office, newest first, paged", async () => {
    await h.newTrip({ stage: "armed" });
    const armed = (
      await h.request("GET", "/api/v1/trips?state=armed&state=in_transit", { as: "admin" })
    ).json<Items<TripJson>>();
    assert.ok(armed.items.length >= 2);
    assert.ok(armed.items.every((t: { state: string }) => ["armed", "in_transit"].includes(t.state)));
    const page = (await h.request("GET", "/api/v1/trips?limit=1&offset=1", { as: "operator" })).json<
      Items<TripJson>
    >();
    assert.equal(page.items.length, 1);
    assert.equal(page.limit, 1);
    const all = (await h.request("GET", "/api/v1/trips", { as: "operator" })).json<Items<TripJson>>().items;
    assert.equal(page.items[0]?.id, all[1]?.id);
    assert.ok(Date.parse(all[0]!.createdAt) >= Date.parse(all[1]!.createdAt));
    const atFar = (await h.request("GET", "/api/v1/trips?office=OFF-FAR", { as: "admin" })).json<
      Items<TripJson>
    >().items;
    assert.ok(atFar.every((t: { checkpoints: string[] }) => t.checkpoints.includes("OFF-FAR")));
  });

  it("passes commands through the engine: refusals are 409 with the engine's reason", async () => {
    const { tripId, deviceId } = await h.newTrip();
    const early = await h.request("POST", `/api/v1/trips/${tripId}/arm`, { as: "officer" });
    assert.equal(early.statusCode, 409);
    assert.equal(early.json<ErrorJson>().code, "COMMAND_REFUSED");
    assert.match(early.json<ErrorJson>().message, /has not reported its seal state/);
    await h.reading(deviceId, ORIGIN);
    assert.equal((await h.request("POST", `/api/v1/trips/${tripId}/arm`, { as: "officer" })).statusCode, 200);
    assert.equal(
      (await h.request("POST", `/api/v1/trips/${tripId}/cancel`, { as: "officer" })).statusCode,
      409,
    );
    const operator = await h.request("POST", `/api/v1/trips/${tripId}/disarm`, {
      as: "operator",
      body: { force: true, reason: "x" },
    });
    assert.equal(operator.statusCode, 403);
    const notArrived = await h.request("POST", `/api/v1/trips/${tripId}/disarm`, { as: "officer", body: {} });
    assert.match(notArrived.json<ErrorJson>().message, /not arrived/);
    const noReason = await h.request("POST", `/api/v1/trips/${tripId}/disarm`, {
      as: "officer",
      body: { force: true },
    });
    assert.match(noReason.json<ErrorJson>().message, /no reason/);
    const forced = await h.request("POST", `/api/v1/trips/${tripId}/disarm`, {
      as: "supervisor",
      body: { force: true, reason: "inspection at the roadside" },
    });
    assert.equal(forced.statusCode, 200, forced.body);
    assert.equal(forced.json<CommandJson>().trip.state, "closed");
    const audit = (
      await h.request("GET", `/api/v1/audit?subjectType=trip&subjectId=${tripId}`, { as: "admin" })
    ).json<Items<AuditJson>>();
    const actions = audit.items.map((r: { action: string }) => r.action);
    assert.ok(actions.includes("trip.arm.refused"));
    const disarm = audit.items.find((r) => r.action === "trip.disarm")!;
    assert.deepEqual(disarm.details, { force: true, reason: "inspection at the roadside" });
    assert.equal(disarm.actor, "user:supervisor");
  });

  it("cancels a declared trip", async () => {
    const { tripId } = await h.newTrip();
    const r = await h.request("POST", `/api/v1/trips/${tripId}/cancel`, {
      as: "officer",
      body: { reason: "withdrawn" },
    });
    assert.equal(r.json<CommandJson>().trip.state, "cancelled");
  });

  it("gives the track as GeoJSON LineStrings of valid fixes with their times, thinned on request", async () => {
    const { tripId, deviceId } = await h.newTrip({ stage: "in_transit" });
    for (let i = 0; i < 6; i++) await h.reading(deviceId, [MIDWAY[0] + i * 0.01, MIDWAY[1]]);
    const track = (
      await h.request("GET", `/api/v1/trips/${tripId}/track`, { as: "trader" })
    ).json<TrackJson>();
    const line = track.features[0]!;
    assert.equal(line.properties.deviceId, deviceId);
    // The fix at the origin came before the arming: outside the trip's window.
    assert.equal(line.geometry.coordinates.length, 7);
    assert.equal(line.properties.times.length, 7);
    const thin = (
      await h.request("GET", `/api/v1/trips/${tripId}/track?maxPoints=3`, { as: "trader" })
    ).json<TrackJson>();
    assert.equal(thin.features[0]!.geometry.coordinates.length, 3);
    assert.deepEqual(thin.features[0]!.geometry.coordinates.at(-1), line.geometry.coordinates.at(-1));
    const declared = await h.newTrip();
    assert.deepEqual(
      (await h.request("GET", `/api/v1/trips/${declared.tripId}/track`, { as: "admin" })).json<TrackJson>()
        .features[0]!.geometry.coordinates,
      [],
    );
  });

  it("keeps internal handling out of a trader's timeline", async () => {
    const { tripId, alarm } = await h.newAlarm();
    await h.request("POST", `/api/v1/alarms/${alarm.id}/comments`, {
      as: "operator",
      body: { text: "internal note" },
    });
    const staff = (
      await h.request("GET", `/api/v1/trips/${tripId}/timeline?readings=false`, { as: "operator" })
    ).json<{ entries: TimelineEntryJson[] }>();
    const trader = (
      await h.request("GET", `/api/v1/trips/${tripId}/timeline?readings=false`, { as: "trader" })
    ).json<{ entries: TimelineEntryJson[] }>();
    assert.ok(staff.entries.some((e: { action?: string }) => e.action === "alarm.comment"));
    assert.ok(!trader.entries.some((e: { action?: string }) => e.action === "alarm.comment"));
    assert.ok(trader.entries.some((e: { action?: string }) => e.action === "alarm.raise"));
    assert.ok(!trader.entries.some((e: { kind: string }) => e.kind === "reading"));
    // Who handled it is ours: no officer or operator, no notes, in what a trader reads.
    await h.request("POST", `/api/v1/alarms/${alarm.id}/acknowledge`, { as: "operator", body: {} });
    await h.request("POST", `/api/v1/alarms/${alarm.id}/resolve`, {
      as: "operator",
      body: { outcome: "false_alarm", notes: "operator Anan checked with the driver" },
    });
    const handled = (
      await h.request("GET", `/api/v1/trips/${tripId}/timeline?readings=false`, { as: "trader" })
    ).json<{ entries: (TimelineEntryJson & { actor?: string; details?: Record<string, unknown> })[] }>();
    const resolved = handled.entries.find((e) => (e as { action?: string }).action === "alarm.resolve");
    assert.equal(resolved?.details?.outcome, "false_alarm");
    for (const e of handled.entries) {
      assert.ok(e.actor === undefined || e.actor === "engine" || e.actor === "system", JSON.stringify(e));
      assert.ok(
        !JSON.stringify(e).includes("Anan") && !JSON.stringify(e).includes("operator"),
        JSON.stringify(e),
      );
    }
    const staffView = (
      await h.request("GET", `/api/v1/trips/${tripId}/timeline?readings=false`, { as: "operator" })
    ).json<{ entries: { action?: string; actor?: string }[] }>();
    assert.ok(
      staffView.entries.some((e) => e.action === "alarm.resolve" && (e.actor ?? "").startsWith("user:")),
    );
    const limited = (
      await h.request("GET", `/api/v1/trips/${tripId}/timeline?limit=2`, { as: "operator" })
    ).json<{ entries: TimelineEntryJson[] }>();
    assert.equal(limited.entries.length, 2);
  });

  it("takes incident reports on the road, attached to an alarm when named", async () => {
    const { tripId, alarm } = await h.newAlarm();
    const r = await h.request("POST", `/api/v1/trips/${tripId}/incidents`, {
      as: "trader",
      body: {
        kind: "seals_broken",
        description: "the lock was hit while loading",
        alarmId: alarm.id,
        position: MIDWAY,
        at: new Date(h.clock.nowMs() - 60_000).toISOString(),
      },
    });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json<{ reportedBy: string }>().reportedBy, "user:trader");
    const actions = (
      await h.request("GET", `/api/v1/alarms/${alarm.id}`, { as: "trader" })
    ).json<AlarmDetailJson>().actions;
    assert.equal(actions.at(-1)?.action, "report");
    const wrong = await h.request("POST", `/api/v1/trips/${tripId}/incidents`, {
      as: "trader",
      body: { kind: "other", description: "x", alarmId: "nope" },
    });
    assert.equal(wrong.statusCode, 404);
  });
});
