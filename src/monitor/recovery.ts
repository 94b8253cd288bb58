/**
 * Bringing engine state back from the store, at start and on demand.
 *
 * At start: the registry (zones, devices), every declared trip, and every live trip (armed, in
 * transit, arrived) restored from its devices' recorded events, its recorded transitions and its
 * recorded signal-loss facts. Nothing is replayed from the beginning of time; the restored alarms
 * are compared with the stored ones and any difference (an input stored just before a crash but not
 * yet applied) is reconciled and recorded.
 *
 * On demand: late data older than a device's history in memory loads that history (and the closed
 * trip it belongs to, if any) before the engine sees it. Closed trips leave memory after a grace.
 */
import type { AlarmEvidence } from "../core/evidence/alarm-evidence.js";
import { alarmKey, type Alarm } from "../core/domain/model.js";
import { MonitoringEngine } from "../core/engine/engine.js";
import type { MessageInput, ReadInput } from "../core/engine/inputs.js";
import type { ReadingRecord, Store, TripRecord } from "../store/ports.js";
import type { AlarmChangeSink, HostLogger, PartitionScope, TripMemory } from "./ports.js";
import { alarmOf, deviceOf, engineInputOf, tripSpecOf, zoneOf } from "./records.js";

const LIVE_STATES = ["armed", "in_transit", "arrived"] as const;
/** How far back passive reads are loaded to decide an arm (the latest read at the origin office). */
const PASSIVE_READS_LOOKBACK_MS = 30 * 86_400_000;
/** The least history before an event that is loaded with it. */
const MIN_LOOKBACK_MS = 600_000;

export class Recovery implements TripMemory {
  /** Trip records of the trips the engine holds. */
  readonly trips = new Map<string, TripRecord>();
  private effects: AlarmChangeSink | null = null;
  private pendingReconcile: { trip: TripRecord; computed: Alarm[] }[] = [];

  private constructor(
    readonly engine: MonitoringEngine,
    private readonly store: Store,
    private readonly logger: HostLogger,
    readonly lastSeq: number,
    private readonly lastAppliedSeq: number,
    private readonly ownsTrip: (trip: TripRecord) => boolean,
  ) {}

  /** `scope`: only its trips, and its checkpoint (a partition of a cluster); everything otherwise. */
  static async start(store: Store, logger: HostLogger, scope?: PartitionScope): Promise<Recovery> {
    const prefix = scope?.stateKeyPrefix ?? "";
    const ownsTrip = scope?.ownsTrip ?? (() => true);
    const engine = new MonitoringEngine();
    for (const zone of await store.zones.list()) engine.addZone(zoneOf(zone));
    for (const device of await store.devices.list())
      engine.addDevice(deviceOf(device), { historyInStore: true });
    const storedClock = Number((await store.engineState.get(`${prefix}clockMs`)) ?? Number.NaN);
    if (Number.isFinite(storedClock)) engine.restoreClock(storedClock);
    const lastAppliedSeq = Number((await store.engineState.get(`${prefix}lastAppliedSeq`)) ?? 0);
    // The checkpoint's clock is a lower bound: inputs stored after it (up to a crash) had moved the
    // clock on. Restored at once, before any trip, so that clock-driven alarms (overdue) come back as
    // they were instead of being retracted now and raised again by the next tick. A partition's
    // log numbers are its own: the stored inputs after its checkpoint are not all its own.
    if (scope === undefined) {
      const arrivalMs = await latestArrivalAfter(store, lastAppliedSeq);
      if (arrivalMs !== undefined) engine.restoreClock(arrivalMs);
    }
    const lastSeq = Math.max(await store.readings.maxSeq(), await maxCommandSeq(store), lastAppliedSeq);
    const recovery = new Recovery(engine, store, logger, lastSeq, lastAppliedSeq, ownsTrip);
    for (const trip of await store.trips.list({ states: ["declared"] })) {
      if (!ownsTrip(trip)) continue;
      engine.declareTrip(tripSpecOf(trip));
      recovery.trips.set(trip.id, trip);
    }
    for (const trip of await store.trips.list({ states: [...LIVE_STATES] }))
      if (ownsTrip(trip)) await recovery.loadTrip(trip);
    return recovery;
  }

  attach(effects: AlarmChangeSink): void {
    this.effects = effects;
  }

