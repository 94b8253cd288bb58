/**
 * Webhook fan-out of what the readings say: seal state changes (`seal.opened`, `seal.closed`) and
 * positions (`position`, at most one per device every `positionIntervalMs`) of devices on a trip
 * that is armed, in transit or arrived. They are frequent, so only subscriptions that name these
 * types in `eventTypes` get them (a subscription without `eventTypes` hears the audit chain's events,
 * see `fanout.ts`). Reads the readings in seq order from where it stopped and commits the messages
 * with the new read position (`enqueue` with `progress`): nothing skipped, nothing enqueued twice.
 *
 * The seal state before a reading is the latest stored one by event time (a late store-and-forward
 * reading is compared with what came before it, not with the newest). Position thinning is kept in
 * memory: after a restart the next fix of each device is sent, which at-least-once allows.
 */
import type { LonLat } from "../core/geo/sphere.js";
import type { ExportIdentity } from "../interop/export.js";
import type { CanonicalEvent, CanonicalEventType } from "../interop/events.js";
import { tripFacts, type ZoneLookup } from "../interop/trip-facts.js";
import type { NewOutboxMessage, SubscriptionRecord } from "../store/outbox-ports.js";
import type { ReadingRecord, Store, TripRecord } from "../store/ports.js";
import { ownerNow, wantsEvent, webhookMessage } from "./fanout.js";
import { OwnerViews } from "./owner-view.js";
import { SerialRun } from "./serial-run.js";

/** engine_state key of the last reading seq fanned out. */
export const READING_FANOUT_CURSOR_KEY = "webhooks.readingSeq";
/** The event types that come from readings. */
export const READING_EVENT_TYPES: ReadonlySet<CanonicalEventType> = new Set<CanonicalEventType>([
  "seal.opened",
  "seal.closed",
  "position",
]);
const BATCH = 500;
const LIVE_STATES = ["armed", "in_transit", "arrived"] as const;

export class ReadingFanout {
  private readonly serial = new SerialRun(() => this.drain());
  /** Per device: event time of the last position sent. */
  private readonly lastPositionMs = new Map<string, number>();
  /**
   * Per device: its latest seal state by event time among the readings fanned out so far, so that a
   * reading in order is compared without a store query (only a late one, or the first after a start,
   * asks the store).
   */
  private readonly latestSeal = new Map<
    string,
    { readonly atMs: number; readonly seal: "open" | "closed" }
  >();

  constructor(
    private readonly store: Store,
    private readonly options: {
      readonly nowMs: () => number;
      readonly identity?: ExportIdentity;
      /** At most one position event per device in this interval (default 5 minutes). */
      readonly positionIntervalMs?: number;
      /** The API's reference-alias key: hidden devices get the API's pseudonyms (owner-view.ts). */
      readonly aliasKey?: Buffer;
    } = { nowMs: Date.now },
  ) {}

  /** Fans out every reading after the cursor; resolves with the number of messages enqueued. */
  catchUp(): Promise<number> {
    return this.serial.call();
  }

  private async drain(): Promise<number> {
    let enqueued = 0;
    for (;;) {
      const stored = await this.store.engineState.get(READING_FANOUT_CURSOR_KEY);
      const subscriptions = (await this.store.subscriptions.list()).filter((s) =>
        s.eventTypes?.some((t) => READING_EVENT_TYPES.has(t as CanonicalEventType)),
      );
      if (stored === undefined || subscriptions.length === 0) {
        // Nobody listens (or first start): subscriptions hear what is read from now on.
        const head = String(await this.store.readings.maxSeq());
        if (head !== stored) await this.store.engineState.set(READING_FANOUT_CURSOR_KEY, head);
        return enqueued;
      }
      const readings = await this.store.readings.afterSeq(Number(stored), BATCH);
      if (readings.length === 0) return enqueued;
      const messages = await this.messagesFor(readings, subscriptions);
      await this.store.outbox.enqueue(messages, {
        progress: { key: READING_FANOUT_CURSOR_KEY, value: String(readings.at(-1)!.seq) },
      });
      enqueued += messages.length;
    }
  }

