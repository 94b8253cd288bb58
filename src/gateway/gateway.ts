/**
 * The device gateway: TCP listeners for Jointech e-locks and Teltonika trackers (and a UDP listener
 * for Teltonika trackers set to UDP), MQTT ingestion
 * (embedded broker, or a persistent session on an external one), optionally the HTTP ingest routes
 * on their own server, and the device command channel. Started from the configuration, stopped in
 * order: no more connections, last acknowledgements sent, replay counters written.
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import type { Config } from "../config/schema.js";
import { createJointechFramer } from "../protocols/jointech/index.js";
import { createTeltonikaFramer, type TeltonikaIoMappingTable } from "../protocols/teltonika/index.js";
import type { Store } from "../store/ports.js";
import { DeviceCommands, type UnlockRequest, type UnlockResult } from "./commands/device-commands.js";
import { createIngestContext, type IngestContext } from "./context.js";
import type { CountersSnapshot, GatewayCounters } from "./counters.js";
import { ingestRoutes, type GatewayPrincipal } from "./http/ingest-routes.js";
import { ForensicsLog } from "./forensics.js";
import { silentGatewayLogger, type GatewayLogger } from "./logger.js";
import { RejectionLog } from "./rejection-log.js";
import { EmbeddedBroker } from "./mqtt/embedded-broker.js";
import { ExternalSubscriber } from "./mqtt/external-subscriber.js";
import type { ReadingSink } from "./sink.js";
import type { ConnectionLimits } from "./tcp/connection.js";
import { JointechSession } from "./tcp/jointech-session.js";
import { DeviceListener } from "./tcp/listener.js";
import { TeltonikaSession } from "./tcp/teltonika-session.js";
import { TeltonikaUdpListener } from "./udp/teltonika-udp.js";

/** The settings the gateway reads. */
export type GatewayConfig = Pick<
  Config,
  | "deviceHost"
  | "jt701Enabled"
  | "jt701Port"
  | "teltonikaEnabled"
  | "teltonikaPort"
  | "teltonikaUdpEnabled"
  | "teltonikaUdpPort"
  | "teltonikaUdpMaxInFlight"
  | "mqttEnabled"
  | "mqttUrl"
  | "mqttPort"
  | "mqttClientId"
  | "mqttSessions"
  | "mqttMaxPayloadBytes"
  | "deviceIdleTimeoutS"
  | "deviceFrameTimeoutS"
  | "maxBadFrames"
  | "maxDeviceConnections"
  | "maxFramesInFlight"
  | "ingestBodyLimitBytes"
  | "deviceLoginTimeoutS"
  | "maxPreLoginConnectionsPerAddress"
  | "deviceMaxFramesPerS"
  | "deviceMaxBytesPerS"
  | "deviceOverBudgetCloseS"
  | "forensicsMaxFileBytes"
>;

export interface GatewayOptions {
  readonly sink: ReadingSink;
  readonly store: Store;
  readonly config: GatewayConfig;
  /** The master key sealing device keys (security/master-key.ts). */
  readonly masterKey: Buffer;
  readonly logger?: GatewayLogger;
  readonly nowMs?: () => number;
  /** Teltonika IO mappings per device model (configuration file `teltonikaIoMappingFile`). */
  readonly teltonikaIo?: TeltonikaIoMappingTable;
  /** Folder where refused frames are kept for forensics (memory only when absent). */
  readonly forensicsDir?: string;
  /** Serve the HTTP ingest routes on their own server, under /api/v1 (the standalone gateway). */
  readonly http?: {
    readonly host: string;
    readonly port: number;
    readonly authenticateGateway?: (request: FastifyRequest) => Promise<GatewayPrincipal | undefined>;
  };
}

export interface GatewayPorts {
  readonly jt701?: number;
  readonly teltonika?: number;
  /** The UDP port for Teltonika trackers, when enabled. */
  readonly teltonikaUdp?: number;
  /** The embedded broker's port (absent with an external broker). */
  readonly mqtt?: number;
  readonly http?: number;
}

export class Gateway {
  private stopped = false;

