/**
 * Inspection at destination over HTTP: the recommendation and its reasons, the officer's decision
 * and outcome, and the disarm that waits for them when the channel is red or an alarm is open;
 * refusals for another office's officer and for a trip not at its destination; what traders see.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { randomDraw } from "../../src/risk/random-draw.js";
import {
  createHarness,
  DESTINATION,
  MIDWAY,
  PASSWORD,
  type AuditJson,
  type ErrorJson,
  type Harness,
  type Items,
} from "./support.js";

interface InspectionJson {
  tripId: string;
  state: "live" | "fixed";
  channel: "green" | "yellow" | "red";
  recommendedDecision: string;
  score?: number;
  reasons?: { code: string; weight: number; text: string; floor?: string }[];
  ruleSet?: { id: string; version: string };
  decision?: {
    kind: string;
    reason?: string;
    departsFromRecommendation: boolean;
    by: string;
    office: string;
  };
  outcome?: { result: string; description?: string };
  released: boolean;
  disarm?: { allowed: boolean; refusal?: string };
}

const SEED = "inspection-test-seed";

describe("inspection at destination", () => {
  let h: Harness;
  let originOfficer: string;
  before(async () => {
    h = await createHarness({ riskRandomSeed: SEED });
    await h.request("POST", "/api/v1/users", {
      as: "admin",
      body: { username: "origin-only", password: PASSWORD, role: "officer", offices: ["OFF-ORIGIN"] },
    });
    const login = await h.request("POST", "/api/v1/auth/login", {
      body: { username: "origin-only", password: PASSWORD },
    });
    originOfficer = login.json<{ token: string }>().token;
  });
  after(() => h.close());

  const inspection = async (tripId: string, as: "officer" | "trader" | "supervisor" = "officer") => {
    const r = await h.request("GET", `/api/v1/trips/${tripId}/inspection`, { as });
    assert.equal(r.statusCode, 200, r.body);
    return r.json<InspectionJson>();
  };

  it("a tamper and an opening never handled: red with reasons, and the disarm refused with why", async () => {
    const { tripId, deviceId } = await h.newTrip({ stage: "in_transit" });
    await h.reading(deviceId, MIDWAY, { tamper: true });
    await h.reading(deviceId, MIDWAY, { seal: "open" });
    const travelling = await inspection(tripId);
    assert.equal(travelling.state, "live");
    assert.equal(travelling.channel, "red");
    await h.reading(deviceId, DESTINATION);
    const fixed = await inspection(tripId);
    assert.equal(fixed.state, "fixed");
    assert.equal(fixed.channel, "red");
    assert.equal(fixed.recommendedDecision, "physical_inspection");
    assert.deepEqual(fixed.ruleSet, { id: "sealwatch-default", version: "1.0.0" });
    const codes = fixed.reasons!.map((r) => r.code);
    assert.ok(codes.includes("alarm.tamper") && codes.includes("alarm.unauthorized_opening"), codes.join());
    const opening = fixed.reasons!.find((r) => r.code === "alarm.unauthorized_opening")!;
    assert.match(
      opening.text,
      /^seal opened for \d+ min outside any office at 1\.45 S 37\.25 E; still open$/,
    );
    assert.equal(opening.floor, "red");
    assert.equal(fixed.disarm?.allowed, false);

    const refused = await h.request("POST", `/api/v1/trips/${tripId}/disarm`, { as: "officer", body: {} });
    assert.equal(refused.statusCode, 409, refused.body);
    const error = refused.json<ErrorJson>();
    assert.equal(error.code, "DISARM_REFUSED");
    assert.match(error.message, /the channel is red \(score [\d.]+: /);
    assert.match(error.message, /2 alarms are not resolved \(tamper open, unauthorized_opening open\)/);
    assert.match(error.message, /records the inspection decision first/);
    assert.equal((await h.store.trips.get(tripId))?.state, "arrived");

    // Releasing a red trip departs from the recommendation: a reason is required.
    const noReason = await h.request("POST", `/api/v1/trips/${tripId}/inspection/decision`, {
      as: "officer",
      body: { decision: "release" },
    });
    assert.equal(noReason.statusCode, 400, noReason.body);
    assert.match(noReason.json<ErrorJson>().message, /departs from it and needs a reason/);
    const decided = await h.request("POST", `/api/v1/trips/${tripId}/inspection/decision`, {
      as: "officer",
      body: { decision: "physical_inspection" },
    });
    assert.equal(decided.statusCode, 200, decided.body);
    const withDecision = decided.json<InspectionJson>();
    assert.deepEqual(
      { ...withDecision.decision, at: undefined },
      {
        kind: "physical_inspection",
        departsFromRecommendation: false,
        by: "user:officer",
        office: "OFF-DEST",
        at: undefined,
      },
    );
    assert.equal(withDecision.disarm?.allowed, true);
    const disarmed = await h.request("POST", `/api/v1/trips/${tripId}/disarm`, { as: "officer", body: {} });
    assert.equal(disarmed.statusCode, 200, disarmed.body);

    const vague = await h.request("POST", `/api/v1/trips/${tripId}/inspection/outcome`, {
      as: "officer",
      body: { result: "irregularity_found" },
    });
    assert.equal(vague.statusCode, 400, vague.body);
    const found = await h.request("POST", `/api/v1/trips/${tripId}/inspection/outcome`, {
      as: "officer",
      body: { result: "irregularity_found", description: "two undeclared pallets of cigarettes" },
    });
    assert.equal(found.statusCode, 200, found.body);
    assert.equal(found.json<InspectionJson>().released, false);
    const again = await h.request("POST", `/api/v1/trips/${tripId}/inspection/outcome`, {
      as: "officer",
      body: { result: "no_irregularity" },
    });
    assert.equal(again.json<ErrorJson>().code, "DECISION_REFUSED");

    const audit = (
      await h.request("GET", `/api/v1/audit?subjectType=trip&subjectId=${tripId}`, { as: "admin" })
    ).json<Items<AuditJson>>();
    const actions = audit.items.map((r) => r.action);
    for (const action of [
      "trip.inspection.recommend",
      "trip.disarm.refused",
      "trip.inspection.decide",
      "trip.disarm",
      "trip.inspection.outcome",
    ])
      assert.ok(actions.includes(action), `${action} in ${actions.join(", ")}`);
    const recommend = audit.items.find((r) => r.action === "trip.inspection.recommend")!;
    assert.equal((recommend.details as { channel: string }).channel, "red");

    // The decision and its outcome go out in the open formats (the recommendation alone does not).
    const dcsa = await h.request("GET", `/api/v1/trips/${tripId}/export?format=dcsa`, { as: "officer" });
    assert.equal(dcsa.statusCode, 200, dcsa.body);
    const dcsaCodes = dcsa
      .json<{ payload: { equipmentEventTypeCode?: string } }[]>()
      .map((e) => e.payload.equipmentEventTypeCode);
    assert.ok(dcsaCodes.includes("CUSI") && dcsaCodes.includes("INSP"), dcsaCodes.join());
    const epcis = await h.request("GET", `/api/v1/trips/${tripId}/export?format=epcis`, { as: "officer" });
    const inspecting = epcis
      .json<{ epcisBody: { eventList: { bizStep?: string; disposition?: string }[] } }>()
      .epcisBody.eventList.filter((e) => e.bizStep === "inspecting");
    assert.deepEqual(
      inspecting.map((e) => e.disposition),
      [undefined, "non_conformant"],
    );
  });

  it("refuses a decision by another office's officer, and on a trip not at its destination", async () => {
    const travelling = await h.newTrip({ stage: "in_transit" });
    const early = await h.request("POST", `/api/v1/trips/${travelling.tripId}/inspection/decision`, {
      as: "officer",
      body: { decision: "release" },
    });
    assert.equal(early.statusCode, 409, early.body);
    assert.equal(early.json<ErrorJson>().code, "DECISION_REFUSED");
    assert.match(early.json<ErrorJson>().message, /in transit, not at its destination/);

    const arrived = await h.newTrip({ stage: "arrived" });
    const origin = await h.request("POST", `/api/v1/trips/${arrived.tripId}/inspection/decision`, {
      token: originOfficer,
      body: { decision: "release" },
    });
    assert.equal(origin.statusCode, 403, origin.body);
    assert.match(origin.json<ErrorJson>().message, /an officer of OFF-DEST/);
    const stranger = await h.request("POST", `/api/v1/trips/${arrived.tripId}/inspection/decision`, {
      as: "officer2",
      body: { decision: "release" },
    });
    assert.equal(stranger.statusCode, 404, stranger.body);
    const operator = await h.request("POST", `/api/v1/trips/${arrived.tripId}/inspection/decision`, {
      as: "operator",
      body: { decision: "release" },
    });
    assert.equal(operator.statusCode, 403, operator.body);
    const bad = await h.request("POST", `/api/v1/trips/${arrived.tripId}/inspection/decision`, {
      as: "officer",
      body: { decision: "wave_through" },
    });
    assert.equal(bad.statusCode, 400, bad.body);
  });

  it("a clean trip: green (or picked at random), disarmed without a decision and released; traders see only that", async () => {
    const { tripId } = await h.newTrip({ stage: "arrived" });
    const staff = await inspection(tripId);
    const picked = randomDraw(SEED, tripId) < 0.05;
    assert.equal(staff.channel, picked ? "yellow" : "green");
    assert.equal(staff.disarm?.allowed, true);
    const disarmed = await h.request("POST", `/api/v1/trips/${tripId}/disarm`, { as: "officer", body: {} });
    assert.equal(disarmed.statusCode, 200, disarmed.body);
    const after = await inspection(tripId);
    assert.equal(after.released, !picked);
    if (!picked) assert.deepEqual(after.decision?.kind, "release");

    const trader = await inspection(tripId, "trader");
    assert.deepEqual(Object.keys(trader).sort(), [
      "arrivedAt",
      "asOf",
      "channel",
      "office",
      "recommendedDecision",
      "released",
      ...(picked ? [] : ["releasedAt"]),
      "state",
      "tripId",
    ]);
    const other = await h.request("GET", `/api/v1/trips/${tripId}/inspection`, { as: "trader2" });
    assert.equal(other.statusCode, 404);
  });

  it("an alarm resolved as a false alarm: not red, and no decision needed to disarm", async () => {
    const { tripId, deviceId, alarm } = await h.newAlarm();
    for (const [action, body] of [
      ["acknowledge", {}],
      ["resolve", { outcome: "false_alarm", notes: "the driver knocked the lock" }],
    ] as const) {
      const r = await h.request("POST", `/api/v1/alarms/${alarm.id}/${action}`, { as: "operator", body });
      assert.equal(r.statusCode, 200, r.body);
    }
    await h.reading(deviceId, DESTINATION);
    const fixed = await inspection(tripId);
    assert.notEqual(fixed.channel, "red");
    const tamper = fixed.reasons!.find((r) => r.code === "alarm.tamper")!;
    assert.equal(tamper.weight, 6);
    assert.match(tamper.text, /resolved as a false alarm$/);
    const disarmed = await h.request("POST", `/api/v1/trips/${tripId}/disarm`, { as: "officer", body: {} });
    assert.equal(disarmed.statusCode, 200, disarmed.body);
  });

  it("figures over the trips decided here: staff see them, traders do not", async () => {
    const r = await h.request("GET", "/api/v1/kpis/inspections", { as: "supervisor" });
    assert.equal(r.statusCode, 200, r.body);
    const figures = r.json<{
      trips: number;
      byChannel: Record<string, number>;
      physicalInspections: number;
    }>();
    const stored = await h.store.inspections.list();
    assert.equal(figures.trips, stored.length);
    assert.ok(figures.byChannel.red! >= 1);
    assert.equal(
      figures.physicalInspections,
      stored.filter((x) => x.decision?.kind === "physical_inspection").length,
    );
    assert.equal((await h.request("GET", "/api/v1/kpis/inspections", { as: "trader" })).statusCode, 403);
    const bad = await h.request("GET", "/api/v1/kpis/inspections?from=yesterday", { as: "supervisor" });
    assert.equal(bad.statusCode, 400, bad.body);
  });

  it("a forced disarm before arrival waits until the trip's alarms are resolved", async () => {
    const { tripId } = await h.newAlarm();
    const forced = await h.request("POST", `/api/v1/trips/${tripId}/disarm`, {
      as: "supervisor",
      body: { force: true, reason: "accident: cargo transferred under escort" },
    });
    assert.equal(forced.statusCode, 409, forced.body);
    assert.match(
      forced.json<ErrorJson>().message,
      /1 alarm is not resolved \(tamper open\); resolve them before disarming/,
    );
  });
});
