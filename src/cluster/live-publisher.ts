/**
 * The live stream of an engine worker: what the engine decides is published to the live stream on
 * the bus (fire-and-forget core publishes, which JetStream stores in publish order); API processes
 * follow it (see live-feed.ts) and number events by their stream sequence, so a cursor means the
 * same event on every API replica.
 */
import type { LiveBus, LiveEvent, LiveEventBody, Unsubscribe } from "../bus/live-events.js";
import { toJsonText } from "../store/json-value.js";
import type { NatsBus } from "./nats-bus.js";

export class LivePublisher implements LiveBus {
  published = 0;
  failed = 0;

  constructor(private readonly bus: NatsBus) {}

  get lastCursor(): number {
    return 0;
  }

  publish(body: LiveEventBody, atMs: number): LiveEvent {
    const event = body as LiveEventBody & { cursor: number; atMs: number };
    event.cursor = 0;
    event.atMs = atMs;
    try {
      this.bus.nc.publish(this.bus.names.liveSubject, Buffer.from(toJsonText(event)!, "utf8"));
      this.published++;
    } catch {
      // The live stream is a view: the store has the facts, and clients reload on a gap.
      this.failed++;
    }
    return event;
  }

  subscribe(): { resumed: boolean; unsubscribe: Unsubscribe } {
    throw new Error("an engine worker only publishes the live stream");
  }
}
