/**
 * One partition of the input log, applied by the worker that holds its lease.
 *
 * At start the runner restores the partition's trips from PostgreSQL (the engine host's recovery,
 * limited to the trips of this partition), then reads the partition from the first message not
 * acknowledged: the previous owner's durable consumer is replaced by one that starts at its ack
 * floor, so a takeover does not wait for acknowledgement timeouts. Messages are applied in log order
 * with the log's sequence numbers; each is acknowledged once what it changed is durable (a reading
 * once stored, a command once recorded). Everything the previous owner applied but did not
 * acknowledge comes again and is absorbed: readings by the dedup key, commands by their recorded
 * seq. A message that cannot be read is dead-lettered with its reason and acknowledged.
 */
import { randomBytes } from "node:crypto";
import {
  AckPolicy,
  DeliverPolicy,
  headers,
  type ConsumerInfo,
  type ConsumerMessages,
  type JsMsg,
} from "nats";
import type { LiveBus } from "../bus/live-events.js";
import { SealwatchError } from "../core/errors.js";
import type { Clock } from "../monitor/clock.js";
import { MonitorHost, type CommandResult } from "../monitor/host.js";
import type { HostLogger } from "../monitor/ports.js";
import { deviceOf, tripSpecOf, zoneOf } from "../monitor/records.js";
import type { Store } from "../store/ports.js";
import { ReadingWriter } from "../store/reading-writer.js";
import { decodeBusMessage, type BusMessage } from "./messages.js";
import type { NatsBus } from "./nats-bus.js";
import { tripPartition } from "./partitioning.js";

export interface RunnerContext {
  readonly bus: NatsBus;
  readonly store: Store;
  readonly live: LiveBus;
  readonly clock: Clock;
  readonly logger: HostLogger;
  readonly closedTripGraceMs: number;
}

export interface RunnerStats {
  applied: number;
  deadLettered: number;
  /** Messages delivered again (after a takeover, or an acknowledgement that did not arrive). */
  redelivered: number;
  /** The stream sequence of the last message taken. */
  lastSeq: number;
}

/** Inputs queued in the host before the runner stops reading (backpressure). */
const MAX_QUEUED = 4_000;

export class PartitionRunner {
  readonly stats: RunnerStats = { applied: 0, deadLettered: 0, redelivered: 0, lastSeq: 0 };
  private messages: ConsumerMessages | undefined;
  private stopping = false;
  private loop: Promise<void> = Promise.resolve();
  private lastStampMs = -Infinity;

  private constructor(
    readonly partition: number,
    readonly host: MonitorHost,
    private readonly ctx: RunnerContext,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  /** Restores the partition from the store and starts reading it. */
  static async start(
    ctx: RunnerContext,
    partition: number,
    onFailure: (error: unknown) => void,
  ): Promise<PartitionRunner> {
    const partitions = ctx.bus.partitions;
    const host = await MonitorHost.open({
      store: ctx.store,
      log: new ReadingWriter(ctx.store.readings, { maxBatch: 1_000, maxDelayMs: 2 }),
      bus: ctx.live,
      clock: ctx.clock,
      logger: ctx.logger,
      closedTripGraceMs: ctx.closedTripGraceMs,
      partition: {
        ownsTrip: (trip) => tripPartition(trip.id, partitions) === partition,
        stateKeyPrefix: `p${partition}/${partitions}.`,
      },
    });
    const runner = new PartitionRunner(partition, host, ctx, onFailure);
    runner.lastStampMs = host.engine.clockMs ?? -Infinity;
    try {
      await runner.subscribe();
    } catch (error) {
      await host.close().catch(() => {});
      throw error;
    }
    return runner;
  }

  /** Replaces the partition's consumer by one starting at the first unacknowledged message. */
  private async subscribe(): Promise<void> {
    const { jsm, js, names } = this.ctx.bus;
    let startSeq = 0;
    for (const previous of await partitionConsumers(this.ctx.bus, this.partition)) {
      // A consumer that acknowledged nothing yet starts where it was told to start.
      startSeq = Math.max(startSeq, previous.ack_floor.stream_seq + 1, previous.config.opt_start_seq ?? 0);
      await jsm.consumers.delete(names.inputStream, previous.name).catch(() => false);
    }
    const name = names.consumerName(this.partition, randomBytes(4).toString("hex"));
    await jsm.consumers.add(names.inputStream, {
      durable_name: name,
      filter_subject: names.inputSubject(this.partition),
      ack_policy: AckPolicy.Explicit,
      ack_wait: 60_000_000_000,
      max_ack_pending: 20_000,
      ...(startSeq > 1
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: startSeq }
        : { deliver_policy: DeliverPolicy.All }),
    });
    this.consumerName = name;
    const consumer = await js.consumers.get(names.inputStream, name);
    this.messages = await consumer.consume({ max_messages: 1_000 });
    this.loop = this.run(this.messages).catch((error: unknown) => {
      if (!this.stopping) this.onFailure(error);
    });
  }

