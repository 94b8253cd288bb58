/**
 * The evidence of every alarm of the public scenarios, as `GET /alarms/{id}` gives it, checked
 * against the scenario's own inputs: where the condition began and ended, the measured values
 * against the trip's rule settings (distances against an independent reference), and the readings
 * it rests on. On SQLite and, when it is reachable, PostgreSQL.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Static } from "@fastify/type-provider-typebox";
import type { AlarmEvidenceView } from "../../src/api/schemas/evidence.js";
import { defaultReportIntervalS } from "../../src/core/domain/model.js";
import { DEFAULT_RULES } from "../../src/core/domain/rules.js";
import type { LonLat } from "../../src/core/geo/sphere.js";
import { parseTimeMs } from "../../src/core/time/rfc3339.js";
import { registerScenario, replayIntoStore } from "../../src/scenario/stored-replay.js";
import { parseScenario, type Scenario } from "../../src/scenario/scenario.js";
import { deviceClassScenarioFiles, readJson, scenarioFiles } from "../support/fixtures.js";
import { distanceToRouteM } from "../oracle/reference.js";
import { createThrowawayDatabase, dropDatabase, probePostgres } from "../store/pg-support.js";
import { createHarness, type AlarmJson, type Harness, type Items } from "./support.js";

interface RawInput {
  readonly type: string;
  readonly device?: string;
  readonly at: string;
  readonly receivedAt?: string;
  readonly office?: string;
  readonly batteryPct?: number;
  readonly position?: { lon: number; lat: number; valid?: boolean };
}

/** The evidence as the OpenAPI document describes it (one object, members by alarm type). */
type Evidence = Static<typeof AlarmEvidenceView>;

const ms = (time: string): number => parseTimeMs(time)!;

/** The scenario's inputs of one device, by event time. */
function inputsOf(scenario: Scenario, device: string | null): RawInput[] {
  return (scenario.inputs as RawInput[])
    .filter((input) => input.device === device && typeof input.at === "string")
    .sort((a, b) => ms(a.at) - ms(b.at));
}

function positionAt(scenario: Scenario, device: string, atMs: number): LonLat | undefined {
  const p = inputsOf(scenario, device).find((i) => ms(i.at) === atMs)?.position;
  return p === undefined ? undefined : [p.lon, p.lat];
}

/** The latest valid fix of the device at or before `atMs`. */
function fixBefore(scenario: Scenario, device: string, atMs: number): LonLat | undefined {
  const fixes = inputsOf(scenario, device).filter(
    (i) => i.position !== undefined && i.position.valid !== false && ms(i.at) <= atMs,
  );
  const p = fixes[fixes.length - 1]?.position;
  return p === undefined ? undefined : [p.lon, p.lat];
}

function checkCommon(alarm: AlarmJson, evidence: Evidence): void {
  assert.equal(evidence.measure.type, alarm.type);
  assert.ok(evidence.reason.length > 10, `a reason in words: "${evidence.reason}"`);
  assert.equal(evidence.began.at, alarm.startedAt, "the evidence begins where the alarm does");
  if (alarm.clearedAt !== null && alarm.type !== "signal_loss" && alarm.type !== "overdue")
    assert.equal(evidence.ended?.at, alarm.clearedAt, "and ends where it cleared");
  if (alarm.clearedAt === null) assert.equal(evidence.ended, null);
  for (const reading of evidence.readings) {
    assert.ok(Number.isInteger(reading.seq), `${reading.role} reading is a stored one`);
    assert.equal(reading.protocol, "scenario");
  }
}

