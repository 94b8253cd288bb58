/** The whole trip and alarm lifecycle driven through the API, as docs/api.md walks it with curl. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  createHarness,
  DESTINATION,
  MIDWAY,
  ORIGIN,
  type AlarmDetailJson,
  type AlarmJson,
  type AuditJson,
  type CommandJson,
  type Harness,
  type Items,
  type TimelineEntryJson,
  type TrackJson,
  type TripJson,
} from "./support.js";

describe("the trip and alarm lifecycle over HTTP", () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  it("declares, arms, raises and handles an alarm, arrives, disarms, and audits every step", async () => {
    const deviceId = await h.newDevice("ACME");
    const declared = await h.request("POST", "/api/v1/trips", {
      as: "officer",
      body: {
        id: "KE-2506-0001",
        mrn: "25KE00000000000015",
        origin: "OFF-ORIGIN",
        destination: "OFF-DEST",
        route: { type: "LineString", coordinates: [ORIGIN, MIDWAY, DESTINATION] },
        deadline: new Date(h.clock.nowMs() + 86_400_000).toISOString(),
        devices: [deviceId],
        companyId: "ACME",
        containers: ["CSQU3054383", "MSKU 907032 3"],
        conveyance: { mode: "road", registration: "KBX 123A", nationality: "KE" },
        rules: { corridorM: 2000 },
      },
    });
    assert.equal(declared.statusCode, 201, declared.body);
    const trip = declared.json<TripJson>();
    assert.equal(trip.state, "declared");
    assert.deepEqual(trip.containers, ["CSQU3054383", "MSKU9070323"]);
    assert.equal(trip.mrn, "25KE00000000000015");
    assert.equal(trip.route.type, "LineString");

    // The lock reports itself sealed at the origin office; the officer arms.
    await h.reading(deviceId, ORIGIN);
    const armed = await h.request("POST", "/api/v1/trips/KE-2506-0001/arm", { as: "officer" });
    assert.equal(armed.statusCode, 200, armed.body);
    assert.equal(armed.json<CommandJson>().trip.state, "armed");

    // On the road: in transit, then the lock reports a tamper.
    await h.reading(deviceId, MIDWAY);
    await h.reading(deviceId, MIDWAY, { tamper: true });
    const queue = await h.request("GET", "/api/v1/alarms?state=open", { as: "operator" });
    assert.equal(queue.statusCode, 200, queue.body);
    const alarm = queue.json<Items<AlarmJson>>().items.find((a) => a.tripId === "KE-2506-0001")!;
    assert.equal(alarm.type, "tamper");
    assert.equal(alarm.severity, "critical");
    assert.equal(alarm.workflow, "open");

    const path = `/api/v1/alarms/${alarm.id}`;
    const ack = await h.request("POST", `${path}/acknowledge`, {
      as: "operator",
      body: { note: "calling the driver" },
    });
    assert.equal(ack.statusCode, 200, ack.body);
    assert.equal(ack.json<AlarmJson>().workflow, "acknowledged");
    const assign = await h.request("POST", `${path}/assign`, {
      as: "operator",
      body: { assignee: "officer" },
    });
    assert.equal(assign.json<AlarmJson>().assignee, "officer");
    const comment = await h.request("POST", `${path}/comments`, {
      as: "officer",
      body: { text: "seal checked at the roadside" },
    });
    assert.equal(comment.statusCode, 200, comment.body);
    const report = await h.request("POST", "/api/v1/trips/KE-2506-0001/incidents", {
      as: "trader",
      body: { kind: "accident", description: "a minor collision shook the lock", alarmId: alarm.id },
    });
    assert.equal(report.statusCode, 201, report.body);
    const resolved = await h.request("POST", `${path}/resolve`, {
      as: "officer",
      body: { outcome: "false_alarm", notes: "vibration from the collision" },
    });
    assert.equal(resolved.statusCode, 200, resolved.body);
    assert.equal(resolved.json<AlarmJson>().workflow, "resolved");
    assert.equal(resolved.json<AlarmJson>().outcome, "false_alarm");

    const detail = (await h.request("GET", path, { as: "supervisor" })).json<AlarmDetailJson>();
    assert.deepEqual(
      detail.actions.map((a) => a.action),
      ["acknowledge", "assign", "comment", "report", "resolve"],
    );

    // Arrival inside the destination office, then the disarm closes the trip.
    await h.reading(deviceId, DESTINATION);
    const arrived = (await h.request("GET", "/api/v1/trips/KE-2506-0001", { as: "trader" })).json<TripJson>();
    assert.equal(arrived.state, "arrived");
    const disarmed = await h.request("POST", "/api/v1/trips/KE-2506-0001/disarm", {
      as: "officer",
      body: {},
    });
    assert.equal(disarmed.statusCode, 200, disarmed.body);
    assert.equal(disarmed.json<CommandJson>().trip.state, "closed");

    const track = (
      await h.request("GET", "/api/v1/trips/KE-2506-0001/track", { as: "trader" })
    ).json<TrackJson>();
    assert.equal(track.type, "FeatureCollection");
    assert.deepEqual(track.features[0]!.geometry.coordinates.at(-1), [...DESTINATION]);

    const timeline = (
      await h.request("GET", "/api/v1/trips/KE-2506-0001/timeline", { as: "supervisor" })
    ).json<{ entries: TimelineEntryJson[] }>();
    const actions = timeline.entries.filter((e) => e.kind !== "reading").map((e) => e.action ?? "");
    for (const expected of [
      "trip.declare",
      "trip.arm",
      "alarm.raise",
      "alarm.acknowledge",
      "alarm.resolve",
      "trip.incident",
      "trip.disarm",
    ])
      assert.ok(actions.includes(expected), `${expected} in ${actions.join(", ")}`);
    assert.ok(timeline.entries.some((e) => e.kind === "transition"));
    assert.ok(timeline.entries.some((e) => e.kind === "reading"));

    const audit = (
      await h.request("GET", "/api/v1/audit?subjectType=alarm&subjectId=" + alarm.id, { as: "admin" })
    ).json<Items<AuditJson>>();
    const acknowledge = audit.items.find((r) => r.action === "alarm.acknowledge")!;
    assert.equal(acknowledge.actor, "user:operator");
    assert.ok(acknowledge.at);
    const verify = (await h.request("GET", "/api/v1/audit/verify", { as: "supervisor" })).json<{
      ok: boolean;
    }>();
    assert.equal(verify.ok, true);
  });
});
