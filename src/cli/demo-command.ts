/**
 * `sealwatch demo` (and `npm start`): the whole product on the embedded defaults with seeded
 * accounts, the four corridors and a simulated fleet talking to the gateways over the real device
 * protocols. Prints where to look and how to log in, then runs until SIGINT or SIGTERM.
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { loadConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { SealwatchError } from "../core/errors.js";
import { CREDENTIALS_FILE, type DemoCredentials } from "../demo/credentials.js";
import { demoConfigOverrides, startDemo, type RunningDemo } from "../demo/demo.js";
import { createLogger } from "../server/logger.js";
import { UsageError, type Command, type CommandIo } from "./command.js";

const DEFAULT_DATA_DIR = "data/demo";
const DEFAULT_VEHICLES = 60;
const STATUS_EVERY_MS = 30_000;

const HELP = `Usage: sealwatch demo [--data-dir DIR] [--port N] [--vehicles N] [--seed N] [--config FILE] [--no-fleet]

Starts Sealwatch on the embedded defaults (SQLite in the demo's data folder, in-process bus,
embedded MQTT broker, device listeners on free ports) with an account for every role, customs
offices and routes on four corridors (Thailand, Hong Kong, Kenya, Slovakia), and a simulated
fleet of sealed conveyances whose e-locks and trackers report over JT701 and Teltonika TCP, MQTT
and HTTP. Incidents happen along the way: route deviation, unauthorized stop, tamper, opening
outside an office, signal loss with a store-and-forward backlog, low battery, overdue. Each report
stands for about five minutes of a real trip and comes every 2-5 seconds.

Passwords are generated the first time a data folder is used and kept in DIR/${CREDENTIALS_FILE};
they are printed at every start. Logs (JSON) go to DIR/sealwatch.log.

Options:
  --data-dir DIR   the demo's data folder (default ${DEFAULT_DATA_DIR}, or SEALWATCH_DATA_DIR)
  --port N         port of the dashboard and API (default 8080, or a free one if 8080 is taken)
  --vehicles N     size of the simulated fleet (default ${DEFAULT_VEHICLES})
  --seed N         seed of the fleet's plan and incidents (default 1)
  --config FILE    JSON settings file (docs/configuration.md); the environment wins
  --no-fleet       accounts and reference data only, no simulated traffic
  -h, --help       show this help

Exit codes: 0 stopped by a signal, 2 usage error, bad configuration, or a port or the store
cannot be opened.`;

function integer(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`, HELP);
  return n;
}

function table(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ")}`.trimEnd());
}

/** The lines printed at start: where to look and how to log in. */
export function banner(demo: RunningDemo, dataDir: string, credentials: DemoCredentials): string[] {
  const { ports, url } = demo.server;
  const devices = [
    ports.jt701 === undefined ? undefined : `JT701 tcp://127.0.0.1:${ports.jt701}`,
    ports.teltonika === undefined ? undefined : `Teltonika tcp://127.0.0.1:${ports.teltonika}`,
    ports.mqtt === undefined ? undefined : `MQTT mqtt://127.0.0.1:${ports.mqtt}`,
    `HTTP ${url}/api/v1/ingest/readings`,
  ].filter((d): d is string => d !== undefined);
  const rows = [["role", "username", "password", "scope"]];
  for (const user of credentials.users)
    rows.push([
      user.role,
      user.username,
      user.password,
      user.offices?.join(", ") ?? user.companyId ?? "everything",
    ]);
  const lines = [
    "",
    "Sealwatch demo is running",
    "",
    `  Dashboard   ${url}/`,
    `  API docs    ${url}/api/docs`,
    `  Devices     ${devices.join(" · ")}`,
    `  Data        ${dataDir} (accounts in ${join(dataDir, CREDENTIALS_FILE)}, logs in ${join(dataDir, "sealwatch.log")})`,
    "",
    "Log in with (passwords generated for this data folder):",
    ...table(rows),
    "",
  ];
  if (demo.simulator !== undefined) {
    lines.push(`Simulated fleet: ${demo.simulator.stats.vehicles} conveyances`);
    for (const line of demo.simulator.describe()) lines.push(`  ${line}`);
    lines.push(
      "",
      "Point another simulated fleet at this server:",
      `  sealwatch simulate --server ${url} --credentials ${join(dataDir, CREDENTIALS_FILE)} --seed 2 --vehicles 20 \\`,
      `    --jt701-port ${ports.jt701 ?? 5010} --teltonika-port ${ports.teltonika ?? 5027} --mqtt-url mqtt://127.0.0.1:${ports.mqtt ?? 1884}`,
      "",
      "Conveyances start moving at once; the first alarms arrive within a minute. Ctrl-C stops.",
    );
  }
  return lines;
}

