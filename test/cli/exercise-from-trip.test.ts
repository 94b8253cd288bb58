import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { AlarmWorkflow } from "../../src/api/services/alarm-workflow.js";
import { MemoryLiveBus } from "../../src/bus/live-events.js";
import { ManualClock } from "../../src/monitor/clock.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { registerScenario, replayIntoStore } from "../../src/scenario/stored-replay.js";
import { openStore } from "../../src/store/open.js";
import { exerciseFromText } from "../../src/training/exercise-file.js";
import { runCli } from "../support/cli.js";
import { fixturePath, readJson } from "../support/fixtures.js";

const DAY_MS = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), "sealwatch-from-trip-"));

/** A store holding the public tamper-and-opening story; its alarms resolved when `resolve` says so. */
async function storeWithTrip(name: string, resolve: boolean): Promise<string> {
  const path = join(dir, `${name}.db`);
  const store = await openStore({ path });
  try {
    const scenario = parseScenario(readJson(fixturePath("scenarios", "th-tamper-and-opening.json")));
    await registerScenario(scenario, store, 0);
    await replayIntoStore(scenario, store);
    if (resolve) {
      const workflow = new AlarmWorkflow(
        store,
        new MemoryLiveBus(10),
        new ManualClock(Date.UTC(2025, 5, 13)),
      );
      for (const alarm of await store.alarms.forTrip("TH-2506-4101")) {
        await workflow.acknowledge(alarm.id, "user:officer");
        await workflow.resolve(alarm.id, "user:officer", "confirmed_breach");
      }
    }
  } finally {
    await store.close();
  }
  return path;
}

describe("sealwatch exercise from-trip", () => {
  let resolved: string;
  let unresolved: string;
  before(async () => {
    resolved = await storeWithTrip("resolved", true);
    unresolved = await storeWithTrip("unresolved", false);
  });

  it("writes an anonymised, shifted exercise whose responses the engine confirms", async () => {
    const out = join(dir, "from-trip.json");
    const run = await runCli([
      "exercise",
      "from-trip",
      "TH-2506-4101",
      "--out",
      out,
      "--db",
      resolved,
      "--shift-days",
      "1000",
      "--id",
      "th-real-opening",
    ]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /wrote .*from-trip\.json: exercise th-real-opening, trip TH-2506-4101 as TRIP-1, times shifted by 1000 days/,
    );
    const text = readFileSync(out, "utf8");
    for (const secret of ["TH-2506-4101", "ELK-TH-4101", "25TH0001LCB041015", "2025-06-12"])
      assert.ok(!text.includes(secret), `${secret} is in the exercise`);
    const loaded = exerciseFromText(text);
    assert.ok(loaded.ok);
    const alarms = loaded.exercise.responses.filter((r) => r.kind === "alarm");
    assert.deepEqual(
      alarms.map((r) => [r.alarm.type, r.alarm.trip, r.alarm.device, r.alarm.startedAtMs, r.outcome]),
      [
        [
          "tamper",
          "TRIP-1",
          "SEAL-1",
          Date.parse("2025-06-12T10:57:30Z") + 1000 * DAY_MS,
          "confirmed_breach",
        ],
        [
          "unauthorized_opening",
          "TRIP-1",
          "SEAL-1",
          Date.parse("2025-06-12T11:01:30Z") + 1000 * DAY_MS,
          "confirmed_breach",
        ],
      ],
    );
    const check = await runCli(["exercise", "check", out]);
    assert.equal(check.code, 0, check.stdout);
  });

  it("lists what the author must complete when no outcome was recorded, and exits 1", async () => {
    const out = join(dir, "todo.json");
    const run = await runCli(["exercise", "from-trip", "TH-2506-4101", "--out", out, "--db", unresolved]);
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      /to do: alarm-1 \(tamper at 2030-01-0\dT10:57:30Z\): no outcome was recorded on the real trip; set "outcome"/,
    );
    assert.match(run.stdout, /- responses\[1\]: "outcome" is required \(unless "retracted": true\)/);
  });

  it("refuses an unknown trip, a missing --out and a bad --shift-days", async () => {
    assert.equal(
      (await runCli(["exercise", "from-trip", "NOPE", "--out", join(dir, "x.json"), "--db", resolved])).code,
      2,
    );
    assert.equal((await runCli(["exercise", "from-trip", "TH-2506-4101", "--db", resolved])).code, 2);
    const bad = await runCli([
      "exercise",
      "from-trip",
      "TH-2506-4101",
      "--out",
      join(dir, "y.json"),
      "--db",
      resolved,
      "--shift-days",
      "1.5",
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--shift-days takes a whole number of days/);
  });
});