  /**
   * Reconciles what was restored before the effect writer existed, and loads the closed trips that
   * readings stored after the last checkpoint may have touched (stored, but perhaps not applied).
   */
  async finish(): Promise<void> {
    const pending = this.pendingReconcile;
    this.pendingReconcile = [];
    for (const { trip, computed } of pending) await this.reconcile(trip, computed);
    let after = this.lastAppliedSeq;
    for (;;) {
      const batch = await this.store.readings.afterSeq(after, 1_000);
      if (batch.length === 0) break;
      for (const record of batch) await this.prepareForEvent(record.deviceId, record.atMs);
      after = batch[batch.length - 1]!.seq;
    }
    const live = [...this.trips.values()].filter((t) => t.state !== "declared").length;
    this.logger.info(
      { trips: this.trips.size, live, clockMs: this.engine.clockMs },
      "monitoring state restored from the store",
    );
  }

  /**
   * Makes sure the engine holds what an event of `deviceId` at `atMs` may touch. `beforeSeq` is the
   * sequence number of the input about to be applied: only inputs before it count as history (the
   * input itself, and later ones already in the log, are not applied yet).
   */
  async prepareForEvent(deviceId: string, atMs: number, beforeSeq = Infinity): Promise<void> {
    if (!this.needsHistory(deviceId, atMs)) return;
    await this.ensureHistory(deviceId, atMs - this.lookbackMs, beforeSeq);
    const trip = await this.store.trips.windowHolding(deviceId, atMs);
    if (trip !== undefined && !this.engine.hasTrip(trip.id)) await this.loadTrip(trip, beforeSeq);
  }

  /** How much history before an event the engine may read: its openings' lookback, at least 10 min. */
  private get lookbackMs(): number {
    return Math.max(this.engine.lookbackMs, MIN_LOOKBACK_MS);
  }

  /**
   * Whether an event of `deviceId` at `atMs` reaches back before the history in memory (rare). The
   * history is complete from `residentFromMs` on, with the latest seal message and fix before it:
   * all that the rules read about an event at or after it (the fix and seal state before an
   * opening, the openings a fix decides, the copies of a duplicate).
   */
  needsHistory(deviceId: string, atMs: number): boolean {
    if (!this.engine.hasDevice(deviceId)) return false;
    return atMs < this.engine.residentFromMs(deviceId);
  }

  /** Makes sure a command's trip and its devices' latest states are in memory. */
  async prepareForCommand(tripId: string, beforeSeq: number): Promise<void> {
    let trip = this.trips.get(tripId);
    if (trip === undefined || !this.engine.hasTrip(tripId)) {
      trip = await this.store.trips.get(tripId);
      if (trip === undefined) return;
      if (trip.state === "declared") {
        if (!this.engine.hasTrip(tripId)) this.engine.declareTrip(tripSpecOf(trip));
        this.trips.set(trip.id, trip);
      } else {
        await this.loadTrip(trip, beforeSeq);
      }
    }
    const now = this.engine.clockMs ?? Date.now();
    for (const deviceId of trip.devices) await this.ensureHistory(deviceId, now, beforeSeq);
  }

  /**
   * Loads a device's recorded events from `fromMs` up to what memory already holds, with the latest
   * seal message and fix before `fromMs` (they decide openings just after it).
   */
  async ensureHistory(deviceId: string, fromMs: number, beforeSeq = Infinity): Promise<void> {
    const residentFrom = this.engine.residentFromMs(deviceId);
    if (residentFrom <= fromMs) return;
    const readings = this.store.readings;
    const until = Number.isFinite(residentFrom) ? residentFrom : Number.MAX_SAFE_INTEGER;
    const records: ReadingRecord[] = await readings.forDevice(deviceId, fromMs, until);
    const seal = await readings.latestBefore(deviceId, fromMs, "seal");
    const fix = await readings.latestBefore(deviceId, fromMs, "fix");
    const reads = (await readings.forDevice(deviceId, fromMs - PASSIVE_READS_LOOKBACK_MS, fromMs)).filter(
      (r) => r.kind === "read",
    );
    const inputs: (MessageInput | ReadInput)[] = [];
    for (const record of [seal, fix, ...reads, ...records]) {
      if (record !== undefined && record.seq < beforeSeq) inputs.push(engineInputOf(record));
    }
    this.engine.restoreEvents(deviceId, inputs, { completeFromMs: fromMs });
  }

