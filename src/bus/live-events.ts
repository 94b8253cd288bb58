/**
 * The live stream: readings, alarm changes and trip transitions as they happen, each with a cursor
 * so that a client that reconnects can resume where it left off. The embedded implementation keeps
 * a ring buffer of recent events in memory; a scale-out implementation can sit on NATS JetStream.
 */
import type { AlarmRecord, TripRecord } from "../store/ports.js";

export interface LiveReading {
  readonly deviceId: string;
  readonly tripId?: string;
  readonly atMs: number;
  readonly receivedAtMs: number;
  readonly position?: {
    readonly lon: number;
    readonly lat: number;
    readonly speedKmh?: number;
    readonly courseDeg?: number;
    readonly valid: boolean;
  };
  readonly seal?: "closed" | "open";
  readonly tamper?: boolean;
  readonly batteryPct?: number;
}

export type LiveEventBody =
  | {
      readonly kind: "reading";
      readonly reading: LiveReading;
      readonly companyId?: string;
      readonly offices: readonly string[];
    }
  | {
      readonly kind: "alarm";
      /** raised, updated (clearing time moved), retracted, or a workflow action (acknowledged, assigned...). */
      readonly change: "raised" | "updated" | "retracted" | "workflow";
      readonly alarm: AlarmRecord;
      readonly companyId?: string;
      readonly offices: readonly string[];
    }
  | {
      readonly kind: "trip";
      readonly trip: TripRecord;
      readonly companyId?: string;
      readonly offices: readonly string[];
    };

export type LiveEvent = LiveEventBody & {
  /** Strictly increasing; resume with the last cursor seen. */
  readonly cursor: number;
  readonly atMs: number;
};

export type Unsubscribe = () => void;

export interface LiveBus {
  /** Publishes `event`, which it takes over (it becomes the published event, with cursor and time). */
  publish(event: LiveEventBody, atMs: number): LiveEvent;
  /**
   * Delivers events after `afterCursor` (replayed from the buffer first), then live ones. Returns
   * false in `resumed` when events after the cursor have already left the buffer: the client must
   * reload its state.
   */
  subscribe(
    afterCursor: number | undefined,
    handler: (event: LiveEvent) => void,
  ): { resumed: boolean; unsubscribe: Unsubscribe };
  readonly lastCursor: number;
}

/** In-process bus with a ring buffer of the last `capacity` events. */
export class MemoryLiveBus implements LiveBus {
  private readonly buffer: (LiveEvent | undefined)[];
  private next = 1;
  private readonly handlers = new Set<(event: LiveEvent) => void>();

  constructor(private readonly capacity = 100_000) {
    this.buffer = new Array<LiveEvent | undefined>(capacity);
  }

  get lastCursor(): number {
    return this.next - 1;
  }

  publish(body: LiveEventBody, atMs: number): LiveEvent {
    // The body becomes the event (callers hand over a fresh object): no copy per reading.
    const event = body as LiveEventBody & { cursor: number; atMs: number };
    event.cursor = this.next++;
    event.atMs = atMs;
    this.buffer[event.cursor % this.capacity] = event;
    for (const handler of this.handlers) {
      try {
        handler(event);
      } catch {
        // A failing subscriber must not stop the others or the engine.
      }
    }
    return event;
  }

  subscribe(
    afterCursor: number | undefined,
    handler: (event: LiveEvent) => void,
  ): { resumed: boolean; unsubscribe: Unsubscribe } {
    let resumed = true;
    if (afterCursor !== undefined && afterCursor < this.lastCursor) {
      const oldest = Math.max(1, this.next - this.capacity);
      if (afterCursor + 1 < oldest) resumed = false;
      for (let cursor = Math.max(afterCursor + 1, oldest); cursor < this.next; cursor++) {
        const event = this.buffer[cursor % this.capacity];
        if (event !== undefined && event.cursor === cursor) handler(event);
      }
    }
    this.handlers.add(handler);
    return { resumed, unsubscribe: () => this.handlers.delete(handler) };
  }
}
