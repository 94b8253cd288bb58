/**
 * Publishing to the input log from outside a gateway: commands and registry notes from API
 * processes, replays and loads from tests and benchmarks. Each publication resolves with the stream
 * sequence once JetStream has it.
 */
import type { CommandRequest, IncomingReading } from "../monitor/host.js";
import { encodeBusMessage, type BusMessage, type RegistrySubject } from "./messages.js";
import type { NatsBus } from "./nats-bus.js";
import { partitionConsumers } from "./partition-runner.js";
import { tripPartition } from "./partitioning.js";
import type { RouteTable } from "./routes.js";

export class InputFeed {
  constructor(
    readonly bus: NatsBus,
    readonly routes: RouteTable,
  ) {}

  private async publish(partition: number, message: BusMessage, msgID?: string): Promise<number> {
    const ack = await this.bus.js.publish(this.bus.names.inputSubject(partition), encodeBusMessage(message), {
      ...(msgID === undefined ? {} : { msgID }),
      timeout: 10_000,
    });
    return ack.seq;
  }

  /** A reading with its arrival time given (`live` false: applied as it is, as a replay does). */
  reading(reading: IncomingReading & { readonly receivedAtMs: number }, live = false): Promise<number> {
    return this.publish(this.routes.partitionOf(reading.deviceId), { kind: "reading", reading, live });
  }

  /** A trip command, into the trip's partition; `replyTo` gets the result once it is recorded. */
  command(command: CommandRequest & { readonly atMs: number }, replyTo?: string): Promise<number> {
    return this.publish(tripPartition(command.tripId, this.bus.partitions), {
      kind: "command",
      command,
      ...(replyTo === undefined ? {} : { replyTo }),
    });
  }

  /** A clock tick into every partition (or those listed); resolves with each one's sequence. */
  async tick(atMs: number, partitions?: readonly number[]): Promise<number[]> {
    if (partitions === undefined) return this.all({ kind: "tick", atMs });
    const seqs: number[] = [];
    for (const p of partitions) seqs.push(await this.publish(p, { kind: "tick", atMs }));
    return seqs;
  }

  /**
   * A registry change into every partition (a trip's only into its own, after routing its devices
   * there). A worker acknowledges a note only once everything before it in the partition is applied
   * and stored, so a note is also a barrier: see `appliedThrough`.
   */
  async registry(what: RegistrySubject, id: string, devices: readonly string[] = []): Promise<number[]> {
    if (what === "trip") {
      await this.routes.routeTrip(id, devices);
      return [await this.publish(tripPartition(id, this.bus.partitions), { kind: "registry", what, id })];
    }
    return this.all({ kind: "registry", what, id });
  }

  private async all(message: BusMessage): Promise<number[]> {
    const seqs: number[] = [];
    for (let p = 0; p < this.bus.partitions; p++) seqs.push(await this.publish(p, message));
    return seqs;
  }

  /** Whether every partition has acknowledged its messages up to `seqs[partition]`. */
  async appliedThrough(seqs: readonly number[]): Promise<boolean> {
    for (let p = 0; p < seqs.length; p++) {
      const consumers = await partitionConsumers(this.bus, p);
      if (consumers.length !== 1) return false; // no owner yet, or a takeover under way
      const info = consumers[0]!;
      // Before its first acknowledgement a consumer's floor is where it started (the last owner's).
      const floor = Math.max(info.ack_floor.stream_seq, (info.config.opt_start_seq ?? 1) - 1);
      if (floor < seqs[p]!) return false;
    }
    return true;
  }
}
