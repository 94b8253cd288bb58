import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateRisk } from "../../../src/core/risk/evaluate.js";
import type { RiskReading } from "../../../src/core/risk/record.js";
import { PUBLISHED_RULE_SET as RULES } from "../../../src/core/risk/rule-set.js";
import { alarm, along, cleanReadings, MIN, record, T0 } from "./records.js";

/** The clean trip with the seal reported open at 13.52 N 100.91 E at minute 140, closed again 6 min later. */
function openingReadings(): RiskReading[] {
  const readings = cleanReadings(240).filter((r) => r.atMs < T0 + 140 * MIN || r.atMs > T0 + 146 * MIN);
  readings.push(
    {
      deviceId: "lock-1",
      kind: "message",
      atMs: T0 + 140 * MIN,
      lon: 100.91,
      lat: 13.52,
      valid: true,
      seal: "open",
    },
    {
      deviceId: "lock-1",
      kind: "message",
      atMs: T0 + 146 * MIN,
      lon: 100.91,
      lat: 13.52,
      valid: true,
      seal: "closed",
    },
  );
  return readings.sort((a, b) => a.atMs - b.atMs);
}

describe("risk evaluator: scenarios", () => {
  it("a clean trip of an established trader is green with no reasons", () => {
    const r = evaluateRisk(record(), RULES);
    assert.equal(r.channel, "green");
    assert.equal(r.score, 0);
    assert.deepEqual(r.reasons, []);
    assert.deepEqual(r.ruleSet, { id: "sealwatch-default", version: RULES.version });
  });

  it("an opening outside any office, still open, is red with where and how long", () => {
    const r = evaluateRisk(
      record({ readings: openingReadings(), alarms: [alarm("unauthorized_opening", 140)] }),
      RULES,
    );
    assert.equal(r.channel, "red");
    const reason = r.reasons.find((x) => x.code === "alarm.unauthorized_opening");
    assert.ok(reason);
    assert.equal(reason.text, "seal opened for 6 min outside any office at 13.52 N 100.91 E; still open");
    // 60 points, plus 1 a minute for 6 minutes, unresolved (factor 1); critical and unresolved: red floor.
    assert.equal(reason.weight, 66);
    assert.equal(reason.floor, "red");
    assert.deepEqual(reason.position, [100.91, 13.52]);
  });

  it("a tamper alarm is told in the device's own words, placed where its evidence began", () => {
    const cut = alarm("tamper", 90, {
      device: "lock-1",
      evidence: { reason: "steel rope cut (JT701 bit 3)", began: [100.5, 13.9] },
    });
    const r = evaluateRisk(record({ alarms: [cut] }), RULES);
    const reason = r.reasons.find((x) => x.code === "alarm.tamper");
    assert.equal(reason?.text, "steel rope cut (JT701 bit 3) (lock-1) at 13.90 N 100.50 E; still open");
    assert.deepEqual(reason?.position, [100.5, 13.9]);
    // Without evidence (alarms stored before 0.2) the type's own words and the fix at its start.
    const old = evaluateRisk(record({ alarms: [alarm("tamper", 90, { device: "lock-1" })] }), RULES);
    assert.match(
      old.reasons.find((x) => x.code === "alarm.tamper")?.text ?? "",
      /^tamper reported by the device \(lock-1\)/,
    );
  });

  it("the same opening resolved as a false alarm weighs little and is not red", () => {
    const opened = alarm("unauthorized_opening", 140, { workflow: "resolved", outcome: "false_alarm" });
    const r = evaluateRisk(record({ readings: openingReadings(), alarms: [opened] }), RULES);
    assert.notEqual(r.channel, "red");
    assert.equal(r.channel, "green");
    const reason = r.reasons.find((x) => x.code === "alarm.unauthorized_opening");
    assert.equal(reason?.weight, 6.6);
    assert.match(reason?.text ?? "", /resolved as a false alarm$/);
    assert.equal(reason?.floor, undefined);
  });

  it("a confirmed breach is red whatever its points", () => {
    const low = alarm("low_battery", 30, { workflow: "resolved", outcome: "confirmed_breach" });
    const r = evaluateRisk(record({ alarms: [low] }), RULES);
    assert.equal(r.channel, "red");
    assert.ok(r.score < RULES.channels.redFromScore);
  });

  it("a signal gap in a tunnel: its reason and weight, and no alarm needed", () => {
    // Silent from minute 60 to 91 (31 min) and from 150 to 167 (17 min): 48 min beyond 2 × 5 min.
    const readings = cleanReadings(240).filter(
      (r) =>
        !(r.atMs > T0 + 60 * MIN && r.atMs < T0 + 91 * MIN) &&
        !(r.atMs > T0 + 150 * MIN && r.atMs < T0 + 167 * MIN),
    );
    readings.push({ deviceId: "lock-1", kind: "message", atMs: T0 + 91 * MIN, seal: "closed" });
    readings.push({ deviceId: "lock-1", kind: "message", atMs: T0 + 167 * MIN, seal: "closed" });
    readings.sort((a, b) => a.atMs - b.atMs);
    const r = evaluateRisk(record({ readings }), RULES);
    const reason = r.reasons.find((x) => x.code === "signal.gaps");
    assert.ok(reason);
    assert.equal(
      reason.text,
      "no signal from lock-1 for 48 min in 2 gaps, longest gap 31 min from 13.22 N 100.91 E",
    );
    assert.equal(reason.weight, 14.4);
    assert.equal(r.channel, "green");
  });

  it("a passive seal read only at checkpoints has no signal gaps", () => {
    const readings: RiskReading[] = [
      { deviceId: "seal-9", kind: "read", atMs: T0, office: "THLCH", readStatus: "intact" },
      { deviceId: "seal-9", kind: "read", atMs: T0 + 240 * MIN, office: "THNKY", readStatus: "intact" },
    ];
    const r = evaluateRisk(record({ devices: [{ id: "seal-9", class: "passive" }], readings }), RULES);
    assert.deepEqual(r.reasons, []);
    assert.equal(r.channel, "green");
  });

  it("a route deviation: distance and time off the corridor in words, yellow while unresolved", () => {
    const readings = cleanReadings(240).map((x) => {
      const minute = (x.atMs - T0) / MIN;
      if (minute < 100 || minute > 122) return x;
      const [lon, lat] = along(minute / 240, 3.4);
      return { ...x, lon, lat };
    });
    const r = evaluateRisk(
      record({ readings, alarms: [alarm("route_deviation", 100, { clearedAtMs: T0 + 122 * MIN })] }),
      RULES,
    );
    const reason = r.reasons.find((x) => x.code === "alarm.route_deviation");
    assert.equal(reason?.text, "3.4 km off the corridor for 22 min from 13.38 N 100.94 E; still open");
    // 15 + 0.5 × 22 + 2 × 3.4
    assert.equal(reason?.weight, 32.8);
    assert.equal(r.channel, "yellow");
  });

  it("a broken seal read at a checkpoint and a seal open at arrival", () => {
    const readings = [
      ...cleanReadings(240).slice(0, -1),
      { deviceId: "lock-1", kind: "message", atMs: T0 + 239 * MIN, seal: "open" },
      { deviceId: "lock-1", kind: "read", atMs: T0 + 120 * MIN, office: "THKKN", readStatus: "broken" },
    ] satisfies RiskReading[];
    readings.sort((a, b) => a.atMs - b.atMs);
    const r = evaluateRisk(record({ readings }), RULES);
    assert.deepEqual(
      r.reasons.map((x) => [x.code, x.weight]),
      [
        ["seal.open_at_arrival", 40],
        ["seal.broken_read", 60],
      ],
    );
    assert.equal(r.channel, "red");
  });

  it("a slow transit against the corridor's usual time, and the trader's and carrier's record", () => {
    const r = evaluateRisk(
      record({
        trip: { ...record().trip, arrivedAtMs: T0 + 400 * MIN },
        readings: cleanReadings(400),
        asOfMs: T0 + 400 * MIN,
        history: {
          corridorTransitsMs: [230 * MIN, 240 * MIN, 250 * MIN],
          trader: { id: "acme", name: "Acme Trading", pastTrips: 40, confirmedIncidents: 2, aeo: "AEOF" },
          carrier: { id: "fast", name: "Fast Haulage", pastTrips: 1, confirmedIncidents: 0 },
          devicePastTamperAlarms: { "lock-1": 2 },
        },
      }),
      RULES,
    );
    assert.deepEqual(
      r.reasons.map((x) => [x.code, x.weight, x.text]),
      [
        ["transit.slow", 10, "transit took 6 h 40 min, 1.7 × the corridor's usual 4 h 00 min (3 trips)"],
        ["device.tamper_history", 8, "lock-1 raised 2 tamper alarms on past trips"],
        ["trader.incidents", 16, "trader Acme Trading: 2 confirmed incidents in 40 past trips"],
        ["trader.aeo", -10, "trader Acme Trading is an authorised economic operator (AEOF)"],
        ["carrier.new", 5, "carrier Fast Haulage: little record (1 past trip)"],
      ],
    );
    assert.equal(r.score, 29);
    assert.equal(r.channel, "yellow");
  });

  it("random selection turns a green trip yellow, recorded with its draw; never a trip already selected by risk", () => {
    const picked = evaluateRisk(record({ randomDraw: 0.01 }), RULES);
    assert.equal(picked.channel, "yellow");
    assert.equal(picked.riskChannel, "green");
    assert.deepEqual(picked.random, { share: 0.05, draw: 0.01, selected: true });
    assert.equal(picked.reasons.at(-1)?.code, "random.selection");
    const red = evaluateRisk(record({ randomDraw: 0.01, alarms: [alarm("tamper", 10)] }), RULES);
    assert.equal(red.random.selected, false);
    assert.equal(red.channel, "red");
    assert.equal(evaluateRisk(record({ randomDraw: 0.05 }), RULES).random.selected, false);
  });

  it("retracted alarms are no evidence; the same record gives the same recommendation", () => {
    const input = record({ alarms: [alarm("tamper", 10, { retracted: true })], readings: openingReadings() });
    const first = evaluateRisk(input, RULES);
    assert.equal(first.channel, "green");
    assert.deepEqual(evaluateRisk(structuredClone(input), RULES), first);
  });
});
