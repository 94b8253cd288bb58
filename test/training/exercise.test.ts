import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { ExerciseError, parseExercise } from "../../src/training/exercise.js";
import { checkExercise } from "../../src/training/check.js";
import { repoRoot } from "../support/fixtures.js";

function libraryExercise(name = "th-02-roadside-opening"): Record<string, unknown> {
  const path = resolve(repoRoot, "training", "exercises", `${name}.json`);
  return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
}

function problemsOf(document: unknown): readonly string[] {
  try {
    parseExercise(document);
  } catch (error) {
    if (error instanceof ExerciseError) return error.problems;
    throw error;
  }
  assert.fail("the exercise was accepted");
}

/** Every pattern matches a problem, and there is no other problem. */
function assertProblems(problems: readonly string[], expected: readonly RegExp[]): void {
  for (const pattern of expected)
    assert.ok(
      problems.some((p) => pattern.test(p)),
      `${pattern} not among:\n${problems.join("\n")}`,
    );
  assert.equal(problems.length, expected.length, problems.join("\n"));
}

describe("the exercise format", () => {
  it("parses a library exercise: briefing, scenario, responses with times as instants", () => {
    const exercise = parseExercise(libraryExercise());
    assert.equal(exercise.id, "th-02-roadside-opening");
    assert.equal(exercise.briefing.office, "TH-NKI");
    assert.equal(exercise.scenario.trips[0]!.id, "TH-2506-4101");
    const opening = exercise.responses.find((r) => r.id === "opening");
    assert.ok(opening !== undefined && opening.kind === "alarm");
    assert.equal(opening.alarm.startedAtMs, Date.parse("2025-06-12T11:01:30Z"));
    assert.equal(opening.outcome, "confirmed_breach");
    assert.equal(opening.remoteUnlock, "refuse");
    assert.equal(opening.retracted, false);
  });

  it("lists every schema problem with its path, the scenario's own problems included", () => {
    const document = libraryExercise();
    document.format = "sealwatch-exercise/9";
    document.level = "expert";
    document.surprise = 1;
    const responses = document.responses as Record<string, unknown>[];
    responses[0]!.outcome = "breach";
    delete responses[1]!.notes;
    responses[2]!.decision = "wave_through";
    (responses[0]!.alarm as Record<string, unknown>).type = "fire";
    const scenario = document.scenario as { trips: Record<string, unknown>[] };
    scenario.trips[0]!.deadline = "tomorrow";
    const problems = problemsOf(document);
    const expected = [
      /^format: /,
      /^level: must be one of "basic", "intermediate", "advanced"/,
      /^unknown member "surprise"/,
      /^responses\[0\]\.outcome: must be one of "confirmed_breach", "false_alarm", "technical_fault"/,
      /^responses\[0\]\.alarm\.type: must be one of/,
      /^responses\[1\]: "notes" is required/,
      /^responses\[2\]\.decision: must be one of "release", "documentary_check", "physical_inspection"/,
      /^scenario\.trips\[0\]\.deadline: "tomorrow" is not an RFC 3339 date-time/,
    ];
    assertProblems(problems, expected);
  });

  it("checks references between the parts, all at once", () => {
    const document = libraryExercise();
    (document.briefing as Record<string, unknown>).office = "TH-NOWHERE";
    const responses = document.responses as Record<string, unknown>[];
    (responses[0]!.alarm as Record<string, unknown>).trip = "TH-OTHER";
    (responses[0]!.alarm as Record<string, unknown>).startedAt = "2025-06-12 10:57";
    (responses[1]!.alarm as Record<string, unknown>).device = "ELK-NONE";
    responses[1]!.retracted = true;
    responses[2]!.id = "tamper";
    document.timeline = [{ at: "yesterday", note: "x" }];
    const problems = problemsOf(document);
    const expected = [
      /^responses\[0\]: trip "TH-OTHER" is not a trip of the scenario/,
      /^responses\[0\]\.alarm\.startedAt: "2025-06-12 10:57" is not an RFC 3339 date-time/,
      /^responses\[1\]\.alarm\.device: "ELK-NONE" is not a device of the scenario/,
      /^responses\[1\]: a retracted alarm has no outcome to choose/,
      /^responses\[2\]\.id: "tamper" is used twice/,
      /^briefing\.office: "TH-NOWHERE" is not an office zone of the scenario/,
      /^timeline\[0\]\.at: "yesterday" is not an RFC 3339 date-time/,
    ];
    assertProblems(problems, expected);
  });

  it("refuses a non-object, a restricted_zone response without its zone, and an alarm answered twice", () => {
    assert.deepEqual(problemsOf([]), ["must be object"]);
    const document = libraryExercise("th-05-restricted-zone");
    const responses = document.responses as Record<string, unknown>[];
    delete (responses[0]!.alarm as Record<string, unknown>).zone;
    responses.push({ ...responses[1]!, id: "again" });
    const problems = problemsOf(document);
    assert.ok(
      problems.some((p) => p.startsWith("responses[0].alarm.zone: a restricted_zone alarm names its zone")),
    );
    assert.ok(
      problems.some((p) => p.startsWith('responses[2]: trip "TH-2506-1104" has a second arrival response')),
    );
  });
});

describe("checking an exercise against the engine", () => {
  it("finds expected alarms the engine does not raise, alarms without a response, and wrong retractions", () => {
    const document = libraryExercise();
    const responses = document.responses as Record<string, unknown>[];
    (responses[0]!.alarm as Record<string, unknown>).startedAt = "2025-06-12T10:50:00Z";
    responses[1]!.retracted = true;
    delete responses[1]!.outcome;
    const check = checkExercise(parseExercise(document));
    assert.deepEqual(check.problems, [
      "responses[0] (tamper): tamper of trip TH-2506-4101, device ELK-TH-4101, started 2025-06-12T10:50:00Z is not raised by the engine",
      "responses[1] (opening): unauthorized_opening of trip TH-2506-4101, device ELK-TH-4101, started 2025-06-12T11:01:30Z is said to be retracted, but the engine keeps it",
      "tamper of trip TH-2506-4101, device ELK-TH-4101, started 2025-06-12T10:57:30Z is raised but has no expected response",
    ]);
  });

  it("refuses an arrival decision for a trip that never arrives", () => {
    const document = libraryExercise();
    const scenario = document.scenario as { inputs: { type: string; at: string }[] };
    // The story ends before the truck reaches Nong Khai.
    scenario.inputs = scenario.inputs.filter((input) => input.at < "2025-06-12T13:00:00Z");
    const check = checkExercise(parseExercise(document));
    assert.deepEqual(check.problems, ["responses[2] (arr-1): trip TH-2506-4101 never arrives in the replay"]);
  });
});
