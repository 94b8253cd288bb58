/** `sealwatch db status|retention`: the store's schema version and contents; readings retention. */
import { parseArgs } from "node:util";
import type { OpenedStore } from "../store/open.js";
import { PostgresStore } from "../store/postgres/postgres-store.js";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import { runSubcommand, UsageError, type Command, type CommandIo } from "./command.js";
import { DB_HELP, DB_OPTION, withStore } from "./store-target.js";

const STATUS_HELP = `Usage: sealwatch db status [--db PATH_OR_URL]

Shows where the store is, its applied and latest schema versions, and how many rows its main tables
hold. Opens the store read-only: it works while a server is running.

Options:
${DB_HELP}
  -h, --help        show this help

Exit codes: 0 shown, 2 usage error or the store cannot be opened.`;

const RETENTION_HELP = `Usage: sealwatch db retention --older-than DAYS --export-dir DIR [--db URL]

PostgreSQL only. Exports every daily readings partition whose whole day is older than DAYS days to
DIR (<partition>.ndjson.gz plus <partition>.manifest.json with its SHA-256), records the export, and
only then drops the partition. A partition that was not exported is never dropped.

Options:
  --older-than DAYS  keep readings of the last DAYS days (a positive integer)
  --export-dir DIR   where the exports are written (created if missing)
${DB_HELP}
  -h, --help         show this help

Exit codes: 0 done, 2 usage error, or the store refused or failed (nothing dropped unexported).`;

const HELP = `Usage: sealwatch db status [--db PATH_OR_URL]
       sealwatch db retention --older-than DAYS --export-dir DIR [--db URL]

Subcommands:
  status     applied schema version, latest version, location and row counts
  retention  export then drop readings partitions older than DAYS (PostgreSQL)

Run \`sealwatch db SUBCOMMAND --help\` for its options.`;

export const dbCommand: Command = {
  name: "db",
  summary: "store status (schema version, counts) and readings retention",
  help: HELP,
  run: (argv, io) => runSubcommand(argv, io, HELP, { status, retention }),
};

async function status(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...DB_OPTION, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help === true) {
    io.out(STATUS_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError("db status takes no arguments", STATUS_HELP);
  return withStore(values.db, { readOnly: true }, io, "db status", async (store) => {
    const migrations = await store.migrationStatus();
    io.out(`store: ${store.kind} ${store.location}`);
    const pending = migrations.latest - migrations.current;
    io.out(
      `schema: version ${migrations.current} applied, latest ${migrations.latest}` +
        (pending > 0
          ? ` (${pending} pending, applied at the next start)`
          : pending < 0
            ? " (newer than this Sealwatch)"
            : " (up to date)"),
    );
    for (const m of migrations.applied)
      io.out(`  ${m.version} ${m.name} (${new Date(m.appliedAtMs).toISOString()})`);
    const counts = await store.counts();
    io.out(
      `counts: ${Object.entries(counts)
        .map(([table, n]) => `${table} ${n}`)
        .join(", ")}`,
    );
    await details(store, io);
    return 0;
  });
}

async function details(store: OpenedStore, io: CommandIo): Promise<void> {
  if (store instanceof SqliteStore) {
    const problems = await store.checkIntegrity();
    io.out(`integrity: ${problems.join("; ")}`);
  } else {
    const partitions = await store.listPartitions();
    const first = partitions[0];
    const last = partitions.at(-1);
    io.out(
      first === undefined || last === undefined
        ? "partitions: none (all readings in the default partition)"
        : `partitions: ${partitions.length} daily, ${day(first.fromMs)} to ${day(last.toMs - 1)}`,
    );
  }
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

async function retention(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...DB_OPTION,
      "older-than": { type: "string" },
      "export-dir": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  if (values.help === true) {
    io.out(RETENTION_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError("db retention takes no arguments", RETENTION_HELP);
  const olderThan = values["older-than"];
  const exportDir = values["export-dir"];
  if (olderThan === undefined || !/^\d+$/.test(olderThan) || Number(olderThan) < 1)
    throw new UsageError("--older-than DAYS is required (a positive integer)", RETENTION_HELP);
  if (exportDir === undefined || exportDir === "")
    throw new UsageError("--export-dir DIR is required", RETENTION_HELP);
  return withStore(values.db, { readOnly: false }, io, "db retention", async (store) => {
    if (!(store instanceof PostgresStore)) {
      io.err(
        `sealwatch db retention: ${store.location} is a SQLite store; retention by partition applies to PostgreSQL (the SQLite store keeps every reading)`,
      );
      return 2;
    }
    const result = await store.applyRetention({ olderThanDays: Number(olderThan), exportDir });
    for (const e of result.exported)
      io.out(`exported ${e.partition}: ${e.rows} readings to ${e.file} (sha256 ${e.sha256})`);
    for (const name of result.dropped) io.out(`dropped ${name}`);
    io.out(
      result.dropped.length === 0
        ? `nothing older than ${olderThan} days`
        : `${result.dropped.length} partition${result.dropped.length === 1 ? "" : "s"} exported and dropped`,
    );
    return 0;
  });
}
