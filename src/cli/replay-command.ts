/** `sealwatch replay FILE [--check] [--db PATH_OR_URL]`: replays a scenario and prints the contract's output. */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { SealwatchError } from "../core/errors.js";
import { compareWithExpected } from "../scenario/compare.js";
import { replay, toOutputJson, type ReplayResult } from "../scenario/replay.js";
import { parseScenario, ScenarioError, type Scenario } from "../scenario/scenario.js";
import { registerScenario, replayIntoStore, resultFromStore } from "../scenario/stored-replay.js";
import { openStore } from "../store/open.js";
import { UsageError, type Command, type CommandIo } from "./command.js";

const HELP = `Usage: sealwatch replay FILE [--check] [--db PATH_OR_URL]

Replays a scenario (spec/monitoring.md, section 4) through the monitoring engine and prints the
replay output as one JSON object: alarms, retracted, trips, rejected.

Options:
  --check            compare with the scenario's "expected" block instead of printing the output;
                     prints the differences and exits with 1 when there are any
  --db PATH_OR_URL   persist everything replayed (readings, commands, alarms, the audit chain) into a
                     SQLite file or a PostgreSQL URL, through the same engine host the server uses,
                     and read the output back from it; use a fresh database
  -h, --help         show this help

Exit codes: 0 success, 1 the replay differs from "expected", 2 unreadable or malformed scenario.`;

/** Inputs from which progress is reported on stderr. */
const PROGRESS_FROM_INPUTS = 50_000;

export const replayCommand: Command = {
  name: "replay",
  summary: "replay a scenario file through the engine (optionally --check it)",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        check: { type: "boolean", default: false },
        db: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
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
      const result =
        values.db === undefined
          ? replay(scenario, progress === undefined ? {} : { afterInput: progress })
          : await replayWithStore(scenario, values.db, io, progress);
      if (result === undefined) return 2;
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

/** Replays through the engine host into a store; undefined when the store cannot be used. */
async function replayWithStore(
  scenario: Scenario,
  target: string,
  io: CommandIo,
  progress: ((index: number) => void) | undefined,
): Promise<ReplayResult | undefined> {
  let store;
  try {
    store = await openStore(target.includes("://") ? { url: target } : { path: target });
  } catch (error) {
    if (error instanceof SealwatchError) {
      io.err(`replay --db: ${error.message}`);
      return undefined;
    }
    throw error;
  }
  try {
    for (const trip of scenario.trips) {
      const existing = await store.trips.get(trip.id);
      if (existing !== undefined && existing.state !== "declared") {
        io.err(
          `replay --db: ${store.location} already holds trip ${trip.id} (${existing.state}); replay into a fresh database`,
        );
        return undefined;
      }
    }
    await registerScenario(scenario, store, 0);
    const run = await replayIntoStore(
      scenario,
      store,
      progress === undefined ? {} : { afterInput: progress },
    );
    return await resultFromStore(store, scenario, run.rejected);
  } catch (error) {
    if (error instanceof SealwatchError) {
      io.err(`replay --db: ${error.message}`);
      return undefined;
    }
    throw error;
  } finally {
    await store.close();
  }
}

function progressReporter(total: number, io: { progress(text: string): void }): (index: number) => void {
  const step = Math.max(1, Math.floor(total / 100));
  return (index) => {
    if ((index + 1) % step === 0)
      io.progress(`replay: ${index + 1}/${total} inputs (${Math.floor(((index + 1) * 100) / total)}%)\r`);
  };
}