  private async messagesFor(
    readings: readonly ReadingRecord[],
    subscriptions: readonly SubscriptionRecord[],
  ): Promise<NewOutboxMessage[]> {
    const tripOf = new Map<string, TripRecord>();
    for (const trip of await this.store.trips.list({ states: [...LIVE_STATES] }))
      for (const device of trip.devices) tripOf.set(device, trip);
    if (tripOf.size === 0) return [];
    const zones: ZoneLookup = new Map((await this.store.zones.list()).map((z) => [z.id, z]));
    const owners = new Map(
      await Promise.all(subscriptions.map(async (s) => [s.id, await ownerNow(this.store, s.owner)] as const)),
    );
    const views = new OwnerViews(this.store, this.options.aliasKey);
    const messages: NewOutboxMessage[] = [];
    for (const reading of readings) {
      const trip = tripOf.get(reading.deviceId);
      if (trip === undefined || reading.kind !== "message") continue;
      if (trip.armedAtMs === undefined || reading.atMs < trip.armedAtMs) continue;
      for (const event of await this.eventsOf(reading, trip, zones))
        for (const subscription of subscriptions) {
          if (reading.receivedAtMs < subscription.createdAtMs) continue;
          const owner = owners.get(subscription.id);
          if (owner === undefined || !wantsEvent(subscription, owner, event, trip)) continue;
          const message = webhookMessage(subscription, event, trip, this.options);
          if (message !== undefined) messages.push(await views.apply(owner, trip, message));
        }
    }
    return messages;
  }

  private async eventsOf(
    reading: ReadingRecord,
    trip: TripRecord,
    zones: ZoneLookup,
  ): Promise<CanonicalEvent[]> {
    const position: LonLat | undefined =
      reading.lon !== undefined && reading.lat !== undefined && reading.valid !== false
        ? [reading.lon, reading.lat]
        : undefined;
    const common = {
      atMs: reading.atMs,
      recordedAtMs: reading.receivedAtMs,
      trip: tripFacts(trip, zones),
      device: reading.deviceId,
      ...(position === undefined ? {} : { place: { position } }),
      ...(reading.batteryPct === undefined ? {} : { batteryPct: reading.batteryPct }),
      ...(reading.speedKmh === undefined ? {} : { speedKmh: reading.speedKmh }),
    };
    const events: CanonicalEvent[] = [];
    if (reading.seal !== undefined) {
      const before = await this.sealBefore(reading.deviceId, reading.atMs);
      const latest = this.latestSeal.get(reading.deviceId);
      if (latest === undefined || reading.atMs > latest.atMs)
        this.latestSeal.set(reading.deviceId, { atMs: reading.atMs, seal: reading.seal });
      // The state at arming is the trip's start, not a change (as in the trip export).
      const previous = before !== undefined && before.atMs >= (trip.armedAtMs ?? 0) ? before.seal : undefined;
      if (reading.seal !== previous && (previous !== undefined || reading.seal === "open"))
        events.push({
          ...common,
          id: `reading-${reading.seq}-seal`,
          type: reading.seal === "open" ? "seal.opened" : "seal.closed",
        });
    }
    const interval = this.options.positionIntervalMs ?? 5 * 60_000;
    const last = this.lastPositionMs.get(reading.deviceId);
    if (position !== undefined && (last === undefined || Math.abs(reading.atMs - last) >= interval)) {
      events.push({ ...common, id: `reading-${reading.seq}-position`, type: "position" });
      this.lastPositionMs.set(reading.deviceId, reading.atMs);
    }
    return events;
  }

  /** The device's seal state before `atMs` by event time, if any. */
  private async sealBefore(
    deviceId: string,
    atMs: number,
  ): Promise<{ readonly atMs: number; readonly seal?: "open" | "closed" } | undefined> {
    const latest = this.latestSeal.get(deviceId);
    if (latest !== undefined && latest.atMs < atMs) return latest;
    return this.store.readings.latestBefore(deviceId, atMs, "seal");
  }
}
