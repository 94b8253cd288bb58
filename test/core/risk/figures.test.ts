import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Channel } from "../../../src/core/risk/rule-set.js";
import { inspectionFigures } from "../../../src/risk/figures.js";
import type {
  InspectionDecisionKind,
  InspectionRecord,
  InspectionResult,
} from "../../../src/store/inspection-ports.js";
import type { AlarmRecord } from "../../../src/store/ports.js";
import { MIN, T0 } from "./records.js";

function inspection(
  id: string,
  channel: Channel,
  decision: InspectionDecisionKind,
  result?: InspectionResult,
  options: { random?: boolean; releasedAfterMin?: number } = {},
): InspectionRecord {
  return {
    tripId: id,
    office: "OFF-DEST",
    recommendation: {
      channel,
      score: 0,
      riskChannel: options.random === true ? "green" : channel,
      reasons: [],
      ruleSet: { id: "sealwatch-default", version: "1.0.0" },
      random: { share: 0.05, draw: options.random === true ? 0.01 : 0.5, selected: options.random === true },
      asOfMs: T0,
    },
    fixedAtMs: T0,
    arrivedAtMs: T0,
    decision: {
      kind: decision,
      departsFromRecommendation: false,
      actor: "user:o",
      office: "OFF-DEST",
      atMs: T0 + MIN,
    },
    ...(result === undefined ? {} : { outcome: { result, actor: "user:o", atMs: T0 + 2 * MIN } }),
    ...(options.releasedAfterMin === undefined ? {} : { releasedAtMs: T0 + options.releasedAfterMin * MIN }),
    updatedAtMs: T0,
  };
}

function resolved(type: AlarmRecord["type"], outcome: AlarmRecord["outcome"] | undefined): AlarmRecord {
  return {
    id: `${type}-${String(outcome)}`,
    type,
    trip: "t",
    device: null,
    startedAtMs: T0,
    severity: "high",
    clearedAtMs: null,
    retracted: false,
    workflow: outcome === undefined ? "open" : "resolved",
    ...(outcome === undefined ? {} : { outcome }),
    raisedAtMs: T0,
    updatedAtMs: T0,
  };
}

describe("inspection figures", () => {
  it("on a seeded history: shares, release times, hit rates with random selections apart, false alarms, hours saved", () => {
    const history = [
      inspection("g1", "green", "release", undefined, { releasedAfterMin: 10 }),
      inspection("g2", "green", "release", undefined, { releasedAfterMin: 20 }),
      inspection("y1", "yellow", "documentary_check", "no_irregularity", { releasedAfterMin: 60 }),
      inspection("r1", "red", "physical_inspection", "irregularity_found"),
      inspection("r2", "red", "physical_inspection", "no_irregularity", { releasedAfterMin: 120 }),
      inspection("y2", "yellow", "documentary_check", "irregularity_found", { random: true }),
    ];
    const alarms = [
      resolved("tamper", "false_alarm"),
      resolved("tamper", "confirmed_breach"),
      resolved("route_deviation", "technical_fault"),
      resolved("signal_loss", undefined),
    ];
    assert.deepEqual(inspectionFigures(history, alarms, 2), {
      trips: 6,
      byChannel: { green: 2, yellow: 2, red: 2 },
      greenShare: 0.3333,
      arrivalToRelease: {
        green: { released: 2, medianMin: 15 },
        yellow: { released: 1, medianMin: 60 },
        red: { released: 1, medianMin: 120 },
      },
      hitRate: {
        green: { checks: 0, irregularities: 0, rate: null },
        yellow: { checks: 1, irregularities: 0, rate: 0 },
        red: { checks: 2, irregularities: 1, rate: 0.5 },
        random: { checks: 1, irregularities: 1, rate: 1 },
      },
      falseAlarms: {
        tamper: { resolved: 2, falseAlarms: 1, rate: 0.5 },
        route_deviation: { resolved: 1, falseAlarms: 0, rate: 0 },
      },
      physicalInspections: 2,
      inspectionsAvoided: 4,
      hoursSaved: 8,
    });
  });

  it("without trips, rates are null rather than zero", () => {
    const figures = inspectionFigures([], [], 2);
    assert.equal(figures.greenShare, null);
    assert.equal(figures.hitRate.red.rate, null);
    assert.equal(figures.hoursSaved, 0);
  });
});
