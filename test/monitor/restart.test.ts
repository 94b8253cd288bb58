/**
 * A restarted engine produces the same alarms as one that never stopped (issue 3): every public
 * scenario (and every settled dispute) is replayed through the engine host into a real store,
 * stopped at random input positions, reopened from the store alone, and finished; the result read
 * back from the store must equal an uninterrupted in-memory replay.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, describe, it } from "node:test";
import fc from "fast-check";
import { compareWithExpected } from "../../src/scenario/compare.js";
import { replay, toOutputJson } from "../../src/scenario/replay.js";
import { parseScenario, type Scenario } from "../../src/scenario/scenario.js";
import { registerScenario, replayIntoStore, resultFromStore } from "../../src/scenario/stored-replay.js";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/ports.js";
import { deviceClassScenarioFiles, fixturePath, readJson, scenarioFiles } from "../support/fixtures.js";
import { createThrowawayDatabase, dropDatabase, probePostgres } from "../store/pg-support.js";
import { readdirSync } from "node:fs";

// Probed before any test is declared (tests start as soon as they are): SQLite work blocks the
// event loop and would time the probe out.
const probe = await probePostgres();

function allScenarios(): { name: string; scenario: Scenario }[] {
  const disputes = readdirSync(fixturePath("disputes"))
    .filter((n) => n.endsWith(".json"))
    .map((n) => join(fixturePath("disputes"), n));
  return [...scenarioFiles(), ...disputes, ...deviceClassScenarioFiles()].map((file) => ({
    name: basename(file),
    scenario: parseScenario(readJson(file)),
  }));
}

/** Replays with stops at `stops` (sorted input indices), reopening the store each time. */
async function stoppedReplay(
  scenario: Scenario,
  open: () => Promise<Store>,
  stops: number[],
): Promise<Record<string, unknown>> {
  let store = await open();
  await registerScenario(scenario, store, 0);
  const rejected: { input: number; reason: string }[] = [];
  let from = 0;
  for (const stop of [...stops, scenario.inputs.length]) {
    const run = await replayIntoStore(scenario, store, { from, until: stop });
    rejected.push(...run.rejected);
    from = stop;
    if (stop < scenario.inputs.length) {
      await store.close();
      store = await open();
    }
  }
  const output = toOutputJson(await resultFromStore(store, scenario, rejected)) as Record<string, unknown>;
  await store.close();
  return output;
}

describe("restart from the store (SQLite)", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealwatch-restart-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let counter = 0;

  for (const { name, scenario } of allScenarios()) {
    it(`${name}: stopped and restarted at random inputs, same result as an uninterrupted run`, async () => {
      const uninterrupted = toOutputJson(replay(scenario)) as Record<string, unknown>;
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.integer({ min: 0, max: scenario.inputs.length - 1 }), {
            minLength: 1,
            maxLength: 3,
          }),
          async (stops) => {
            const path = join(dir, `s${counter++}.db`);
            const output = await stoppedReplay(
              scenario,
              () => openStore({ path }),
              [...stops].sort((a, b) => a - b),
            );
            assert.deepEqual(
              compareWithExpected(uninterrupted, output),
              [],
              `stopped at ${stops.join(", ")}`,
            );
          },
        ),
        { seed: 2026, numRuns: 4 },
      );
    });
  }

  it("replays into a store exactly as in memory (no stop)", async () => {
    for (const { name, scenario } of allScenarios()) {
      const output = await stoppedReplay(
        scenario,
        () => openStore({ path: join(dir, `full-${name}.db`) }),
        [],
      );
      assert.deepEqual(compareWithExpected(scenario.expected, output), [], name);
    }
  });
});

describe("restart from the store (PostgreSQL)", () => {
  if (!probe.ok) {
    if (process.env.CI !== undefined) throw new Error(`PostgreSQL is required in CI: ${probe.reason}`);
    console.warn(
      `\n*** SKIPPING the PostgreSQL restart tests: PostgreSQL is unreachable (${probe.reason}) ***\n`,
    );
    void it.skip("PostgreSQL unreachable", () => {});
    return;
  }
  const databases: string[] = [];
  after(async () => {
    for (const name of databases) await dropDatabase(name);
  });

  for (const { name, scenario } of allScenarios()) {
    it(`${name}: stopped twice and restarted, same result as an uninterrupted run`, async () => {
      const db = await createThrowawayDatabase("sealwatch_restart");
      databases.push(db.name);
      const uninterrupted = toOutputJson(replay(scenario)) as Record<string, unknown>;
      const n = scenario.inputs.length;
      const output = await stoppedReplay(scenario, () => openStore({ url: db.url }), [
        Math.floor(n / 3),
        Math.floor((2 * n) / 3),
      ]);
      assert.deepEqual(compareWithExpected(uninterrupted, output), []);
    });
  }
});