async function start(
  io: CommandIo,
  config: Config,
  options: { seed: number; vehicles: number; noFleet: boolean; portChosen: boolean },
) {
  const logger = createLogger(
    config.logLevel,
    pino.destination({ dest: join(config.dataDir, "sealwatch.log"), mkdir: true, sync: false }),
  );
  const say = { info: (m: string) => io.out(`[demo] ${m}`), warn: (m: string) => io.err(`[demo] ${m}`) };
  const run = (c: Config) =>
    startDemo({
      config: c,
      logger,
      seed: options.seed,
      vehicles: options.vehicles,
      say,
      noFleet: options.noFleet,
    });
  try {
    return await run(config);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE" && !options.portChosen) {
      say.warn(`port ${config.httpPort} is taken; using a free port instead`);
      return run({ ...config, httpPort: 0 });
    }
    throw error;
  }
}

export const demoCommand: Command = {
  name: "demo",
  summary: "run the product with seeded accounts and a simulated fleet (npm start)",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        "data-dir": { type: "string" },
        port: { type: "string" },
        vehicles: { type: "string" },
        seed: { type: "string" },
        config: { type: "string" },
        "no-fleet": { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
    if (values.help === true) {
      io.out(HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError("demo takes no arguments", HELP);
    const vehicles = integer(values.vehicles, "vehicles", DEFAULT_VEHICLES, 1, 10_000);
    const seed = integer(values.seed, "seed", 1, 0, 2 ** 31 - 1);
    const port = values.port === undefined ? undefined : integer(values.port, "port", 0, 0, 65_535);
    const dataDir = resolve(values["data-dir"] ?? process.env.SEALWATCH_DATA_DIR ?? DEFAULT_DATA_DIR);
    let config: Config;
    try {
      config = loadConfig({
        ...(values.config === undefined ? {} : { file: values.config }),
        overrides: { ...demoConfigOverrides(dataDir), ...(port === undefined ? {} : { httpPort: port }) },
      });
    } catch (error) {
      if (error instanceof SealwatchError) {
        io.err(`sealwatch demo: ${error.message}`);
        return 2;
      }
      throw error;
    }
    // An explicit --data-dir wins over SEALWATCH_DATA_DIR.
    if (values["data-dir"] !== undefined) config = { ...config, dataDir };
    const portChosen = port !== undefined || (process.env.SEALWATCH_HTTP_PORT ?? "") !== "";
    let demo: RunningDemo;
    try {
      demo = await start(io, config, { seed, vehicles, noFleet: values["no-fleet"] === true, portChosen });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (error instanceof SealwatchError || code === "EADDRINUSE" || code === "EACCES") {
        io.err(`sealwatch demo: ${(error as Error).message}`);
        return 2;
      }
      throw error;
    }
    for (const line of banner(demo, config.dataDir, demo.credentials)) io.out(line);
    const status = setInterval(() => {
      const s = demo.simulator?.stats;
      const host = demo.server.host.stats;
      const raised = Object.values(host.alarmsRaised).reduce((a, b) => a + (b ?? 0), 0);
      io.out(
        `[demo] ${s === undefined ? "" : `${s.readingsSent} readings sent, ${s.tripsArmed} trips armed, ${s.tripsClosed} closed · `}` +
          `${host.readingsApplied} readings applied, ${raised} alarms raised`,
      );
    }, STATUS_EVERY_MS);
    status.unref();
    const signal = await new Promise<NodeJS.Signals>((done) => {
      process.once("SIGINT", () => done("SIGINT"));
      process.once("SIGTERM", () => done("SIGTERM"));
    });
    clearInterval(status);
    io.out(`[demo] ${signal}: stopping (a second signal stops at once)`);
    const again = (): void => process.exit(130);
    process.once("SIGINT", again);
    process.once("SIGTERM", again);
    await demo.stop();
    process.removeListener("SIGINT", again);
    process.removeListener("SIGTERM", again);
    return 0;
  },
};
