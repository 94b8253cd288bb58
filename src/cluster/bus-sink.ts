/**
 * The gateway's sink in the distributed mode: a reading is published to its partition of the input
 * log, and the device is acknowledged only once JetStream has acknowledged the publish (the stream
 * has it on disk). The message id is the reading's dedup key, so a device retransmitting within the
 * stream's duplicate window gets the first copy's acknowledgement and no second message.
 */
import type { ReadingSink } from "../gateway/sink.js";
import type { IncomingReading, SubmitResult } from "../monitor/host.js";
import type { Clock } from "../monitor/clock.js";
import { dedupKey } from "../store/dedup-key.js";
import { SealwatchError } from "../core/errors.js";
import { encodeBusMessage } from "./messages.js";
import type { NatsBus } from "./nats-bus.js";
import type { RouteTable } from "./routes.js";

export interface BusSinkStats {
  published: number;
  duplicates: number;
  failed: number;
  inFlight: number;
}

export class BusSink implements ReadingSink {
  readonly stats: BusSinkStats = { published: 0, duplicates: 0, failed: 0, inFlight: 0 };

  constructor(
    private readonly bus: NatsBus,
    private readonly routes: RouteTable,
    private readonly clock: Clock,
    private readonly publishTimeoutMs = 10_000,
  ) {}

  async submitReading(incoming: IncomingReading): Promise<SubmitResult> {
    const receivedAtMs = incoming.receivedAtMs ?? this.clock.nowMs();
    const reading = { ...incoming, receivedAtMs };
    const key = dedupKey({ ...reading, seq: 0, dedupKey: "" });
    const partition = this.routes.partitionOf(incoming.deviceId);
    this.stats.inFlight++;
    try {
      const ack = await this.bus.js.publish(
        this.bus.names.inputSubject(partition),
        encodeBusMessage({ kind: "reading", reading, live: true }),
        { msgID: key, timeout: this.publishTimeoutMs },
      );
      if (ack.duplicate) this.stats.duplicates++;
      else this.stats.published++;
      return { seq: ack.seq, outcome: ack.duplicate ? "duplicate" : "stored" };
    } catch (error) {
      this.stats.failed++;
      throw new SealwatchError("BUS_UNAVAILABLE", `publishing a reading: ${(error as Error).message}`);
    } finally {
      this.stats.inFlight--;
    }
  }
}
