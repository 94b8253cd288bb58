/** `sealwatch replay FILE [--check]`: replays a scenario and prints the contract's output. */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { compareWithExpected } from "../scenario/compare.js";
import { replay, toOutputJson } from "../scenario/replay.js";
import { parseScenario, ScenarioError } from "../scenario/scenario.js";
import { UsageError, type Command } from "./command.js";

const HELP = `Usage: sealwatch replay FILE [--check]

Replays a scenario (spec/monitoring.md, section 4) through the monitoring engine and prints the
replay output as one JSON object: alarms, retracted, trips, rejected.

Options:
  --check     compare with the scenario's "expected" block instead of printing the output;
              prints the differences and exits with 1 when there are any
  -h, --help  show this help

Exit codes: 0 success, 1 the replay differs from "expected", 2 unreadable or malformed scenario.`;

/** Inputs from which progress is reported on stderr. */
const PROGRESS_FROM_INPUTS = 50_000;

export const replayCommand: Command = {
  name: "replay",
  summary: "replay a scenario file through the engine (optionally --check it)",
  help: HELP,
  run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { check: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
    });
    if (values.help === true) {
      io.out(HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError("replay takes exactly one FILE", HELP);
    const file = positionals[0]!;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      io.err(`${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      return 2;
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      io.err(`${file}: not valid JSON: ${(error as Error).message}`);
      return 2;
    }
    try {
      const scenario = parseScenario(document);
      if (values.check === true && scenario.expected === undefined) {
        io.err(`${file}: --check needs an "expected" block, and this scenario has none`);
        return 2;
      }
      const total = scenario.inputs.length;
      const progress = total >= PROGRESS_FROM_INPUTS ? progressReporter(total, io) : undefined;
      const result = replay(scenario, progress === undefined ? {} : { afterInput: progress });
      if (progress !== undefined) io.progress(`replay: ${total}/${total} inputs, done\n`);
      const output = toOutputJson(result) as Record<string, unknown>;
      if (values.check !== true) {
        io.out(JSON.stringify(output, null, 2));
        return 0;
      }
      const diffs = compareWithExpected(scenario.expected, output);
      const label = scenario.name === "" ? file : scenario.name;
      if (diffs.length === 0) {
        io.out(
          `ok ${label}: ${result.alarms.length} alarms, ${result.retracted.length} retracted, ${result.rejected.length} rejected, as expected`,
        );
        return 0;
      }
      io.out(`FAIL ${label}: ${diffs.length} difference${diffs.length === 1 ? "" : "s"} from "expected"`);
      for (const diff of diffs) io.out(`  - ${diff}`);
      return 1;
    } catch (error) {
      if (error instanceof ScenarioError) {
        io.err(`${file}: ${error.message}`);
        return 2;
      }
      throw error;
    }
  },
};

function progressReporter(total: number, io: { progress(text: string): void }): (index: number) => void {
  const step = Math.max(1, Math.floor(total / 100));
  return (index) => {
    if ((index + 1) % step === 0)
      io.progress(`replay: ${index + 1}/${total} inputs (${Math.floor(((index + 1) * 100) / total)}%)\r`);
  };
}
