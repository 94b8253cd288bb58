/**
 * `sealwatch serve` in one process: the store (SQLite in dataDir, or PostgreSQL by DATABASE_URL,
 * migrated at start), the engine host (state recovered from the store), the device gateway, the
 * API, and the engine tick. `close()` stops in order: no new device data or requests, the engine
 * drains what is queued (stored before anything is acknowledged), then the store closes.
 */
import { Notifier } from "../notify/notifier.js";
import { notificationHandlers } from "../notify/channels.js";
import { join } from "node:path";
import type { Logger } from "pino";
import { buildApp, type ApiApp } from "../api/app.js";
import type { ApiContext } from "../api/context.js";
import type { ApiGateway } from "../api/deps.js";
import { ensureAdmin, type FirstAdmin } from "../api/seed.js";
import { MemoryLiveBus } from "../bus/live-events.js";
import { readIoMappingFile } from "../gateway/io-mapping-file.js";
import type { Config } from "../config/schema.js";
import { Federation } from "../federation/federation.js";
import { HANDOVER_KIND, HandoverSender } from "../federation/handover-sender.js";
import { PartnerDeliveryHandler } from "../federation/partner-delivery.js";
import { Gateway } from "../gateway/gateway.js";
import { loadMasterKey } from "../gateway/security/master-key.js";
import { monotonic, systemClock, type Clock } from "../monitor/clock.js";
import { MonitorHost } from "../monitor/host.js";
import { OutboxService } from "../outbox/service.js";
import { openStore, type OpenedStore } from "../store/open.js";
import { ReadingWriter } from "../store/reading-writer.js";
import { apiGatewayOf } from "./gateway-adapter.js";
import { Ticker } from "./ticker.js";

export interface ServerOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** The wall clock by default (made monotonic). */
  readonly clock?: Clock;
  /** Run the device gateway (default true). */
  readonly gateway?: boolean;
}

export interface RunningServer {
  readonly app: ApiApp;
  readonly context: ApiContext;
  readonly store: OpenedStore;
  readonly host: MonitorHost;
  readonly gateway: Gateway | undefined;
  readonly ticker: Ticker;
  /** Where the API listens, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  readonly ports: {
    readonly http: number;
    readonly jt701?: number;
    readonly teltonika?: number;
    readonly mqtt?: number;
  };
  /** The administrator created on this start (first start only). */
  readonly firstAdmin: FirstAdmin | undefined;
  close(): Promise<void>;
}