  private constructor(
    readonly context: IngestContext,
    readonly commands: DeviceCommands,
    private readonly jt701: DeviceListener | undefined,
    private readonly teltonika: DeviceListener | undefined,
    private readonly teltonikaUdp: TeltonikaUdpListener | undefined,
    private readonly broker: EmbeddedBroker | undefined,
    private readonly subscriber: ExternalSubscriber | undefined,
    private readonly http: FastifyInstance | undefined,
    private readonly httpPort: number | undefined,
    /** Refused frames kept for forensics (the newest in memory, all in the folder when given). */
    readonly forensics: ForensicsLog,
    readonly rejections: RejectionLog,
  ) {}

  static async start(options: GatewayOptions): Promise<Gateway> {
    const { config } = options;
    const logger = options.logger ?? silentGatewayLogger;
    const nowMs = options.nowMs ?? Date.now;
    const context = createIngestContext({
      sink: options.sink,
      store: options.store,
      masterKey: options.masterKey,
      logger,
      nowMs,
    });
    const { counters, directory, sink } = context;
    const commands = new DeviceCommands({
      store: options.store,
      offices: context.offices,
      counters,
      logger,
      nowMs,
    });
    const limits: ConnectionLimits = {
      maxFramesInFlight: config.maxFramesInFlight,
      maxBadFrames: config.maxBadFrames,
      idleTimeoutMs: config.deviceIdleTimeoutS * 1000,
      frameTimeoutMs: config.deviceFrameTimeoutS * 1000,
      loginTimeoutMs: config.deviceLoginTimeoutS * 1000,
      budget: { framesPerS: config.deviceMaxFramesPerS, bytesPerS: config.deviceMaxBytesPerS, burstS: 2 },
      overBudgetCloseMs: config.deviceOverBudgetCloseS * 1000,
    };
    const forensics = new ForensicsLog({
      ...(options.forensicsDir === undefined ? {} : { dir: options.forensicsDir }),
      maxFileBytes: config.forensicsMaxFileBytes,
    });
    const rejections = new RejectionLog({ logger, nowMs, forensics });
    const started: { stop(): Promise<void> }[] = [];
    try {
      let jt701: DeviceListener | undefined;
      if (config.jt701Enabled) {
        jt701 = await DeviceListener.start({
          transport: "jt701",
          host: config.deviceHost,
          port: config.jt701Port,
          maxConnections: config.maxDeviceConnections,
          maxPreLoginPerAddress: config.maxPreLoginConnectionsPerAddress,
          counters,
          logger,
          nowMs,
          limits,
          rejections,
          createFramer: () => createJointechFramer(),
          createSession: (channel, peer) =>
            new JointechSession({
              sink,
              counters,
              logger,
              rejections,
              transport: "jt701",
              peer,
              directory,
              commands,
              channel,
            }),
        });
        started.push(jt701);
        logger.info(
          { transport: "jt701", host: config.deviceHost, port: jt701.port },
          "listening for Jointech e-locks",
        );
      }
      let teltonika: DeviceListener | undefined;
      if (config.teltonikaEnabled) {
        teltonika = await DeviceListener.start({
          transport: "teltonika",
          host: config.deviceHost,
          port: config.teltonikaPort,
          maxConnections: config.maxDeviceConnections,
          maxPreLoginPerAddress: config.maxPreLoginConnectionsPerAddress,
          counters,
          logger,
          nowMs,
          limits,
          rejections,
          createFramer: () => createTeltonikaFramer(),
          createSession: (_channel, peer) =>
            new TeltonikaSession({
              sink,
              counters,
              logger,
              rejections,
              transport: "teltonika",
              peer,
              directory,
              ...(options.teltonikaIo === undefined ? {} : { ioTable: options.teltonikaIo }),
            }),
        });
        started.push(teltonika);
        logger.info(
          { transport: "teltonika", host: config.deviceHost, port: teltonika.port },
          "listening for Teltonika trackers",
        );
      }
      let teltonikaUdp: TeltonikaUdpListener | undefined;
      if (config.teltonikaUdpEnabled) {
        teltonikaUdp = await TeltonikaUdpListener.start({
          host: config.deviceHost,
          port: config.teltonikaUdpPort,
          sink,
          directory,
          counters,
          logger,
          nowMs,
          maxInFlight: config.teltonikaUdpMaxInFlight,
          rejections,
          ...(options.teltonikaIo === undefined ? {} : { ioTable: options.teltonikaIo }),
        });
        started.push(teltonikaUdp);
        logger.info(
          { transport: "teltonika-udp", host: config.deviceHost, port: teltonikaUdp.port },
          "listening for Teltonika trackers over UDP",
        );
      }
      let broker: EmbeddedBroker | undefined;
      let subscriber: ExternalSubscriber | undefined;
      if (config.mqttEnabled) {
        const mqttContext = {
          ingest: context.messages,
          counters,
          logger,
          maxPayloadBytes: config.mqttMaxPayloadBytes,
        };
        if (config.mqttUrl === undefined) {
          broker = await EmbeddedBroker.start({
            ...mqttContext,
            host: config.deviceHost,
            port: config.mqttPort,
          });
          started.push(broker);
          logger.info(
            { transport: "mqtt", host: config.deviceHost, port: broker.port },
            "embedded MQTT broker listening",
          );
        } else {
          subscriber = await ExternalSubscriber.start({
            ...mqttContext,
            url: config.mqttUrl,
            clientId: config.mqttClientId,
            sessions: config.mqttSessions,
          });
          started.push(subscriber);
          logger.info(
            { transport: "mqtt", clientId: config.mqttClientId, sessions: config.mqttSessions },
            "subscribed to the external MQTT broker",
          );
        }
      }
      let http: FastifyInstance | undefined;
      let httpPort: number | undefined;
      if (options.http !== undefined) {
        http = Fastify({ logger: false });
        await http.register(ingestRoutes, {
          prefix: "/api/v1",
          sink,
          store: options.store,
          context,
          bodyLimitBytes: config.ingestBodyLimitBytes,
          ...(options.http.authenticateGateway === undefined
            ? {}
            : { authenticateGateway: options.http.authenticateGateway }),
        });
        await http.listen({ host: options.http.host, port: options.http.port });
        const address = http.server.address();
        httpPort = typeof address === "object" && address !== null ? address.port : options.http.port;
        const server = http;
        started.push({ stop: () => server.close() });
        logger.info(
          { transport: "http", host: options.http.host, port: httpPort },
          "HTTP ingest listening on /api/v1/ingest",
        );
      }
      return new Gateway(
        context,
        commands,
        jt701,
        teltonika,
        teltonikaUdp,
        broker,
        subscriber,
        http,
        httpPort,
        forensics,
        rejections,
      );
    } catch (error) {
      for (const part of started.reverse()) await part.stop().catch(() => undefined);
      await context.replay.close();
      throw error;
    }
  }

