import assert from "node:assert/strict";
import { basename } from "node:path";
import { describe, it } from "node:test";
import { compareWithExpected } from "../../src/scenario/compare.js";
import { replay, toOutputJson } from "../../src/scenario/replay.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { runCli } from "../support/cli.js";
import { readJson, scenarioFiles } from "../support/fixtures.js";

describe("public scenarios", () => {
  const files = scenarioFiles();

  it("are all present in the fixtures", () => {
    assert.ok(files.length >= 10, `expected at least 10 scenario fixtures, found ${files.length}`);
  });

  for (const file of files) {
    it(`${basename(file)} reproduces its expected block`, () => {
      const scenario = parseScenario(readJson(file));
      const output = toOutputJson(replay(scenario)) as Record<string, unknown>;
      assert.deepEqual(compareWithExpected(scenario.expected, output), []);
    });

    it(`${basename(file)} passes replay --check through the CLI`, async () => {
      const run = await runCli(["replay", file, "--check"]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /^ok /);
    });
  }
});
