/**
 * `sealwatch engine --bus nats://… --db postgres://…`: an engine worker of the distributed mode.
 * Holds leases on its share of the input log's partitions, applies them to PostgreSQL, and serves
 * /health, /ready and /metrics on --port. Runs until SIGINT or SIGTERM, then hands its partitions
 * back (the other workers take them at once).
 */
import { parseArgs } from "node:util";
import { pino } from "pino";
import { loadConfig } from "../config/load.js";
import { SealwatchError } from "../core/errors.js";
import { EngineWorker } from "../cluster/engine-worker.js";
import { openBus } from "../cluster/open-bus.js";
import { metricFamily, serveProbes } from "../cluster/process-http.js";
import { monotonic, systemClock } from "../monitor/clock.js";
import { openStore } from "../store/open.js";
import { UsageError, loadCommandConfig, type Command } from "./command.js";

const HELP = `Usage: sealwatch engine --bus nats://HOST:4222 --db postgres://… [--port N] [--config FILE]

Runs an engine worker of the distributed mode until SIGINT or SIGTERM. Workers share the
partitions of the input log by leases in JetStream KV; each partition is applied by one worker at a
time, in order, into PostgreSQL. Start as many as the load needs; a worker that dies has its
partitions taken over by the others within the lease time (SEALWATCH_BUS_LEASE_TTL_MS).

Options:
  --bus URL        NATS JetStream (default: $SEALWATCH_BUS_URL)
  --db URL         PostgreSQL (default: $DATABASE_URL); SQLite cannot be shared between workers
  --port N         /health, /ready and /metrics on httpHost:N (default 0: a free port, printed)
  --config FILE    JSON settings file; the environment wins
  -h, --help       show this help

Exit codes: 0 stopped by a signal, 2 usage error, bad configuration, or the bus or the store
cannot be reached.`;

export const engineCommand: Command = {
  name: "engine",
  summary: "run an engine worker of the distributed mode (NATS JetStream + PostgreSQL)",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        bus: { type: "string" },
        db: { type: "string" },
        port: { type: "string" },
        config: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
    if (values.help === true) {
      io.out(HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError("engine takes no arguments", HELP);
    const config = loadCommandConfig("engine", values.config, io, loadConfig);
    if (config === undefined) return 2;
    const busUrl = values.bus ?? config.busUrl;
    const dbUrl = values.db ?? config.databaseUrl;
    if (busUrl === undefined) throw new UsageError("--bus (or SEALWATCH_BUS_URL) is required", HELP);
    if (dbUrl === undefined || !/^postgres(ql)?:\/\//.test(dbUrl))
      throw new UsageError("--db (or DATABASE_URL) must be a postgres:// URL", HELP);
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError("--port must be 0..65535", HELP);

    const logger = pino({ level: config.logLevel, base: { component: "engine" } }, pino.destination(2));
    const clock = monotonic(systemClock);
    let store;
    let bus;
    try {
      store = await openStore({ url: dbUrl });
      await store.migrate();
      bus = await openBus(config, busUrl, "sealwatch-engine");
    } catch (error) {
      await store?.close();
      if (error instanceof SealwatchError) {
        io.err(`sealwatch engine: ${error.message} [${error.code}]`);
        return 2;
      }
      throw error;
    }
    const worker = new EngineWorker({
      bus,
      store,
      clock,
      logger,
      tickIntervalMs: config.tickIntervalMs,
      closedTripGraceMs: config.closedTripGraceS * 1000,
    });
    worker.start();
    const openedStore = store;
    const openedBus = bus;
    const probes = await serveProbes(config.httpHost, port, {
      readiness: () =>
        Promise.resolve(
          openedBus.nc.isClosed()
            ? "not connected to NATS"
            : worker.ready || worker.liveWorkers > bus.partitions
              ? null
              : "no partition yet",
        ),
      async metrics() {
        const status = await worker.status();
        const totals = worker.totals();
        return [
          metricFamily("sealwatch_engine_partitions_owned", "Partitions this worker holds.", "gauge", [
            { value: status.length },
          ]),
          metricFamily(
            "sealwatch_engine_partition_owned",
            "1 for each partition this worker holds.",
            "gauge",
            status.map((s) => ({ labels: { partition: s.partition }, value: 1 })),
          ),
          metricFamily(
            "sealwatch_engine_consumer_lag",
            "Messages of a partition not yet applied and acknowledged.",
            "gauge",
            status
              .filter((s) => s.lag !== undefined)
              .map((s) => ({ labels: { partition: s.partition }, value: s.lag! })),
          ),
          metricFamily(
            "sealwatch_engine_messages_applied_total",
            "Messages applied and acknowledged.",
            "counter",
            [{ value: totals.applied }],
          ),
          metricFamily(
            "sealwatch_engine_redeliveries_total",
            "Messages delivered again (after a takeover).",
            "counter",
            [{ value: totals.redelivered }],
          ),
          metricFamily(
            "sealwatch_engine_dead_letters_total",
            "Messages dead-lettered as unreadable.",
            "counter",
            [{ value: totals.deadLettered }],
          ),
          metricFamily("sealwatch_engine_takeovers_total", "Partitions taken by this worker.", "counter", [
            { value: worker.takeovers },
          ]),
          metricFamily(
            "sealwatch_engine_partition_restarts_total",
            "Partitions restarted after a failure.",
            "counter",
            [{ value: worker.restarts }],
          ),
          metricFamily("sealwatch_engine_live_workers", "Engine workers this one sees.", "gauge", [
            { value: worker.liveWorkers },
          ]),
        ].join("");
      },
    });
    io.out(`engine: worker ${worker.id}, bus ${busUrl}, store ${openedStore.kind}`);
    io.out(`probes: http ${config.httpHost}:${probes.port}`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    io.err("sealwatch engine: stopping (handing partitions back)");
    probes.server.close();
    await worker.stop();
    await openedBus.close();
    await openedStore.close();
    return 0;
  },
};
