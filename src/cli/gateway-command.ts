/**
 * `sealwatch gateway`: the device gateway on its own, with an engine host on the configured store
 * (embedded SQLite in dataDir by default): TCP listeners for Jointech and Teltonika devices, MQTT
 * (embedded broker, or MQTT_URL), and the HTTP ingest routes under /api/v1. Runs until SIGINT or
 * SIGTERM, then stops in order (acknowledgements sent, the engine drained, the store closed).
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { createLogger } from "../server/logger.js";
import { MemoryLiveBus } from "../bus/live-events.js";
import { loadConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { SealwatchError } from "../core/errors.js";
import { Gateway } from "../gateway/gateway.js";
import { loadMasterKey } from "../gateway/security/master-key.js";
import { monotonic, systemClock } from "../monitor/clock.js";
import { MonitorHost } from "../monitor/host.js";
import { readIoMappingFile } from "../gateway/io-mapping-file.js";
import { openStore, type OpenedStore } from "../store/open.js";
import { ReadingWriter } from "../store/reading-writer.js";
import type { ReadingSink } from "../gateway/sink.js";
import { serveProbes } from "../cluster/process-http.js";
import { gatewayProbes, openBusSide, type BusSide } from "../cluster/gateway-side.js";
import { UsageError, loadCommandConfig, type Command, type CommandIo } from "./command.js";

const HELP = `Usage: sealwatch gateway [--config FILE] [--db PATH_OR_URL] [--bus nats://HOST:4222] [--no-http]

Runs the device gateway with the monitoring engine on the configured store, until SIGINT or SIGTERM:

  Jointech JT701/JT709 e-locks   TCP, port jt701Port (SEALWATCH_JT701_PORT, default 5010)
  Teltonika trackers             TCP, port teltonikaPort (SEALWATCH_TELTONIKA_PORT, default 5027)
                                 UDP, port teltonikaUdpPort when SEALWATCH_TELTONIKA_UDP_ENABLED=true
  MQTT devices                   embedded broker on mqttPort (default 1884), or MQTT_URL
  HTTP gateways, RFID readers    POST /api/v1/ingest/{readings,reads,epcis} on httpHost:httpPort

A device is acknowledged only once its readings are durable in the store; with --bus (the
distributed mode) once JetStream has acknowledged their publication to the input log, and engine
workers (sealwatch engine) apply them: the store is then only read (device identities and keys). Port 0 picks a free
port; the ports bound are printed at start. Device keys are sealed with the master key
(SEALWATCH_MASTER_KEY, or dataDir/master.key, created on first start).

Options:
  --config FILE       JSON settings file (keys as in docs/configuration.md); the environment wins
  --db PATH_OR_URL    SQLite file or postgres:// URL (default: $DATABASE_URL, else dataDir/sealwatch.db)
  --bus URL           publish to NATS JetStream instead of running the engine ($SEALWATCH_BUS_URL)
  --probe-port N      with --bus: /health, /ready and /metrics on httpHost:N (default: none)
  --no-http           do not serve the HTTP ingest routes (an API server mounts them)
  -h, --help          show this help

Exit codes: 0 stopped by a signal, 2 usage error, bad configuration, or the store or a port
cannot be opened.`;

export const gatewayCommand: Command = {
  name: "gateway",
  summary: "run the device gateway (TCP, MQTT, HTTP ingest) with the engine on the store",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        config: { type: "string" },
        db: { type: "string" },
        bus: { type: "string" },
        "probe-port": { type: "string" },
        "no-http": { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
    if (values.help === true) {
      io.out(HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError("gateway takes no arguments", HELP);
    const config = loadCommandConfig("gateway", values.config, io, loadConfig);
    if (config === undefined) return 2;
    const probePort = values["probe-port"] === undefined ? undefined : Number(values["probe-port"]);
    if (probePort !== undefined && !(Number.isInteger(probePort) && probePort >= 0 && probePort <= 65535))
      throw new UsageError("--probe-port must be 0..65535", HELP);
    const running = await startGateway(
      config,
      { db: values.db, bus: values.bus ?? config.busUrl, probePort, http: values["no-http"] !== true },
      io,
    );
    if (running === undefined) return 2;
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    io.err("sealwatch gateway: stopping");
    await running.stop();
    return 0;
  },
};

export interface RunningGateway {
  readonly gateway: Gateway;
  /** The engine host (undefined in the distributed mode: engine workers apply the readings). */
  readonly host: MonitorHost | undefined;
  readonly store: OpenedStore;
  stop(): Promise<void>;
}

