/** `sealwatch exercise check FILE…`: validates training exercises and replays them through the engine. */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatTimeMs } from "../core/time/rfc3339.js";
import { checkExercise, describeAlarm } from "../training/check.js";
import { exerciseFromText, readExerciseFile } from "../training/exercise-file.js";
import { exerciseFromTrip } from "../training/from-trip.js";
import type { ReadingRecord, Store } from "../store/ports.js";
import { DB_HELP, DB_OPTION, withStore } from "./store-target.js";
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

const FROM_TRIP_HELP = `Usage: sealwatch exercise from-trip TRIP --out FILE [--id ID] [--shift-days N]
                                  [--db PATH_OR_URL]

Makes a training exercise from a stored trip (docs/training.md, "From a real trip"): its zones,
devices, readings and accepted commands become the scenario, anonymised (the trip is TRIP-1, its
devices SEAL-1, SEAL-2...; the declaration, reference, plates, driver, company, containers, raw
frames and vendor details are left out) and shifted by whole days. The alarms' recorded outcomes and
the inspection decision become the expected responses; what was never recorded is listed for you to
complete. The file is then checked like "exercise check".

Options:
  --out FILE        where to write the exercise (required)
  --id ID           the exercise id (default: from-trip-<date>)
  --shift-days N    days added to every time (default: the trip is armed on 2030-01-07)
${DB_HELP}
  -h, --help        show this help

Exit codes: 0 written and consistent, 1 written but to be completed (listed), 2 usage error, unknown
trip or the store cannot be opened.`;

const HELP = `Usage: sealwatch exercise check FILE...
       sealwatch exercise from-trip TRIP --out FILE

Subcommands:
  check       validate exercises and replay them through the engine
  from-trip   make an anonymised exercise from a stored trip

Run \`sealwatch exercise SUBCOMMAND --help\` for its options.`;

export const exerciseCommand: Command = {
  name: "exercise",
  summary: "check training exercises against the schema and the engine",
  help: HELP,
  run: (argv, io) =>
    runSubcommand(argv, io, HELP, { check: (a, o) => Promise.resolve(check(a, o)), "from-trip": fromTrip }),
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

const DAY_MS = 86_400_000;
/** Where a trip lands by default: armed on this day. */
const DEFAULT_DAY_MS = Date.UTC(2030, 0, 7);
/** Readings this long before arming are kept (the seal closing before the arm command). */
const BEFORE_ARMING_MS = DAY_MS;

async function fromTrip(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...DB_OPTION,
      out: { type: "string" },
      id: { type: "string" },
      "shift-days": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help === true) {
    io.out(FROM_TRIP_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("from-trip takes exactly one TRIP", FROM_TRIP_HELP);
  if (values.out === undefined) throw new UsageError("--out FILE is required", FROM_TRIP_HELP);
  const shiftText = values["shift-days"];
  if (shiftText !== undefined && !/^-?\d{1,6}$/.test(shiftText))
    throw new UsageError("--shift-days takes a whole number of days", FROM_TRIP_HELP);
  if (values.id !== undefined && !/^[a-z0-9][a-z0-9-]{2,63}$/.test(values.id))
    throw new UsageError("--id is 3 to 64 lower-case letters, digits and dashes", FROM_TRIP_HELP);
  const tripId = positionals[0]!;
  const out = values.out;
  return withStore(values.db, { readOnly: true }, io, "exercise from-trip", async (store) => {
    const stored = await storedTrip(store, tripId);
    if (stored === undefined) {
      io.err(`sealwatch exercise from-trip: no armed trip ${tripId} in the store`);
      return 2;
    }
    const startMs = stored.trip.armedAtMs!;
    const shiftDays =
      shiftText === undefined ? Math.round((DEFAULT_DAY_MS - startMs) / DAY_MS) : Number(shiftText);
    const id = values.id ?? `from-trip-${formatTimeMs(startMs + shiftDays * DAY_MS).slice(0, 10)}`;
    const { document, todo } = exerciseFromTrip(stored, { exerciseId: id, shiftDays });
    const text = `${JSON.stringify(document, null, 2)}\n`;
    writeFileSync(out, text);
    io.out(`wrote ${out}: exercise ${id}, trip ${tripId} as TRIP-1, times shifted by ${shiftDays} days`);
    for (const item of todo) io.out(`  to do: ${item}`);
    const loaded = exerciseFromText(text);
    if (!loaded.ok) {
      for (const problem of loaded.problems) io.out(`  - ${problem}`);
      return 1;
    }
    const result = checkExercise(loaded.exercise);
    for (const problem of result.problems) io.out(`  - ${problem}`);
    return result.problems.length === 0 && todo.length === 0 ? 0 : 1;
  });
}

async function storedTrip(store: Store, tripId: string) {
  const trip = await store.trips.get(tripId);
  if (trip?.armedAtMs === undefined) return undefined;
  const fromMs = trip.armedAtMs - BEFORE_ARMING_MS;
  const toMs = (trip.closedAtMs ?? trip.cancelledAtMs ?? Date.now()) + 1;
  const readings: ReadingRecord[] = [];
  for (const deviceId of trip.devices)
    readings.push(...(await store.readings.forDevice(deviceId, fromMs, toMs)));
  const referenced = new Set([trip.origin, trip.destination, ...(trip.checkpoints ?? [])]);
  // Rest areas and restricted zones decide alarms too; other offices may be read at.
  const zones = (await store.zones.list()).map(({ id, kind, name, shape }) => ({
    id,
    kind,
    shape,
    ...(name === undefined ? {} : { name }),
  }));
  const decision = (await store.inspections.get(tripId))?.decision?.kind;
  return {
    trip,
    zones: zones.filter(
      (z) => referenced.has(z.id) || z.kind !== "office" || readings.some((r) => r.office === z.id),
    ),
    devices: await Promise.all(trip.devices.map((id) => store.devices.get(id))).then((d) =>
      d.filter((x) => x !== undefined),
    ),
    readings,
    commands: await store.commands.forTrip(tripId),
    alarms: await store.alarms.forTrip(tripId),
    ...(decision === undefined ? {} : { decision }),
  };
}