  /** Brings back a trip that is not in memory (live at start, or closed and touched by late data). */
  async loadTrip(trip: TripRecord, beforeSeq = Infinity): Promise<void> {
    if (this.engine.hasTrip(trip.id) || !this.ownsTrip(trip)) return;
    if (trip.armedAtMs === undefined) {
      this.engine.declareTrip(tripSpecOf(trip));
      this.trips.set(trip.id, trip);
      return;
    }
    const lookback = Math.max(this.engine.lookbackMs, (trip.rules?.openingFixMaxAgeS ?? 600) * 1000);
    for (const deviceId of trip.devices)
      await this.ensureHistory(deviceId, trip.armedAtMs - lookback, beforeSeq);
    const stored = await this.store.alarms.forTrip(trip.id);
    const signalLoss = [];
    for (const deviceId of trip.devices) {
      const last = await this.store.readings.lastReceivedAfterSeq(deviceId, trip.armSeq ?? 0);
      signalLoss.push({
        deviceId,
        lastReceivedAtMs: Math.max(last ?? trip.armedAtMs, trip.armedAtMs),
        alarms: stored
          .filter((a) => a.type === "signal_loss" && a.device === deviceId && !a.retracted)
          .map(alarmOf),
      });
    }
    const computed = this.engine.restoreTrip(tripSpecOf(trip), {
      armAtMs: trip.armedAtMs,
      ...(trip.closedAtMs === undefined ? {} : { closeAtMs: trip.closedAtMs }),
      ...(trip.inTransitAtMs === undefined ? {} : { inTransitAtMs: trip.inTransitAtMs }),
      ...(trip.arrivedAtMs === undefined ? {} : { arrivedAtMs: trip.arrivedAtMs }),
      signalLoss,
    });
    this.trips.set(trip.id, trip);
    if (this.effects === null) this.pendingReconcile.push({ trip, computed });
    else await this.reconcile(trip, computed);
  }

  /** The engine's evidence of an alarm, as a member to spread into an alarm change. */
  private evidence(alarm: Alarm): { evidence?: AlarmEvidence } {
    const evidence = this.engine.evidenceOf(alarm);
    return evidence === undefined ? {} : { evidence };
  }

  /** Records the difference between the restored alarms and the stored ones (normally none). */
  private async reconcile(trip: TripRecord, computed: Alarm[]): Promise<void> {
    const effects = this.effects!;
    const stored = await this.store.alarms.forTrip(trip.id);
    const storedLive = new Map(
      stored.filter((a) => !a.retracted && a.type !== "signal_loss").map((a) => [alarmKey(a), a]),
    );
    const computedLive = new Map(
      computed.filter((a) => a.type !== "signal_loss").map((a) => [alarmKey(a), a]),
    );
    let differences = 0;
    const clockMs = this.engine.clockMs ?? Date.now();
    for (const [key, alarm] of computedLive) {
      const record = storedLive.get(key);
      if (record === undefined) {
        differences++;
        await effects.alarmChanged({ change: "raised", alarm, ...this.evidence(alarm) }, clockMs, "recovery");
      } else if (record.clearedAtMs !== alarm.clearedAtMs) {
        differences++;
        await effects.alarmChanged(
          { change: "updated", alarm, previous: alarmOf(record), ...this.evidence(alarm) },
          clockMs,
          "recovery",
        );
      }
    }
    for (const [key, record] of storedLive) {
      if (!computedLive.has(key)) {
        differences++;
        await effects.alarmChanged({ change: "retracted", alarm: alarmOf(record) }, clockMs, "recovery");
      }
    }
    if (differences > 0) {
      this.logger.warn(
        { tripId: trip.id, differences },
        "recovery reconciled alarms that were not stored before the restart",
      );
    }
  }

  /** Keeps the trip record the host caches in step with the store. */
  remember(trip: TripRecord): void {
    this.trips.set(trip.id, trip);
  }

  /** Lets closed and cancelled trips go once their grace has passed; trims their devices' history. */
  evictClosedBefore(cutoffMs: number): void {
    for (const trip of this.trips.values()) {
      const endedAt = trip.closedAtMs ?? trip.cancelledAtMs;
      if (endedAt === undefined || endedAt >= cutoffMs) continue;
      this.engine.evictTrip(trip.id);
      this.trips.delete(trip.id);
      for (const deviceId of trip.devices) this.engine.trimDevice(deviceId, cutoffMs);
    }
  }
}

/**
 * The latest arrival time of the inputs stored after `afterSeq` that moved the engine clock: accepted
 * commands, recorded ticks, and readings the engine did not reject. Undefined when there are none.
 */
async function latestArrivalAfter(store: Store, afterSeq: number): Promise<number | undefined> {
  let latest: number | undefined;
  const later = (atMs: number): void => {
    if (latest === undefined || atMs > latest) latest = atMs;
  };
  for (const input of await store.commands.afterSeq(afterSeq))
    if (!("outcome" in input) || input.outcome === "accepted") later(input.atMs);
  for (let after = afterSeq; ;) {
    const batch = await store.readings.afterSeq(after, 1_000);
    if (batch.length === 0) break;
    for (const record of batch) later(record.receivedAtMs);
    after = batch[batch.length - 1]!.seq;
  }
  return latest;
}

async function maxCommandSeq(store: Store): Promise<number> {
  return store.commands.maxSeq();
}