/** Where the store is: DATABASE_URL, else the SQLite file in dataDir. */
export function storeLocation(config: Pick<Config, "databaseUrl" | "dataDir">): string {
  return config.databaseUrl ?? join(config.dataDir, "sealwatch.db");
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config, logger } = options;
  const clock = options.clock ?? monotonic(systemClock);
  const cleanup: (() => Promise<void>)[] = [];
  const unwind = async (): Promise<void> => {
    for (const step of cleanup.reverse())
      await step().catch((error: unknown) => logger.error({ err: error }, "cleanup failed"));
  };
  try {
    const store = await openStore({ url: storeLocation(config) });
    cleanup.push(() => store.close());
    const migration = await store.migrate();
    logger.info({ store: store.kind, location: store.location, schema: migration.current }, "store open");

    const writer = new ReadingWriter(store.readings);
    const bus = new MemoryLiveBus();
    const host = await MonitorHost.open({
      store,
      log: writer,
      bus,
      clock,
      logger: logger.child({ component: "engine" }),
      closedTripGraceMs: config.closedTripGraceS * 1000,
    });
    cleanup.push(() => host.close());
    const firstAdmin = await ensureAdmin(store, config, clock, logger);

    const masterKey = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir });
    if (masterKey.created)
      logger.warn(
        { path: masterKey.origin },
        "created the master key sealing device keys and the signing key: back it up apart from the database",
      );
    const federation = await Federation.start({
      store,
      config,
      masterKey: masterKey.key,
      nowMs: () => clock.nowMs(),
      logger: logger.child({ component: "federation" }),
    });

    // Partner deliveries (handovers) go out through the same outbox as webhooks.
    let nudgeOutbox = (): void => undefined;
    const handovers = new HandoverSender(federation, host, () => nudgeOutbox());
    const outbox = new OutboxService({
      store,
      config,
      masterKey: masterKey.key,
      signingKey: () => federation.keys.signingKey(),
      nowMs: () => clock.nowMs(),
      identity: {
        id: federation.identity.id,
        name: federation.identity.name,
        ...(federation.identity.country === undefined ? {} : { country: federation.identity.country }),
      },
      logger: logger.child({ component: "outbox" }),
      handlers: {
        ...notificationHandlers(config),
        [HANDOVER_KIND]: new PartnerDeliveryHandler(federation, handovers, {
          attemptTimeoutMs: config.federationRequestTimeoutS * 1000,
        }),
      },
    });
    nudgeOutbox = () => outbox.nudge();
    outbox.start();
    cleanup.push(() => outbox.stop());
    const notifier = new Notifier(store, {
      nowMs: () => clock.nowMs(),
      baseUrl: config.publicUrl ?? `http://${config.httpHost}:${config.httpPort}`,
      logger: logger.child({ component: "notify" }),
      enqueued: () => outbox.nudge(),
    });
    const notifyTimer = setInterval(() => void notifier.tick().catch(() => undefined), 1000);
    notifyTimer.unref();
    cleanup.push(async () => {
      clearInterval(notifyTimer);
      await notifier.tick().catch(() => 0);
    });

    let gateway: Gateway | undefined;
    let apiGateway: ApiGateway | undefined;
    if (options.gateway !== false) {
      const teltonikaIo =
        config.teltonikaIoMappingFile === undefined
          ? undefined
          : readIoMappingFile(config.teltonikaIoMappingFile);
      const started = await Gateway.start({
        sink: host,
        store,
        config,
        masterKey: masterKey.key,
        logger: logger.child({ component: "gateway" }),
        nowMs: () => clock.nowMs(),
        forensicsDir: join(config.dataDir, "forensics"),
        ...(teltonikaIo === undefined ? {} : { teltonikaIo }),
      });
      gateway = started;
      cleanup.push(() => started.stop());
      apiGateway = apiGatewayOf(started, store, config);
    }

    const { app, context } = await buildApp({
      store,
      host,
      bus,
      config,
      clock,
      logger: logger.child({ component: "api" }),
      writerQueued: () => writer.queued,
      federation,
      masterKey: masterKey.key,
      outboxNudge: () => outbox.nudge(),
      ...(apiGateway === undefined ? {} : { gateway: apiGateway }),
    });
    cleanup.push(() => app.close());
    await app.listen({ host: config.httpHost, port: config.httpPort });
    const address = app.server.address();
    const httpPort = typeof address === "object" && address !== null ? address.port : config.httpPort;
    const shownHost =
      config.httpHost === "0.0.0.0" || config.httpHost === "::" ? "127.0.0.1" : config.httpHost;
    const url = `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${httpPort}`;

    const ticker = new Ticker(
      host,
      context.escalation,
      config.tickIntervalMs,
      logger.child({ component: "tick" }),
    );
    ticker.start();
    cleanup.push(() => ticker.stop());

    const ports = { http: httpPort, ...(gateway?.ports ?? {}) };
    logger.info({ url, docs: `${url}/api/docs`, ports }, "sealwatch is serving");

    let closing: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        logger.info({}, "shutting down: no new requests or device data; draining");
        await ticker.stop();
        // Device listeners and the API stop taking input together; what they already took finishes.
        await Promise.all([gateway?.stop(), app.close()]);
        await host.close();
        await outbox.stop();
        await store.close();
        logger.info({}, "stopped");
      })());
    return { app, context, store, host, gateway, ticker, url, ports, firstAdmin, close };
  } catch (error) {
    await unwind();
    throw error;
  }
}
