/**
 * What the API needs from the rest of the process. The app is built from these values, so that tests
 * drive it in-process with a temporary store and a manual clock, and `sealwatch serve` wires the real
 * ones.
 */
import type { FastifyPluginAsync } from "fastify";
import type { Logger } from "pino";
import type { LiveBus } from "../bus/live-events.js";
import type { Config } from "../config/schema.js";
import type { Clock } from "../monitor/clock.js";
import type { Federation } from "../federation/federation.js";
import type { MonitorHost } from "../monitor/host.js";
import type { DeviceCommandRecord, DeviceKeyRecord, Role, Store } from "../store/ports.js";

/** A device key as the API shows it: never the key itself. */
export type DeviceKeyInfo = Pick<
  DeviceKeyRecord,
  "deviceId" | "keyId" | "algorithm" | "createdAtMs" | "retiredAtMs" | "lastCounter"
>;

/** A new key, returned once so that the device can be provisioned with it. */
export interface IssuedDeviceKey extends DeviceKeyInfo {
  /** The key in base64; Sealwatch keeps only a sealed copy. */
  readonly secret: string;
}

/** Counts of rejected frames, messages or items by transport and reason (for /metrics). */
export type RejectionCounts = Readonly<Record<string, Readonly<Record<string, number>>>>;

/**
 * The device gateway's pieces the API exposes. Everything is optional: the API answers
 * GATEWAY_UNAVAILABLE for what the process does not run.
 */
export interface ApiGateway {
  /** HTTP ingest routes (readings, passive reads, EPCIS), mounted under /api/v1/ingest. */
  readonly ingestRoutes?: FastifyPluginAsync;
  /** Device keys for signed or encrypted messages. */
  readonly keys?: {
    list(deviceId: string): Promise<DeviceKeyInfo[]>;
    /** Issues a new key; the previous active keys are retired (rotation). */
    issue(deviceId: string, algorithm: DeviceKeyRecord["algorithm"], actor: string): Promise<IssuedDeviceKey>;
    retire(deviceId: string, keyId: string, actor: string): Promise<boolean>;
  };
  /**
   * The JT701 remote unlock: checks that the trip has arrived inside its destination office, records
   * the request in the audit log and sends the command (or queues it until the device reconnects).
   * A refusal is thrown as a SealwatchError.
   */
  readonly requestUnlock?: (request: {
    readonly deviceId: string;
    readonly tripId: string;
    readonly actor: { readonly id: string; readonly role: Role; readonly offices: readonly string[] };
    readonly reason?: string;
  }) => Promise<DeviceCommandRecord>;
  /** Forget cached registry facts after the API changed a device (or the zones, without an id). */
  readonly deviceChanged?: (deviceId?: string) => void;
  /** Rejections so far, by transport then reason. */
  readonly rejections?: () => RejectionCounts;
  /** Readings in the gateway not yet acknowledged (frames in flight), for /metrics. */
  readonly inFlight?: () => number;
}

export interface ApiDeps {
  readonly store: Store;
  readonly host: MonitorHost;
  readonly bus: LiveBus;
  readonly config: Config;
  readonly clock: Clock;
  /** A pino logger (fastify's loggerInstance); silent in tests unless asked. */
  readonly logger?: Logger;
  readonly gateway?: ApiGateway;
  /** Readings waiting for the group commit (the writer queue), for /metrics. */
  readonly writerQueued?: () => number;
  /** Identity, keys and partners; the federation routes answer FEDERATION_UNAVAILABLE without it. */
  readonly federation?: Federation;
  /** Seals webhook subscription secrets (the same master key as device keys). */
  readonly masterKey?: Buffer;
  /** Tells the outbox dispatcher that messages are due (after a redelivery). */
  readonly outboxNudge?: () => void;
}
