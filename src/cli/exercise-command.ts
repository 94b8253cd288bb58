/** `sealwatch exercise check FILE…`: validates training exercises and replays them through the engine. */
import { parseArgs } from "node:util";
import { formatTimeMs } from "../core/time/rfc3339.js";
import { checkExercise, describeAlarm } from "../training/check.js";
import { readExerciseFile } from "../training/exercise-file.js";
import { runSubcommand, UsageError, type Command, type CommandIo } from "./command.js";

const CHECK_HELP = `Usage: sealwatch exercise check FILE...

Checks training exercises (docs/training.md): each file is validated against the exercise schema
(every problem listed with its path), then its scenario is replayed through the monitoring engine
and the expected responses are reconciled with what the engine raises. Prints the alarms and
arrivals the trainee will meet, each with the expected response that scores it.

Options:
  -h, --help   show this help

Exit codes: 0 every file is consistent, 1 an exercise disagrees with the engine, 2 unreadable or
malformed file.`;

const HELP = `Usage: sealwatch exercise check FILE...

Subcommands:
  check   validate exercises and replay them through the engine

Run \`sealwatch exercise SUBCOMMAND --help\` for its options.`;

export const exerciseCommand: Command = {
  name: "exercise",
  summary: "check training exercises against the schema and the engine",
  help: HELP,
  run: (argv, io) => runSubcommand(argv, io, HELP, { check: (a, o) => Promise.resolve(check(a, o)) }),
};

function check(argv: string[], io: CommandIo): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help === true) {
    io.out(CHECK_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError("check takes at least one FILE", CHECK_HELP);
  let code = 0;
  for (const file of positionals) {
    const loaded = readExerciseFile(file);
    if (!loaded.ok) {
      io.err(`${file}: ${loaded.problems.length} problem${loaded.problems.length === 1 ? "" : "s"}`);
      for (const problem of loaded.problems) io.err(`  - ${problem}`);
      code = 2;
      continue;
    }
    const { exercise } = loaded;
    const result = checkExercise(exercise);
    io.out(`${result.problems.length === 0 ? "ok" : "FAIL"} ${exercise.id}: ${exercise.title}`);
    for (const met of result.met) {
      const response = met.responseId === undefined ? "no expected response" : `response ${met.responseId}`;
      io.out(`  alarm ${describeAlarm(met.alarm)}${met.retracted ? " (retracted later)" : ""}: ${response}`);
    }
    for (const arrival of result.arrivals) {
      const response =
        arrival.responseId === undefined ? "no decision expected" : `response ${arrival.responseId}`;
      io.out(`  arrival of trip ${arrival.trip} at ${formatTimeMs(arrival.atMs)}: ${response}`);
    }
    if (result.replay.rejected.length > 0)
      io.out(`  ${result.replay.rejected.length} input(s) refused by the engine (part of the story)`);
    for (const problem of result.problems) io.out(`  - ${problem}`);
    if (result.problems.length > 0 && code === 0) code = 1;
  }
  return code;
}
