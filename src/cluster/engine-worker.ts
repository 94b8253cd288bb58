/**
 * An engine worker of the distributed mode: holds leases on some partitions of the input log and
 * applies each with its own engine host (see partition-runner.ts), publishes the partitions' ticks
 * into the log (so that a replay after a takeover sees the same ticks), and reports its ownership,
 * lag and redeliveries.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../monitor/clock.js";
import type { HostLogger } from "../monitor/ports.js";
import type { Store } from "../store/ports.js";
import { LeaseKeeper } from "./leases.js";
import { LivePublisher } from "./live-publisher.js";
import { encodeBusMessage } from "./messages.js";
import type { NatsBus } from "./nats-bus.js";
import { PartitionRunner, type RunnerContext } from "./partition-runner.js";

export interface EngineWorkerOptions {
  readonly bus: NatsBus;
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: HostLogger;
  readonly tickIntervalMs: number;
  readonly closedTripGraceMs: number;
  readonly workerId?: string;
}

export interface PartitionStatus {
  readonly partition: number;
  readonly applied: number;
  readonly deadLettered: number;
  readonly redelivered: number;
  /** Messages in the partition not yet delivered, plus delivered and not yet acknowledged. */
  readonly lag: number | undefined;
}

/** How long a failed partition waits before it is restarted from the log. */
const RESTART_PAUSE_MS = 1_000;

export class EngineWorker {
  readonly id: string;
  private readonly runners = new Map<number, PartitionRunner>();
  private readonly keeper: LeaseKeeper;
  private readonly ctx: RunnerContext;
  private ticker: NodeJS.Timeout | undefined;
  private stopped = false;
  private starting: Promise<void> = Promise.resolve();
  /** Totals of runners that have stopped (so counters never go back). */
  private readonly retired = { applied: 0, deadLettered: 0, redelivered: 0 };
  takeovers = 0;
  restarts = 0;
  /** A lease round has completed since start. */
  ready = false;

  constructor(private readonly options: EngineWorkerOptions) {
    this.id = options.workerId ?? randomUUID();
    this.ctx = {
      bus: options.bus,
      store: options.store,
      live: new LivePublisher(options.bus),
      clock: options.clock,
      logger: options.logger,
      closedTripGraceMs: options.closedTripGraceMs,
    };
    this.keeper = new LeaseKeeper(
      options.bus.leases,
      this.id,
      options.bus.partitions,
      options.bus.settings.leaseTtlMs,
      {
        // Restoring a partition can take longer than a lease: it runs beside the renewals.
        // Partitions are restored one after the other (each is a burst of store reads).
        acquired: (partition) => {
          this.starting = this.starting
            .then(() => this.startPartition(partition))
            .catch((error: unknown) => this.restart(partition, error));
          return Promise.resolve();
        },
        lost: (partition) => this.dropPartition(partition, "lease lost"),
        release: (partition) => this.stopPartition(partition),
      },
      (error) => options.logger.warn({ err: String(error) }, "lease round failed"),
    );
  }

  start(): void {
    this.keeper.start();
    this.ticker = setInterval(() => this.publishTicks(), this.options.tickIntervalMs);
    this.ticker.unref();
  }

  owned(): number[] {
    return [...this.runners.keys()].sort((a, b) => a - b);
  }

  get liveWorkers(): number {
    return this.keeper.liveWorkers;
  }

  private async startPartition(partition: number): Promise<void> {
    if (this.stopped || !this.keeper.owned().includes(partition) || this.runners.has(partition)) return;
    const startedAt = this.options.clock.nowMs();
    const runner = await PartitionRunner.start(this.ctx, partition, (error) =>
      this.restart(partition, error),
    );
    if (this.stopped || !this.keeper.owned().includes(partition) || this.runners.has(partition)) {
      await runner.stop();
      return;
    }
    this.runners.set(partition, runner);
    this.takeovers++;
    this.ready = true;
    this.options.logger.info(
      { partition, worker: this.id, restoreMs: this.options.clock.nowMs() - startedAt },
      "partition taken",
    );
  }

  private retire(runner: PartitionRunner): void {
    this.retired.applied += runner.stats.applied;
    this.retired.deadLettered += runner.stats.deadLettered;
    this.retired.redelivered += runner.stats.redelivered;
  }

  private dropPartition(partition: number, why: string): void {
    const runner = this.runners.get(partition);
    if (runner === undefined) return;
    this.runners.delete(partition);
    this.retire(runner);
    runner.abandon();
    void runner.host.close().catch(() => {});
    this.options.logger.warn({ partition, worker: this.id, why }, "partition dropped");
  }

  private async stopPartition(partition: number): Promise<void> {
    const runner = this.runners.get(partition);
    if (runner === undefined) return;
    this.runners.delete(partition);
    await runner.stop();
    this.retire(runner);
  }

  /** A partition failed (the store or the bus refused something): start it again from the log. */
  private restart(partition: number, error: unknown): void {
    this.dropPartition(partition, `failed: ${String(error)}`);
    this.restarts++;
    setTimeout(() => {
      if (this.stopped || !this.keeper.owned().includes(partition) || this.runners.has(partition)) return;
      this.starting = this.starting
        .then(() => this.startPartition(partition))
        .catch((again: unknown) => this.restart(partition, again));
    }, RESTART_PAUSE_MS).unref();
  }

  private publishTicks(): void {
    const atMs = this.options.clock.nowMs();
    const data = encodeBusMessage({ kind: "tick", atMs });
    for (const partition of this.runners.keys()) {
      this.options.bus.js.publish(this.options.bus.names.inputSubject(partition), data).catch(() => {});
    }
  }

  /** Per-partition counters and lag (one consumer-info request per owned partition). */
  async status(): Promise<PartitionStatus[]> {
    const out: PartitionStatus[] = [];
    for (const [partition, runner] of this.runners) {
      let lag: number | undefined;
      try {
        const info = await this.options.bus.jsm.consumers.info(
          this.options.bus.names.inputStream,
          runner.consumerName,
        );
        lag = info.num_pending + info.num_ack_pending;
      } catch {
        lag = undefined;
      }
      out.push({ partition, ...runner.stats, lag });
    }
    return out.sort((a, b) => a.partition - b.partition);
  }

  totals(): { applied: number; deadLettered: number; redelivered: number } {
    const t = { ...this.retired };
    for (const runner of this.runners.values()) {
      t.applied += runner.stats.applied;
      t.deadLettered += runner.stats.deadLettered;
      t.redelivered += runner.stats.redelivered;
    }
    return t;
  }

  /** Hands every partition back, after applying what was taken. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.ticker);
    await this.keeper.stop();
    for (const partition of this.owned()) await this.stopPartition(partition);
  }
}