  /** The consumer this runner reads through. */
  consumerName = "";

  private async run(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      if (this.stopping) break;
      if (m.seq <= this.stats.lastSeq) {
        this.stats.redelivered++;
        m.ack();
        continue;
      }
      if (m.info.redeliveryCount > 1) this.stats.redelivered++;
      this.stats.lastSeq = m.seq;
      const decoded = decodeBusMessage(m.data);
      if (!decoded.ok) {
        await this.deadLetter(m, decoded.reason);
        continue;
      }
      try {
        await this.take(m, decoded.message);
      } catch (error) {
        // Synchronous refusals (a seq out of order, a store read failing): not acknowledged.
        this.fail(error);
        return;
      }
      while (this.host.queueDepth > MAX_QUEUED && !this.stopping) await this.host.idle();
    }
  }

  /** Queues one message in the host; acknowledges it once what it changed is durable. */
  private async take(m: JsMsg, message: BusMessage): Promise<void> {
    const host = this.host;
    switch (message.kind) {
      case "reading": {
        const reading = message.reading;
        if (!host.engine.hasDevice(reading.deviceId)) await this.refreshDevice(reading.deviceId);
        // Gateways' clocks differ a little: a live reading never arrives before the one before it.
        const receivedAtMs = message.live
          ? Math.max(reading.receivedAtMs, this.lastStampMs)
          : reading.receivedAtMs;
        this.lastStampMs = Math.max(this.lastStampMs, receivedAtMs);
        host.submitReading({ ...reading, receivedAtMs }, m.seq).then(
          () => this.done(m),
          (error: unknown) =>
            // A reading the store cannot keep is refused for good: dead-lettered, never retried.
            error instanceof SealwatchError && error.code === "READING_REFUSED"
              ? void this.deadLetter(m, error.message)
              : this.fail(error),
        );
        return;
      }
      case "command": {
        const request = message.command;
        const recorded = (await this.ctx.store.commands.forTrip(request.tripId)).find((c) => c.seq === m.seq);
        if (recorded !== undefined) {
          // Applied and recorded by the previous owner: answer as it did.
          this.reply(message.replyTo, {
            seq: m.seq,
            accepted: recorded.outcome === "accepted",
            ...(recorded.refusal === undefined ? {} : { refusal: recorded.refusal }),
          });
          this.done(m);
          return;
        }
        await this.refreshForTrip(request.tripId);
        this.lastStampMs = Math.max(this.lastStampMs, request.atMs);
        host.command(request, m.seq).then(
          (result) => {
            this.reply(message.replyTo, result);
            this.done(m);
          },
          // Not recorded (the store failed): not acknowledged, so it is applied after the restart.
          (error: unknown) => this.fail(error),
        );
        return;
      }
      case "tick":
        if (message.atMs < this.lastStampMs) {
          // A tick from a worker whose clock is behind this partition's: nothing to advance.
          this.done(m);
          return;
        }
        this.lastStampMs = message.atMs;
        host.tick(message.atMs, m.seq).then(
          () => this.done(m),
          (error: unknown) => this.fail(error),
        );
        return;
      case "registry":
        await host.idle();
        if (message.what === "device") await this.refreshDevice(message.id);
        else if (message.what === "zone") await this.refreshZones();
        else await this.refreshForTrip(message.id);
        this.done(m);
        return;
    }
  }

  private done(m: JsMsg): void {
    this.stats.applied++;
    m.ack();
  }

  private fail(error: unknown): void {
    if (this.stopping) return;
    this.ctx.logger.error(
      { partition: this.partition, err: String(error) },
      "partition failed; it will be restarted",
    );
    this.onFailure(error);
  }

  private reply(
    subject: string | undefined,
    result: Pick<CommandResult, "seq" | "accepted" | "refusal" | "trip">,
  ): void {
    if (subject === undefined) return;
    try {
      this.ctx.bus.nc.publish(subject, Buffer.from(JSON.stringify(result), "utf8"));
    } catch {
      // The caller may have gone; the command's outcome is in the store.
    }
  }

  private async deadLetter(m: JsMsg, reason: string): Promise<void> {
    this.stats.deadLettered++;
    this.ctx.logger.warn({ partition: this.partition, seq: m.seq, reason }, "bus message dead-lettered");
    const h = headers();
    h.set("Sealwatch-Reason", reason.slice(0, 500));
    h.set("Sealwatch-Partition", String(this.partition));
    h.set("Sealwatch-Seq", String(m.seq));
    try {
      await this.ctx.bus.js.publish(this.ctx.bus.names.deadLetterSubject(this.partition), m.data, {
        headers: h,
        msgID: `p${this.partition}-${m.seq}`,
      });
    } catch (error) {
      // Kept in the log (not acknowledged): it comes again after a restart rather than vanish.
      this.fail(error);
      return;
    }
    m.ack();
  }

  private async refreshDevice(deviceId: string): Promise<void> {
    const record = await this.ctx.store.devices.get(deviceId);
    if (record === undefined) return;
    const engine = this.host.engine;
    if (engine.hasDevice(deviceId)) engine.updateDevice(deviceOf(record));
    else engine.addDevice(deviceOf(record), { historyInStore: true });
  }

  private async refreshZones(): Promise<void> {
    const engine = this.host.engine;
    for (const zone of await this.ctx.store.zones.list()) {
      if (engine.hasZone(zone.id)) engine.updateZone(zoneOf(zone));
      else engine.addZone(zoneOf(zone));
    }
  }

  /** Makes sure the engine knows a trip declared elsewhere (an API process) and what it refers to. */
  private async refreshForTrip(tripId: string): Promise<void> {
    const engine = this.host.engine;
    if (engine.hasTrip(tripId)) return;
    const trip = await this.ctx.store.trips.get(tripId);
    if (trip === undefined) return;
    const offices = [trip.origin, trip.destination, ...(trip.checkpoints ?? [])];
    if (offices.some((id) => !engine.hasZone(id))) await this.refreshZones();
    for (const deviceId of trip.devices) if (!engine.hasDevice(deviceId)) await this.refreshDevice(deviceId);
    if (trip.state === "declared" && tripPartition(trip.id, this.ctx.bus.partitions) === this.partition) {
      await this.host.idle();
      if (!engine.hasTrip(tripId)) {
        engine.declareTrip(tripSpecOf(trip));
        this.host.recovery.remember(trip);
      }
    }
  }

  /** Stops reading, lets what is queued finish (and be acknowledged), closes the host. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.messages?.stop();
    await this.loop;
    await this.host
      .close()
      .catch((error: unknown) =>
        this.ctx.logger.warn({ partition: this.partition, err: String(error) }, "closing a partition failed"),
      );
  }

  /** Stops at once, acknowledging nothing more (the lease is lost: another worker owns it now). */
  abandon(): void {
    this.stopping = true;
    this.messages?.stop();
  }
}

/** The consumers of a partition's subject (normally one; two for a moment during a takeover). */
export async function partitionConsumers(bus: NatsBus, partition: number): Promise<ConsumerInfo[]> {
  const found: ConsumerInfo[] = [];
  const prefix = bus.names.consumerPrefix(partition);
  for await (const info of bus.jsm.consumers.list(bus.names.inputStream))
    if (info.name.startsWith(prefix)) found.push(info);
  return found;
}