/** What each alarm type's evidence must say, from the scenario's inputs alone. */
function checkMeasure(scenario: Scenario, alarm: AlarmJson, evidence: Evidence): void {
  const trip = scenario.trips.find((t) => t.id === alarm.tripId)!;
  const rules = { ...DEFAULT_RULES, ...trip.rules };
  const m = evidence.measure;
  const startMs = ms(alarm.startedAt);
  const endMs = alarm.clearedAt === null ? Infinity : ms(alarm.clearedAt);
  const device = alarm.deviceId;
  const during =
    device === null ? [] : inputsOf(scenario, device).filter((i) => ms(i.at) >= startMs && ms(i.at) < endMs);
  switch (alarm.type) {
    case "route_deviation": {
      const worst = Math.max(
        ...during
          .filter((i) => i.position !== undefined)
          .map((i) => distanceToRouteM([i.position!.lon, i.position!.lat], trip.route)),
      );
      assert.ok(
        Math.abs(m.distanceM! - worst) <= Math.max(5, worst * 0.005),
        `${m.distanceM} m vs reference ${worst} m`,
      );
      assert.equal(m.corridorM, rules.corridorM);
      assert.ok(m.distanceM! > m.corridorM);
      assert.ok(m.durationS! >= m.minDurationS!);
      assert.deepEqual(evidence.began.position, positionAt(scenario, device!, startMs));
      assert.deepEqual(evidence.ended?.position, positionAt(scenario, device!, endMs));
      assert.match(evidence.reason, /off the corridor/);
      break;
    }
    case "unauthorized_stop": {
      const last = during[during.length - 1]!;
      assert.equal(m.durationS, (ms(last.at) - startMs) / 1000);
      assert.equal(m.allowedS, rules.stopMinS);
      assert.ok(m.durationS >= m.allowedS);
      assert.deepEqual(evidence.began.position, positionAt(scenario, device!, startMs));
      assert.match(evidence.reason, /^stopped \d+/);
      break;
    }
    case "low_battery": {
      const lowest = Math.min(...during.filter((i) => i.batteryPct !== undefined).map((i) => i.batteryPct!));
      assert.equal(m.batteryPct, lowest);
      assert.equal(m.thresholdPct, rules.lowBatteryPct);
      assert.equal(m.clearPct, rules.lowBatteryClearPct);
      assert.ok(
        evidence.readings.some((r) => r.role === "worst" && r.report?.some((w) => w.includes(`${lowest} %`))),
      );
      break;
    }
    case "signal_loss": {
      const spec = scenario.devices.find((d) => d.id === device)!;
      const interval = spec.reportIntervalS ?? defaultReportIntervalS(spec.class)!;
      assert.equal(m.allowedS, rules.signalLossS ?? 2 * interval);
      if (alarm.clearedAt !== null) assert.equal(m.silentS, (endMs - startMs) / 1000);
      assert.ok(m.silentS! > m.allowedS);
      // The last message before the silence is where the conveyance was last seen.
      const lastSeen = evidence.readings.find((r) => r.role === "began");
      assert.ok(lastSeen !== undefined, "the last message before the silence");
      assert.deepEqual(evidence.began.position, fixBefore(scenario, device!, ms(lastSeen.at)));
      assert.match(evidence.reason, /^no message for/);
      break;
    }
    case "overdue": {
      assert.equal(m.deadline, new Date(trip.deadlineMs).toISOString());
      assert.equal(m.destination, trip.destination);
      if (alarm.clearedAt !== null) assert.equal(m.lateS, (endMs - startMs) / 1000);
      assert.ok(m.lateS! > 0);
      assert.match(evidence.reason, /after the deadline/);
      break;
    }
    case "tamper": {
      const began = evidence.readings.find((r) => r.role === "began")!;
      assert.ok((began.report ?? []).length > 0, "the device's own report");
      assert.ok(evidence.reason.startsWith(began.report![0]!), evidence.reason);
      assert.ok(m.reports! >= 1);
      break;
    }
    case "unauthorized_opening":
      assert.equal(m.located, true);
      assert.deepEqual(evidence.began.position, fixBefore(scenario, device!, startMs));
      assert.match(evidence.reason, /open/);
      assert.ok(
        evidence.readings.some((r) => r.role === "before"),
        "the closed state before the opening",
      );
      break;
    case "unexpected_checkpoint":
    case "seal_mismatch": {
      const read = during.find((i) => ms(i.at) === startMs)!;
      assert.equal(m.office, read.office);
      assert.equal(evidence.began.office, read.office);
      const zone = scenario.zones.find((z) => z.id === read.office)!;
      assert.ok(evidence.began.position !== undefined, "the office's place");
      if (zone.shape.type === "circle") assert.deepEqual(evidence.began.position, [...zone.shape.center]);
      if (alarm.type === "unexpected_checkpoint") assert.ok(!m.expectedOffices!.includes(read.office!));
      break;
    }
    case "restricted_zone":
      assert.equal(m.zoneId, alarm.zone);
      break;
  }
}

const files = [...scenarioFiles(), ...deviceClassScenarioFiles()];

interface TestStore {
  readonly url?: string;
  drop(): Promise<void>;
}

function suite(name: string, newStore: () => Promise<TestStore>): void {
  describe(`alarm evidence of the public scenarios (${name})`, () => {
    const seen = new Set<string>();
    for (const file of files) {
      const scenario = parseScenario(readJson(file));
      const expected = (scenario as unknown as { expected?: { alarms?: unknown[] } }).expected?.alarms ?? [];
      if (expected.length === 0) continue;
      it(`explains every alarm of ${scenario.name}`, async () => {
        const target = await newStore();
        const h: Harness = await createHarness(
          {},
          {
            ...(target.url === undefined ? {} : { storeUrl: target.url }),
            callers: ["supervisor", "operator"],
            beforeHost: async (store) => {
              await registerScenario(scenario, store, 0);
              await replayIntoStore(scenario, store);
            },
          },
        );
        try {
          const list = await h.request("GET", "/api/v1/alarms?limit=500", { as: "supervisor" });
          assert.equal(list.statusCode, 200, list.body);
          const alarms = list.json<Items<AlarmJson>>().items;
          assert.ok(alarms.length > 0);
          for (const listed of alarms) {
            const one = await h.request("GET", `/api/v1/alarms/${listed.id}`, { as: "operator" });
            const alarm = one.json<{ alarm: AlarmJson }>().alarm;
            assert.ok(alarm.evidence !== undefined, `${alarm.type} at ${alarm.startedAt} has evidence`);
            assert.deepEqual(listed.evidence, alarm.evidence, "the queue and the alarm agree");
            const evidence = alarm.evidence as unknown as Evidence;
            checkCommon(alarm, evidence);
            checkMeasure(scenario, alarm, evidence);
            seen.add(alarm.type);
          }
        } finally {
          await h.close();
          await target.drop();
        }
      });
    }
    it("covered every alarm type the scenarios raise", () => {
      for (const type of [
        "route_deviation",
        "unauthorized_stop",
        "signal_loss",
        "low_battery",
        "overdue",
        "tamper",
        "unauthorized_opening",
        "unexpected_checkpoint",
      ])
        assert.ok(seen.has(type), `${type} was checked`);
    });
  });
}

suite("SQLite", () => Promise.resolve({ drop: () => Promise.resolve() }));

const probe = await probePostgres();
if (probe.ok) {
  suite("PostgreSQL", async () => {
    const database = await createThrowawayDatabase("sealwatch_evidence");
    return { url: database.url, drop: () => dropDatabase(database.name) };
  });
} else if (process.env.CI !== undefined) {
  describe("alarm evidence on PostgreSQL", () => {
    it("needs PostgreSQL in CI", () => assert.fail(`PostgreSQL is not reachable (${probe.reason})`));
  });
} else {
  describe(
    "alarm evidence on PostgreSQL",
    { skip: `PostgreSQL is not reachable (${probe.reason})` },
    () => {},
  );
}
