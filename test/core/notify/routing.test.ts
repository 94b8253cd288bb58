/**
 * On-call routing with a fake clock: rule matching, shifts in office time zones (past midnight,
 * daylight saving), escalation after the timeout, quiet hours that never hold a critical alarm, and
 * properties (fast-check): a step is never returned twice however the clock is sampled, and steps
 * come out in time order.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ALARM_TYPES, type Severity } from "../../../src/core/domain/model.js";
import { localTime, nextLocalMinute } from "../../../src/core/notify/local-time.js";
import type { NotificationRule, OnCallRoster } from "../../../src/core/notify/model.js";
import {
  afterQuietHours,
  onDuty,
  ruleMatches,
  stepsDue,
  type RoutedAlarm,
  type RoutedTrip,
  type RoutingInput,
} from "../../../src/core/notify/routing.js";

const MIN = 60_000;
// Monday 2026-03-02 03:00 UTC = 10:00 in Bangkok (UTC+7, no daylight saving).
const MON_10_BKK = Date.UTC(2026, 2, 2, 3, 0);

const roster: OnCallRoster = {
  office: "TH-LCB",
  timeZone: "Asia/Bangkok",
  shifts: [
    { days: [1, 2, 3, 4, 5], start: "08:00", end: "20:00", userIds: ["u-day", "u-day2"] },
    { days: [1, 2, 3, 4, 5, 6, 7], start: "20:00", end: "08:00", userIds: ["u-night"] },
  ],
  supervisorIds: ["u-sup"],
  updatedAtMs: 0,
  updatedBy: "user:admin",
};

const rule: NotificationRule = {
  id: "r1",
  name: "Laem Chabang",
  enabled: true,
  match: { offices: ["TH-LCB"] },
  channels: ["email"],
  chain: [
    { afterMin: 0, to: { kind: "on_duty" } },
    { afterMin: 10, to: { kind: "on_duty", rank: 1 } },
    { afterMin: 20, to: { kind: "supervisors" } },
  ],
  createdAtMs: 0,
  updatedAtMs: 0,
  updatedBy: "user:sup",
};

const trip: RoutedTrip = { origin: "TH-LCB", destination: "TH-NKI", companyId: "co-1", state: "in_transit" };

function alarmAt(raisedAtMs: number, severity: Severity = "high", open = true): RoutedAlarm {
  return { id: "a1", type: "route_deviation", severity, raisedAtMs, open };
}

function input(over: Partial<RoutingInput>): RoutingInput {
  return {
    alarm: alarmAt(MON_10_BKK),
    trip,
    rules: [rule],
    rosters: new Map([[roster.office, roster]]),
    allSupervisors: ["u-sup-any"],
    nowMs: MON_10_BKK,
    sent: new Map(),
    ...over,
  };
}

describe("local time in an office's zone", () => {
  it("gives the weekday and minute in the zone, not in UTC", () => {
    assert.deepEqual(localTime(MON_10_BKK, "Asia/Bangkok"), { weekday: 1, minuteOfDay: 600 });
    // Sunday 22:00 in New York is Monday 03:00 UTC.
    assert.deepEqual(localTime(Date.UTC(2026, 2, 2, 3, 0), "America/New_York"), {
      weekday: 7,
      minuteOfDay: 22 * 60,
    });
  });

  it("finds the next local time across a daylight-saving change (Bratislava, 29 March 2026)", () => {
    // Saturday 28 March 23:00 CET (UTC+1); 06:00 on Sunday is already CEST (UTC+2) = 04:00 UTC.
    const from = Date.UTC(2026, 2, 28, 22, 0);
    assert.equal(nextLocalMinute(from, 6 * 60, "Europe/Bratislava"), Date.UTC(2026, 2, 29, 4, 0));
    // 02:30 does not exist that night: the first instant after the jump.
    const skipped = nextLocalMinute(from, 2 * 60 + 30, "Europe/Bratislava");
    assert.ok(skipped >= Date.UTC(2026, 2, 29, 1, 0) && skipped <= Date.UTC(2026, 2, 29, 1, 30));
  });
});

describe("who is on duty", () => {
  it("takes the day shift in office hours and the night shift past midnight", () => {
    assert.deepEqual(onDuty(roster, MON_10_BKK), ["u-day", "u-day2"]);
    // Tuesday 02:00 Bangkok: the Monday night shift, which ran past midnight.
    assert.deepEqual(onDuty(roster, Date.UTC(2026, 2, 2, 19, 0)), ["u-night"]);
    // Saturday 10:00: no day shift at the weekend, nobody (the night shift ended at 08:00).
    assert.deepEqual(onDuty(roster, Date.UTC(2026, 2, 7, 3, 0)), []);
  });
});

describe("which rules an alarm falls under", () => {
  const a = alarmAt(MON_10_BKK);
  it("matches by type, severity, office, corridor and company; absent lists match all", () => {
    assert.ok(ruleMatches(rule, a, trip));
    assert.ok(!ruleMatches({ ...rule, match: { alarmTypes: ["tamper"] } }, a, trip));
    assert.ok(ruleMatches({ ...rule, match: { severities: ["high", "critical"] } }, a, trip));
    assert.ok(!ruleMatches({ ...rule, match: { severities: ["critical"] } }, a, trip));
    assert.ok(ruleMatches({ ...rule, match: { offices: ["TH-NKI"] } }, a, trip));
    assert.ok(!ruleMatches({ ...rule, match: { offices: ["KE-MBA"] } }, a, trip));
    assert.ok(
      ruleMatches({ ...rule, match: { corridors: [{ origin: "TH-LCB", destination: "TH-NKI" }] } }, a, trip),
    );
    assert.ok(
      !ruleMatches({ ...rule, match: { corridors: [{ origin: "TH-NKI", destination: "TH-LCB" }] } }, a, trip),
    );
    assert.ok(ruleMatches({ ...rule, match: { companies: ["co-1"] } }, a, trip));
    assert.ok(
      !ruleMatches({ ...rule, match: { companies: ["co-1"] } }, a, { ...trip, companyId: undefined }),
    );
  });

  it("skips disabled rules and alarms raised before the rule existed", () => {
    assert.ok(!ruleMatches({ ...rule, enabled: false }, a, trip));
    assert.ok(!ruleMatches({ ...rule, createdAtMs: MON_10_BKK + 1 }, a, trip));
  });
});

describe("escalation chain", () => {
  it("tells the first on duty at once, the next after 10 min, the supervisors after 20 min", () => {
    const first = stepsDue(input({}));
    assert.deepEqual(
      first.due.map((s) => [s.step, s.userIds]),
      [[0, ["u-day"]]],
    );
    assert.equal(first.nextDueAtMs, MON_10_BKK + 10 * MIN);
    const sent = new Map([["r1", 0]]);
    assert.deepEqual(stepsDue(input({ nowMs: MON_10_BKK + 10 * MIN - 1, sent })).due, []);
    const second = stepsDue(input({ nowMs: MON_10_BKK + 10 * MIN, sent }));
    assert.deepEqual(
      second.due.map((s) => [s.step, s.userIds]),
      [[1, ["u-day2"]]],
    );
    const third = stepsDue(input({ nowMs: MON_10_BKK + 25 * MIN, sent: new Map([["r1", 1]]) }));
    assert.deepEqual(
      third.due.map((s) => [s.step, s.userIds]),
      [[2, ["u-sup"]]],
    );
    assert.equal(third.nextDueAtMs, undefined);
  });

  it("stops when the alarm is acknowledged", () => {
    const acknowledged = input({ alarm: alarmAt(MON_10_BKK, "high", false), nowMs: MON_10_BKK + 60 * MIN });
    assert.deepEqual(stepsDue(acknowledged), { due: [], nextDueAtMs: undefined });
  });

  it("uses every supervisor when the office's roster names none, and the departure office's roster in transit", () => {
    const noSup = { ...roster, supervisorIds: [] };
    const s = stepsDue(
      input({
        rosters: new Map([[roster.office, noSup]]),
        nowMs: MON_10_BKK + 20 * MIN,
        sent: new Map([["r1", 1]]),
      }),
    );
    assert.deepEqual(s.due[0]!.userIds, ["u-sup-any"]);
    // Arrived: the destination office answers, which has no roster here: nobody on duty.
    const arrived = stepsDue(input({ trip: { ...trip, state: "arrived" } }));
    assert.equal(arrived.due[0]!.office, "TH-NKI");
    assert.deepEqual(arrived.due[0]!.userIds, []);
  });
});

describe("quiet hours", () => {
  const quiet: NotificationRule = { ...rule, quietHours: { start: "22:00", end: "06:00" } };
  // Monday 23:00 in Bangkok.
  const lateMs = Date.UTC(2026, 2, 2, 16, 0);
  const sixAm = Date.UTC(2026, 2, 2, 23, 0);

  it("hold a non-critical alarm's chain until they end, moving the whole chain", () => {
    const held = stepsDue(
      input({ rules: [quiet], alarm: alarmAt(lateMs, "medium"), nowMs: lateMs + 30 * MIN }),
    );
    assert.deepEqual(held.due, []);
    assert.equal(held.nextDueAtMs, sixAm);
    const at6 = stepsDue(input({ rules: [quiet], alarm: alarmAt(lateMs, "medium"), nowMs: sixAm }));
    assert.deepEqual(
      at6.due.map((s) => s.step),
      [0],
    );
    assert.equal(at6.nextDueAtMs, sixAm + 10 * MIN);
  });

  it("never delay a critical alarm", () => {
    for (const type of ALARM_TYPES) {
      const critical = { ...alarmAt(lateMs, "critical"), type };
      const due = stepsDue(input({ rules: [quiet], alarm: critical, nowMs: lateMs }));
      assert.deepEqual(
        due.due.map((s) => [s.step, s.dueAtMs, s.userIds]),
        [[0, lateMs, ["u-night"]]],
      );
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), (atMs) => {
        assert.equal(
          afterQuietHours(atMs, "critical", { start: "00:00", end: "23:59" }, "Asia/Bangkok"),
          atMs,
        );
      }),
    );
  });

  it("hold a step to the end of the quiet hours, never longer than a day", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
        fc.constantFrom("Asia/Bangkok", "Europe/Bratislava", "Africa/Nairobi", "America/New_York"),
        (atMs, zone) => {
          const out = afterQuietHours(atMs, "low", { start: "22:00", end: "06:00" }, zone);
          assert.ok(out >= atMs && out - atMs <= 8 * 60 * MIN + MIN);
          const local = localTime(out, zone).minuteOfDay;
          assert.ok(out === atMs ? local < 22 * 60 && local >= 6 * 60 : local === 6 * 60);
        },
      ),
    );
  });
});

describe("properties of the plan", () => {
  const chains = fc
    .uniqueArray(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 6 })
    .map((delays) =>
      [...delays]
        .sort((a, b) => a - b)
        .map((afterMin, i) => ({ afterMin, to: { kind: "user" as const, userId: `u${i}` } })),
    );

  it("returns every step once, in time order, however often or late the clock is sampled", () => {
    fc.assert(
      fc.property(chains, fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 20 }), (chain, samples) => {
        const r = { ...rule, chain };
        const sent = new Map<string, number>();
        const seen: number[] = [];
        let lastDue = -Infinity;
        for (const minute of [...samples].sort((a, b) => a - b).concat([10_000])) {
          const { due } = stepsDue(input({ rules: [r], nowMs: MON_10_BKK + minute * MIN, sent }));
          for (const s of due) {
            assert.ok(s.dueAtMs <= MON_10_BKK + minute * MIN);
            assert.ok(s.dueAtMs >= lastDue);
            lastDue = s.dueAtMs;
            seen.push(s.step);
            sent.set(s.ruleId, s.step);
          }
        }
        assert.deepEqual(
          seen,
          chain.map((_, i) => i),
        );
      }),
    );
  });
});
