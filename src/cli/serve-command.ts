/**
 * `sealwatch serve`: the whole server in one process (API, device gateway, engine, store) until
 * SIGINT or SIGTERM, then a graceful stop: nothing new is accepted, what was taken is stored and
 * applied, nothing unstored is acknowledged, the store is closed. A second signal stops at once.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../config/load.js";
import { SealwatchError } from "../core/errors.js";
import { createLogger } from "../server/logger.js";
import { startServer } from "../server/server.js";
import { UsageError, loadCommandConfig, type Command } from "./command.js";

const HELP = `Usage: sealwatch serve [--config FILE] [--no-gateway]

Runs Sealwatch: the HTTP API and docs page (httpHost:httpPort, /api/v1 and /api/docs), the device
gateway (Jointech and Teltonika over TCP, MQTT, HTTP ingest), the monitoring engine and the store
(SQLite in dataDir, or PostgreSQL when DATABASE_URL is set; migrations are applied at start).
Logs are JSON lines on standard output. Prometheus metrics are at /metrics.

On the first start, when the store has no user, an administrator is created: its name is
adminUsername (default "admin"), its password SEALWATCH_ADMIN_PASSWORD, or, when that is unset, a
one-time password printed once in the log. Log in with it and change it.

Settings come from the environment and an optional JSON file; every bad setting is reported at
once (see \`sealwatch config --docs\`).

Options:
  --config FILE   JSON settings file (keys as in docs/configuration.md); the environment wins
  --no-gateway    do not run the device gateway (API and engine only)
  -h, --help      show this help

Exit codes: 0 stopped by a signal, 1 the shutdown timed out, 2 usage error, bad configuration,
or the store or a port cannot be opened.`;

export const serveCommand: Command = {
  name: "serve",
  summary: "run the server: API, device gateway, engine and store",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        config: { type: "string" },
        "no-gateway": { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
    if (values.help === true) {
      io.out(HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError("serve takes no arguments", HELP);
    const config = loadCommandConfig("serve", values.config, io, loadConfig);
    if (config === undefined) return 2;
    const logger = createLogger(config.logLevel);
    let server;
    try {
      server = await startServer({ config, logger, gateway: values["no-gateway"] !== true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (error instanceof SealwatchError || code === "EADDRINUSE" || code === "EACCES") {
        logger.fatal({ err: error }, "cannot start");
        io.err(
          `sealwatch serve: ${(error as Error).message}${error instanceof SealwatchError ? ` [${error.code}]` : ""}`,
        );
        return 2;
      }
      throw error;
    }
    const generated = server.firstAdmin?.generatedPassword;
    if (generated !== undefined && !logger.isLevelEnabled("warn")) {
      // The log level hides the line that carries it: without it nobody could log in.
      io.err(
        `sealwatch serve: first start: administrator "${server.firstAdmin!.user.username}", one-time password ${generated}`,
      );
    }
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once("SIGINT", () => resolve("SIGINT"));
      process.once("SIGTERM", () => resolve("SIGTERM"));
    });
    logger.info({ signal }, "signal received");
    const again = (): void => {
      logger.warn({}, "second signal: stopping at once");
      process.exit(130);
    };
    process.once("SIGINT", again);
    process.once("SIGTERM", again);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), config.shutdownTimeoutS * 1000);
      timer.unref();
    });
    const outcome = await Promise.race([server.close().then(() => "stopped" as const), timedOut]);
    clearTimeout(timer);
    process.removeListener("SIGINT", again);
    process.removeListener("SIGTERM", again);
    if (outcome === "timeout") {
      logger.error({ timeoutS: config.shutdownTimeoutS }, "graceful shutdown timed out");
      return 1;
    }
    return 0;
  },
};
