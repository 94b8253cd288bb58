/**
 * The connection to NATS JetStream and what the cluster keeps there: the partitioned input stream,
 * the dead-letter stream, the live-event stream, the lease bucket and the route bucket. Every
 * process opens it the same way; the first one creates what is missing and fixes the partition
 * count, and a later process configured with another count is refused (its readings would land in
 * partitions nobody reads in the same order).
 */
import {
  connect,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type KV,
  type NatsConnection,
} from "nats";
import { SealwatchError } from "../core/errors.js";
import { busNames, NAMESPACE_PATTERN, type BusNames } from "./partitioning.js";

export interface BusSettings {
  /** nats://host:port (several comma-separated for a NATS cluster). */
  readonly url: string;
  /** Partitions of the input log; fixed at the first start of the cluster. */
  readonly partitions: number;
  /** How long a worker's partition lease lives without renewal. */
  readonly leaseTtlMs: number;
  /** How long the input and live streams keep messages. */
  readonly retentionMs: number;
  /** A name for this process in NATS (shown by `nats server report connections`). */
  readonly name: string;
  /** Prefix of every stream, subject and bucket (clusters sharing one NATS differ here). */
  readonly namespace: string;
}

const ns = (ms: number): number => ms * 1_000_000;

export class NatsBus {
  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly leases: KV,
    readonly routes: KV,
    readonly settings: BusSettings,
    readonly names: BusNames,
  ) {}

  /** Connects and makes sure the streams and buckets exist; throws BUS_UNAVAILABLE or INVALID_CONFIG. */
  static async open(settings: BusSettings): Promise<NatsBus> {
    if (!NAMESPACE_PATTERN.test(settings.namespace))
      throw new SealwatchError(
        "INVALID_CONFIG",
        `bus namespace "${settings.namespace}" must match ${String(NAMESPACE_PATTERN)}`,
      );
    const BUS = busNames(settings.namespace);
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: settings.url.split(",").map((s) => s.trim().replace(/^nats:\/\//, "")),
        name: settings.name,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        timeout: 5_000,
      });
    } catch (error) {
      throw new SealwatchError(
        "BUS_UNAVAILABLE",
        `cannot reach NATS at ${settings.url}: ${(error as Error).message}`,
      );
    }
    try {
      const jsm = await nc.jetstreamManager();
      await ensureStream(jsm, {
        name: BUS.inputStream,
        subjects: [BUS.inputSubject("*")],
        max_age: ns(settings.retentionMs),
        // A gateway retrying a reading within two minutes gets the first copy's acknowledgement.
        duplicate_window: ns(120_000),
      });
      await ensureStream(jsm, {
        name: BUS.deadLetterStream,
        subjects: [BUS.deadLetterSubject("*")],
        max_age: ns(30 * 86_400_000),
        duplicate_window: ns(120_000),
      });
      await ensureStream(jsm, {
        name: BUS.liveStream,
        subjects: [BUS.liveSubject],
        max_age: ns(Math.min(settings.retentionMs, 86_400_000)),
        duplicate_window: ns(1_000),
      });
      const js = nc.jetstream();
      const leases = await js.views.kv(BUS.leaseBucket, { history: 1, ttl: settings.leaseTtlMs });
      const routes = await js.views.kv(BUS.routeBucket, { history: 1 });
      await fixPartitionCount(routes, settings.partitions);
      return new NatsBus(nc, js, jsm, leases, routes, settings, BUS);
    } catch (error) {
      await nc.close().catch(() => {});
      if (error instanceof SealwatchError) throw error;
      throw new SealwatchError(
        "BUS_UNAVAILABLE",
        `JetStream at ${settings.url}: ${(error as Error).message}`,
      );
    }
  }

  get partitions(): number {
    return this.settings.partitions;
  }

  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc.drain().catch(() => this.nc.close());
  }
}

async function ensureStream(
  jsm: JetStreamManager,
  config: { name: string; subjects: string[]; max_age: number; duplicate_window: number },
): Promise<void> {
  try {
    await jsm.streams.info(config.name);
    return;
  } catch {
    // Not there yet: created below (another process may create it first, which is fine).
  }
  try {
    await jsm.streams.add({
      ...config,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      num_replicas: 1,
    });
  } catch (error) {
    await jsm.streams.info(config.name).catch(() => {
      throw error;
    });
  }
}

const PARTITIONS_KEY = "cluster.partitions";

async function fixPartitionCount(routes: KV, partitions: number): Promise<void> {
  try {
    await routes.create(PARTITIONS_KEY, String(partitions));
    return;
  } catch {
    // Fixed by an earlier start: it must agree.
  }
  const entry = await routes.get(PARTITIONS_KEY);
  const fixed = Number(entry === null ? Number.NaN : entry.string());
  if (fixed !== partitions)
    throw new SealwatchError(
      "INVALID_CONFIG",
      `the cluster has ${fixed} partitions (fixed at its first start); this process is configured with ${partitions}`,
    );
}
