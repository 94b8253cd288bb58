/**
 * Scenarios written while reading the spec against an independent reference implementation, each
 * settling a point the public scenarios leave open (see each file's description).
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { compareWithExpected } from "../../src/scenario/compare.js";
import { replay, toOutputJson } from "../../src/scenario/replay.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { fixturePath, readJson } from "../support/fixtures.js";

describe("settled disputes", () => {
  const dir = fixturePath("disputes");
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith(".json"))
    .sort()) {
    it(name, () => {
      const scenario = parseScenario(readJson(join(dir, name)));
      const output = toOutputJson(replay(scenario)) as Record<string, unknown>;
      assert.deepEqual(compareWithExpected(scenario.expected, output), []);
    });
  }
});
