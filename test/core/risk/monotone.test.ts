/**
 * Property: adding a confirmed breach to any trip record never lowers the channel (nor, with every
 * floor switched off, the score): the evaluator is monotone in the evidence that should make it so.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ALARM_TYPES } from "../../../src/core/domain/model.js";
import { evaluateRisk } from "../../../src/core/risk/evaluate.js";
import type { RiskAlarm, RiskReading } from "../../../src/core/risk/record.js";
import { channelRank, PUBLISHED_RULE_SET, type RiskRuleSet } from "../../../src/core/risk/rule-set.js";
import { alarm, along, MIN, record, T0 } from "./records.js";

const NO_FLOORS: RiskRuleSet = {
  ...PUBLISHED_RULE_SET,
  floors: { confirmedBreach: "green", unresolvedCritical: "green", unresolvedHigh: "green" },
};

const reading = fc
  .record({
    minute: fc.integer({ min: 0, max: 240 }),
    offKm: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 8, noNaN: true })),
    seal: fc.constantFrom("closed", "open", undefined),
    batteryPct: fc.integer({ min: 0, max: 100 }),
  })
  .map(({ minute, offKm, seal, batteryPct }): RiskReading => {
    const [lon, lat] = along(minute / 240, offKm);
    return {
      deviceId: "lock-1",
      kind: "message",
      atMs: T0 + minute * MIN,
      lon,
      lat,
      valid: true,
      batteryPct,
      ...(seal === undefined ? {} : { seal }),
    };
  });

const anAlarm = (outcomes: readonly (RiskAlarm["outcome"] | "open" | "acknowledged")[]) =>
  fc
    .record({
      type: fc.constantFrom(...ALARM_TYPES),
      start: fc.integer({ min: 0, max: 239 }),
      length: fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined }),
      state: fc.constantFrom(...outcomes),
    })
    .map(({ type, start, length, state }): RiskAlarm =>
      alarm(type, start, {
        id: `a-${type}-${start}-${String(state)}`,
        clearedAtMs: length === undefined ? null : T0 + (start + length) * MIN,
        ...(state === "open" || state === "acknowledged"
          ? { workflow: state }
          : { workflow: "resolved", ...(state === undefined ? {} : { outcome: state }) }),
      }),
    );

const tripRecord = fc
  .record({
    readings: fc.array(reading, { maxLength: 60 }),
    alarms: fc.array(
      anAlarm(["open", "acknowledged", "false_alarm", "technical_fault", "confirmed_breach", undefined]),
      {
        maxLength: 6,
      },
    ),
    randomDraw: fc.double({ min: 0, max: 0.999, noNaN: true }),
    aeo: fc.boolean(),
  })
  .map(({ readings, alarms, randomDraw, aeo }) => {
    const base = record();
    return record({
      readings: readings.sort((a, b) => a.atMs - b.atMs),
      alarms,
      randomDraw,
      history: {
        ...base.history,
        trader: { ...base.history.trader!, ...(aeo ? { aeo: "AEOS" as const } : {}) },
      },
    });
  });

describe("risk evaluator: monotone in confirmed breaches", () => {
  it("adding a confirmed breach never lowers the channel", () => {
    fc.assert(
      fc.property(tripRecord, anAlarm(["confirmed_breach"]), (input, breach) => {
        const before = evaluateRisk(input, PUBLISHED_RULE_SET);
        const after = evaluateRisk({ ...input, alarms: [...input.alarms, breach] }, PUBLISHED_RULE_SET);
        assert.ok(
          channelRank(after.channel) >= channelRank(before.channel),
          `${before.channel} became ${after.channel} when ${breach.type} was added`,
        );
        assert.equal(after.channel, "red");
      }),
      { numRuns: 300, seed: 12 },
    );
  });

  it("without floors, adding a confirmed breach never lowers the score or the channel", () => {
    fc.assert(
      fc.property(tripRecord, anAlarm(["confirmed_breach"]), (input, breach) => {
        const before = evaluateRisk(input, NO_FLOORS);
        const after = evaluateRisk({ ...input, alarms: [...input.alarms, breach] }, NO_FLOORS);
        assert.ok(
          after.score >= before.score,
          `score ${before.score} became ${after.score} (${breach.type})`,
        );
        assert.ok(channelRank(after.channel) >= channelRank(before.channel));
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});