  /** The ports bound (port 0 in the configuration becomes the port the system chose). */
  get ports(): GatewayPorts {
    return {
      ...(this.jt701 === undefined ? {} : { jt701: this.jt701.port }),
      ...(this.teltonika === undefined ? {} : { teltonika: this.teltonika.port }),
      ...(this.teltonikaUdp === undefined ? {} : { teltonikaUdp: this.teltonikaUdp.port }),
      ...(this.broker === undefined ? {} : { mqtt: this.broker.port }),
      ...(this.httpPort === undefined ? {} : { http: this.httpPort }),
    };
  }

  get counters(): GatewayCounters {
    return this.context.counters;
  }

  /** The counters as plain numbers (for the metrics endpoint). */
  snapshot(): CountersSnapshot {
    return this.context.counters.snapshot();
  }

  /** Frames, messages and items taken and not yet acknowledged (for the metrics endpoint). */
  inFlight(): number {
    return (
      (this.jt701?.inFlight() ?? 0) +
      (this.teltonika?.inFlight() ?? 0) +
      (this.teltonikaUdp?.inFlight ?? 0) +
      this.context.messages.inFlight
    );
  }

  /** An officer's remote unlock of a JT701 (see commands/device-commands.ts). */
  requestUnlock(request: UnlockRequest): Promise<UnlockResult> {
    return this.commands.requestUnlock(request);
  }

  /** Forgets cached registry facts of a device after the API changed it (or all, without an id). */
  deviceChanged(deviceId?: string): void {
    this.context.deviceChanged(deviceId);
  }

  /**
   * Stops accepting devices, lets connections send the acknowledgements of what is already durable,
   * ends the MQTT sessions (unacknowledged messages stay with the broker), writes replay counters.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([
      this.jt701?.stop(),
      this.teltonika?.stop(),
      this.teltonikaUdp?.stop(),
      this.broker?.stop(),
      this.subscriber?.stop(),
      this.http?.close(),
    ]);
    await this.context.replay.close();
    await this.forensics.flush();
  }
}
