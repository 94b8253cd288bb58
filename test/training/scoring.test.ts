import assert from "node:assert/strict";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { alarmKey } from "../../src/core/domain/model.js";
import { checkExercise } from "../../src/training/check.js";
import { readExerciseFile } from "../../src/training/exercise-file.js";
import type { AlarmResponse, Exercise } from "../../src/training/exercise.js";
import { POINTS, scoreExercise, type TraineeAction } from "../../src/training/scoring.js";
import { repoRoot } from "../support/fixtures.js";

function exercise(name: string): Exercise {
  const loaded = readExerciseFile(resolve(repoRoot, "training", "exercises", `${name}.json`));
  assert.ok(loaded.ok);
  return loaded.exercise;
}

const breach = exercise("ke-13-rope-cut-at-rest-area");
const raisedAtMs = checkExercise(breach).raisedAtMs;
const alarms = breach.responses.filter((r): r is AlarmResponse => r.kind === "alarm");

/** A trainee who does everything the exercise expects, each `delayS` after the alarm reaches them. */
function perfectActions(target: Exercise, raised: ReadonlyMap<string, number>, delayS = 60): TraineeAction[] {
  const actions: TraineeAction[] = [];
  for (const response of target.responses) {
    if (response.kind === "arrival") {
      actions.push({ kind: "decide", trip: response.trip, decision: response.decision, atMs: 2e12 });
      continue;
    }
    const at = raised.get(alarmKey(response.alarm))! + delayS * 1000;
    const alarm = response.alarm;
    actions.push({ kind: "acknowledge", alarm, atMs: at });
    if (response.escalate === true) actions.push({ kind: "escalate", alarm, atMs: at + 1000 });
    if (response.remoteUnlock !== undefined)
      actions.push({ kind: "remote_unlock", alarm, answer: response.remoteUnlock, atMs: at + 2000 });
    if (response.outcome !== undefined)
      actions.push({ kind: "resolve", alarm, outcome: response.outcome, atMs: at + 3000 });
  }
  return actions;
}