/** Opens the store, the engine host and the gateway; prints where it listens. Undefined on a startup failure (printed). */
export async function startGateway(
  config: Config,
  options: {
    db?: string | undefined;
    bus?: string | undefined;
    probePort?: number | undefined;
    http: boolean;
  },
  io: CommandIo,
): Promise<RunningGateway | undefined> {
  const logger = createLogger(config.logLevel, pino.destination(2), { component: "gateway" });
  const target = options.db ?? config.databaseUrl ?? join(config.dataDir, "sealwatch.db");
  let store: OpenedStore;
  try {
    store = await openStore({ url: target });
  } catch (error) {
    if (error instanceof SealwatchError) {
      io.err(`sealwatch gateway: ${error.message} [${error.code}]`);
      return undefined;
    }
    throw error;
  }
  let host: MonitorHost | undefined;
  let gateway: Gateway | undefined;
  let busSide: BusSide | undefined;
  try {
    const masterKey = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir });
    if (masterKey.created)
      io.err(
        `sealwatch gateway: created the master key ${masterKey.origin} (back it up apart from the database)`,
      );
    const teltonikaIo =
      config.teltonikaIoMappingFile === undefined
        ? undefined
        : readIoMappingFile(config.teltonikaIoMappingFile);
    let sink: ReadingSink;
    if (options.bus !== undefined) {
      busSide = await openBusSide(config, options.bus);
      sink = busSide.sink;
    } else {
      const writer = new ReadingWriter(store.readings, { maxBatch: 2_000, maxDelayMs: 2 });
      host = await MonitorHost.open({
        store,
        log: writer,
        bus: new MemoryLiveBus(),
        clock: monotonic(systemClock),
        logger,
        closedTripGraceMs: config.closedTripGraceS * 1000,
      });
      sink = host;
    }
    gateway = await Gateway.start({
      sink,
      store,
      config,
      masterKey: masterKey.key,
      logger,
      forensicsDir: join(config.dataDir, "forensics"),
      ...(teltonikaIo === undefined ? {} : { teltonikaIo }),
      ...(options.http ? { http: { host: config.httpHost, port: config.httpPort } } : {}),
    });
  } catch (error) {
    await gateway?.stop();
    await host?.close();
    await busSide?.close();
    await store.close();
    if (error instanceof SealwatchError || (error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      io.err(`sealwatch gateway: ${(error as Error).message}`);
      return undefined;
    }
    throw error;
  }
  const ports = gateway.ports;
  io.out(`store: ${store.kind} ${store.location}`);
  if (busSide !== undefined) io.out(`bus: ${options.bus} (${busSide.bus.partitions} partitions)`);
  if (ports.jt701 !== undefined) io.out(`jt701: tcp ${config.deviceHost}:${ports.jt701}`);
  if (ports.teltonika !== undefined) io.out(`teltonika: tcp ${config.deviceHost}:${ports.teltonika}`);
  if (ports.teltonikaUdp !== undefined) io.out(`teltonika: udp ${config.deviceHost}:${ports.teltonikaUdp}`);
  if (ports.mqtt !== undefined) io.out(`mqtt: embedded broker ${config.deviceHost}:${ports.mqtt}`);
  else if (config.mqttEnabled && config.mqttUrl !== undefined)
    io.out(`mqtt: external broker, client id ${config.mqttClientId}`);
  if (ports.http !== undefined) io.out(`http: ${config.httpHost}:${ports.http}/api/v1/ingest`);
  const h = host;
  const g = gateway;
  const b = busSide;
  const ticker = setInterval(() => {
    h?.tick().catch((error: unknown) => logger.error({ err: String(error) }, "engine tick failed"));
  }, config.tickIntervalMs);
  ticker.unref();
  const probes =
    b === undefined || options.probePort === undefined
      ? undefined
      : await serveProbes(config.httpHost, options.probePort, gatewayProbes(b, g));
  if (probes !== undefined) io.out(`probes: http ${config.httpHost}:${probes.port}`);
  return {
    gateway: g,
    host: h,
    store,
    async stop() {
      clearInterval(ticker);
      probes?.server.close();
      await g.stop();
      await h?.close();
      await b?.close();
      await store.close();
    },
  };
}
