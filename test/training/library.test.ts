import assert from "node:assert/strict";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { alarmKey, CONTRACT_ALARM_TYPES } from "../../src/core/domain/model.js";
import { checkExercise } from "../../src/training/check.js";
import { exerciseFiles, readExerciseFile } from "../../src/training/exercise-file.js";
import type { Exercise } from "../../src/training/exercise.js";
import { runCli } from "../support/cli.js";
import { repoRoot } from "../support/fixtures.js";

const folder = resolve(repoRoot, "training", "exercises");
const files = exerciseFiles(folder);

function load(file: string): Exercise {
  const loaded = readExerciseFile(file);
  assert.ok(loaded.ok, `${file}: ${loaded.ok ? "" : loaded.problems.join("; ")}`);
  return loaded.exercise;
}

describe("the exercise library", () => {
  it("holds at least ten exercises on the four demo corridors", () => {
    assert.ok(files.length >= 10, `${files.length} exercises`);
    const countries = new Set(files.map((f) => load(f).corridor?.slice(0, 2)));
    assert.deepEqual([...countries].sort(), ["HK", "KE", "SK", "TH"]);
  });

  for (const file of files) {
    it(`${file.slice(folder.length + 1)}: every expected alarm is raised by the engine, every raised alarm is expected`, () => {
      const exercise = load(file);
      const check = checkExercise(exercise);
      assert.deepEqual(check.problems, []);
      const raised = new Set(check.replay.alarms.map(alarmKey));
      const retracted = new Set(check.replay.retracted.map(alarmKey));
      for (const response of exercise.responses) {
        if (response.kind === "alarm")
          assert.ok((response.retracted ? retracted : raised).has(alarmKey(response.alarm)), response.id);
        else assert.ok(check.arrivals.some((a) => a.trip === response.trip && a.responseId === response.id));
      }
    });
  }

  it("covers every alarm type of the contract and each resolution outcome", () => {
    const types = new Set<string>();
    const outcomes = new Set<string>();
    let retracted = 0;
    for (const file of files) {
      for (const response of load(file).responses) {
        if (response.kind !== "alarm") continue;
        types.add(response.alarm.type);
        if (response.outcome !== undefined) outcomes.add(response.outcome);
        if (response.retracted) retracted += 1;
      }
    }
    for (const type of CONTRACT_ALARM_TYPES) assert.ok(types.has(type), `no exercise raises ${type}`);
    assert.deepEqual([...outcomes].sort(), ["confirmed_breach", "false_alarm", "technical_fault"]);
    assert.ok(retracted >= 1, "no exercise has an alarm retracted by late data");
  });

  it("sealwatch exercise check passes the whole library and names the alarms a trainee meets", async () => {
    const run = await runCli(["exercise", "check", ...files]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.stdout.match(/^ok /gm)?.length, files.length);
    assert.match(
      run.stdout,
      /alarm unauthorized_opening of trip KE-2506-3102, device ELK-KE-3102, started 2025-06-10T07:50:00Z: response open/,
    );
    assert.match(
      run.stdout,
      /alarm overdue of trip SK-2506-6101, started 2025-06-11T03:30:00Z \(retracted later\)/,
    );
  });
});