describe("scoring a trainee against an exercise", () => {
  it("a perfect trainee scores 100 % with every item right", () => {
    const result = scoreExercise({
      exercise: breach,
      actions: perfectActions(breach, raisedAtMs),
      raisedAtMs,
    });
    // 3 alarms × (ack 2 + outcome 3) + 2 escalations + 1 escalation + unlock 2 + decision 3
    const expectedMax =
      3 * (POINTS.acknowledgeInTime + POINTS.outcome) +
      2 * POINTS.escalate +
      POINTS.remoteUnlock +
      POINTS.decision;
    assert.equal(result.maxPoints, expectedMax);
    assert.equal(result.points, expectedMax);
    assert.equal(result.percent, 100);
    assert.ok(result.items.every((item) => item.verdict === "right"));
    assert.deepEqual(result.stray, []);
  });

  it("a late trainee loses a point per late acknowledgement, measured from when the alarm arrived", () => {
    const target = alarms[0]!.acknowledgeWithinS;
    const actions = perfectActions(breach, raisedAtMs, target + 1);
    const result = scoreExercise({ exercise: breach, actions, raisedAtMs });
    const acks = result.items.filter((i) => i.item === "acknowledge");
    assert.equal(acks.length, 3);
    // The tamper target is 300 s, the stop's 900 s: only the critical ones are late at 301 s.
    assert.deepEqual(
      acks.map((a) => a.verdict),
      alarms.map((a) => (a.acknowledgeWithinS < target + 1 ? "late" : "right")),
    );
    const late = acks.filter((a) => a.verdict === "late").length;
    assert.equal(late, 2);
    assert.equal(
      result.points,
      result.maxPoints - late * (POINTS.acknowledgeInTime - POINTS.acknowledgeLate),
    );
    assert.equal(acks[0]!.delayS, target + 1);
  });

  it("a wrong outcome, a granted unlock and a lax decision score nothing for those items", () => {
    const actions = perfectActions(breach, raisedAtMs).map((a): TraineeAction => {
      if (a.kind === "resolve" && a.alarm.type === "tamper") return { ...a, outcome: "technical_fault" };
      if (a.kind === "remote_unlock") return { ...a, answer: "allow" };
      if (a.kind === "decide") return { ...a, decision: "release" };
      return a;
    });
    const result = scoreExercise({ exercise: breach, actions, raisedAtMs });
    const wrong = result.items.filter((i) => i.verdict === "wrong");
    assert.deepEqual(
      wrong.map((i) => [i.responseId, i.item, i.expected, i.actual]),
      [
        ["cut", "outcome", "confirmed_breach", "technical_fault"],
        ["open", "remote_unlock", "refuse", "allow"],
        ["arr-1", "decision", "physical_inspection", "release"],
      ],
    );
    assert.equal(result.points, result.maxPoints - POINTS.outcome - POINTS.remoteUnlock - POINTS.decision);
  });

  it("a trainee who does nothing scores 0 with every item missed", () => {
    const result = scoreExercise({ exercise: breach, actions: [], raisedAtMs });
    assert.equal(result.points, 0);
    assert.equal(result.percent, 0);
    assert.ok(result.items.every((i) => i.verdict === "missed" && i.actual === null));
  });

  it("actions on another trip or on an alarm the exercise does not expect cost a point each", () => {
    const other = { ...alarms[0]!.alarm, trip: "KE-9999-0000" };
    const unexpected = { ...alarms[0]!.alarm, startedAtMs: alarms[0]!.alarm.startedAtMs + 1 };
    const actions: TraineeAction[] = [
      ...perfectActions(breach, raisedAtMs),
      { kind: "acknowledge", alarm: other, atMs: 1 },
      { kind: "resolve", alarm: unexpected, outcome: "false_alarm", atMs: 2 },
      { kind: "decide", trip: "KE-9999-0000", decision: "release", atMs: 3 },
    ];
    const result = scoreExercise({ exercise: breach, actions, raisedAtMs });
    assert.deepEqual(
      result.stray.map((s) => s.reason),
      ["wrong_trip", "unexpected_alarm", "wrong_trip"],
    );
    assert.equal(result.points, result.maxPoints - 3 * POINTS.strayPenalty);
  });

  it("a retracted alarm is right unless confirmed as a breach, and late alarms count from their upload", () => {
    const yard = exercise("sk-11-terminal-yard-late-upload");
    const raised = checkExercise(yard).raisedAtMs;
    const overdue = yard.responses.find((r): r is AlarmResponse => r.kind === "alarm" && r.retracted)!;
    const confirm: TraineeAction = {
      kind: "resolve",
      alarm: overdue.alarm,
      outcome: "confirmed_breach",
      atMs: 0,
    };
    const wrong = scoreExercise({ exercise: yard, actions: [confirm], raisedAtMs: raised });
    assert.equal(wrong.items.find((i) => i.responseId === overdue.id)!.verdict, "wrong");
    const right = scoreExercise({ exercise: yard, actions: [], raisedAtMs: raised });
    assert.equal(right.items.find((i) => i.responseId === overdue.id)!.verdict, "right");

    // The Tsavo deviation reaches the control room with the backlog, long after it started.
    const tsavo = exercise("ke-07-tsavo-gap");
    const tsavoRaised = checkExercise(tsavo).raisedAtMs;
    const deviation = tsavo.responses.find(
      (r): r is AlarmResponse => r.kind === "alarm" && r.id === "dirt-track",
    )!;
    const arrivedMs = tsavoRaised.get(alarmKey(deviation.alarm))!;
    assert.ok(arrivedMs > deviation.alarm.startedAtMs + 3600_000);
    const ack: TraineeAction = { kind: "acknowledge", alarm: deviation.alarm, atMs: arrivedMs + 120_000 };
    const result = scoreExercise({ exercise: tsavo, actions: [ack], raisedAtMs: tsavoRaised });
    assert.equal(
      result.items.find((i) => i.responseId === "dirt-track" && i.item === "acknowledge")!.verdict,
      "right",
    );
  });
});
