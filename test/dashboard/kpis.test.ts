/** Key figures computed from records: transit against limit, alarms per day, false alarms, time to acknowledge. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { computeKpis, utcDay } from "../../src/api/services/kpis.js";
import type { AlarmRecord, TripRecord } from "../../src/store/ports.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 10, 12);
const targets = { critical: 120, high: 300, medium: 900, low: 3600 };

function trip(id: string, patch: Partial<TripRecord>): TripRecord {
  return {
    id,
    origin: "A",
    destination: "B",
    route: [
      [0, 0],
      [1, 1],
    ],
    devices: ["D"],
    deadlineMs: NOW,
    state: "closed",
    createdAtMs: NOW - DAY,
    updatedAtMs: NOW,
    ...patch,
  };
}

function alarm(id: string, patch: Partial<AlarmRecord>): AlarmRecord {
  return {
    id,
    type: "tamper",
    trip: "T1",
    device: "D",
    startedAtMs: NOW - 3_600_000,
    severity: "critical",
    clearedAtMs: null,
    retracted: false,
    workflow: "open",
    raisedAtMs: NOW - 3_600_000,
    updatedAtMs: NOW,
    ...patch,
  };
}

describe("KPIs", () => {
  it("measures transit from arming to arrival (or closing) against deadline minus arming", () => {
    const k = computeKpis({
      trips: [
        trip("T1", {
          armedAtMs: NOW - 10_000_000,
          arrivedAtMs: NOW - 4_000_000,
          deadlineMs: NOW - 2_000_000,
        }),
        trip("T2", { armedAtMs: NOW - 5_000_000, closedAtMs: NOW - 1_000_000, deadlineMs: NOW - 2_000_000 }),
        trip("T3", { state: "in_transit", armedAtMs: NOW - 1_000 }),
        trip("T4", { state: "cancelled" }),
      ],
      alarms: [],
      targets,
      nowMs: NOW,
      days: 7,
    });
    assert.deepEqual(
      k.transit.map((t) => [t.tripId, t.transitS, t.limitS]),
      [
        ["T2", 4000, 3000],
        ["T1", 6000, 8000],
      ],
    );
    assert.equal(k.totals.activeTrips, 1);
  });

  it("counts alarms per UTC day and type, leaving out retracted ones", () => {
    const k = computeKpis({
      trips: [],
      alarms: [
        alarm("a", { raisedAtMs: NOW }),
        alarm("b", { raisedAtMs: NOW - DAY, type: "overdue", severity: "medium" }),
        alarm("c", { raisedAtMs: NOW - DAY, type: "overdue", severity: "medium" }),
        alarm("d", { raisedAtMs: NOW, retracted: true }),
        alarm("e", { raisedAtMs: NOW - 30 * DAY }),
      ],
      targets,
      nowMs: NOW,
      days: 3,
    });
    assert.deepEqual(k.days, [utcDay(NOW - 2 * DAY), utcDay(NOW - DAY), utcDay(NOW)]);
    assert.deepEqual(
      k.alarmsByDay.map((d) => d.counts),
      [{}, { overdue: 2 }, { tamper: 1 }],
    );
    assert.equal(k.totals.alarms, 4);
  });

  it("gives the false-alarm rate of resolved alarms, overall and by type", () => {
    const k = computeKpis({
      trips: [],
      alarms: [
        alarm("a", { workflow: "resolved", outcome: "false_alarm" }),
        alarm("b", { workflow: "resolved", outcome: "confirmed_breach" }),
        alarm("c", { workflow: "resolved", outcome: "false_alarm", type: "signal_loss", severity: "high" }),
        alarm("d", { workflow: "acknowledged" }),
      ],
      targets,
      nowMs: NOW,
      days: 7,
    });
    assert.equal(k.falseAlarms.resolved, 3);
    assert.equal(k.falseAlarms.falseAlarms, 2);
    assert.equal(k.falseAlarms.rate, 2 / 3);
    assert.deepEqual(k.falseAlarms.byType, {
      tamper: { resolved: 2, falseAlarms: 1 },
      signal_loss: { resolved: 1, falseAlarms: 1 },
    });
    assert.equal(k.totals.openAlarms, 1);
  });

  it("gives time to acknowledge by severity against its target, and what still waits", () => {
    const raised = NOW - 1_000_000;
    const k = computeKpis({
      trips: [],
      alarms: [
        alarm("a", { raisedAtMs: raised, acknowledgedAtMs: raised + 60_000, workflow: "acknowledged" }),
        alarm("b", {
          raisedAtMs: raised,
          acknowledgedAtMs: raised + 180_000,
          workflow: "resolved",
          outcome: "false_alarm",
        }),
        alarm("c", { raisedAtMs: raised, acknowledgedAtMs: raised + 90_000, workflow: "acknowledged" }),
        alarm("d", { raisedAtMs: NOW - 60_000 }),
        alarm("e", { raisedAtMs: NOW - 600_000 }),
      ],
      targets,
      nowMs: NOW,
      days: 7,
    });
    const critical = k.acknowledge.find((a) => a.severity === "critical")!;
    assert.equal(critical.acknowledged, 3);
    assert.equal(critical.withinTarget, 2);
    assert.equal(critical.medianS, 90);
    assert.equal(critical.p90S, 180);
    assert.equal(critical.waiting, 2);
    assert.equal(critical.waitingOverdue, 1);
    assert.equal(k.acknowledge.find((a) => a.severity === "low")!.medianS, null);
  });
});
