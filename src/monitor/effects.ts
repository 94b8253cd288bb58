/**
 * What the engine decides becomes durable and visible: alarm changes and trip transitions are stored,
 * chained into the audit log and published on the live bus.
 */
import type { Mutable } from "../core/mutable.js";
import { alarmKey, type Alarm, type TripState } from "../core/domain/model.js";
import type { AlarmChange } from "../core/engine/alarm-book.js";
import type { ApplyResult, TripChange } from "../core/engine/inputs.js";
import type { LiveBus, LiveEventBody, LiveReading } from "../bus/live-events.js";
import type { AlarmRecord, AuditEntry, ReadingRecord, Store, TripRecord } from "../store/ports.js";
import type { HostLogger, HostStats, TripMemory } from "./ports.js";
import { alarmId, newAlarmRecord } from "./records.js";
import { storedEvidence } from "./evidence.js";

/** Offices whose officers may see a trip: its origin, destination and checkpoints. */
export function tripOffices(trip: TripRecord | undefined): string[] {
  if (trip === undefined) return [];
  return [trip.origin, trip.destination, ...(trip.checkpoints ?? [])];
}

/**
 * Effects are written in the background, in the order the engine decided them, one change at a time
 * (a failed write is retried, with a growing pause, until the store takes it): the engine host goes
 * on applying readings meanwhile, so a slow write (an fsync, a reconnecting database) holds up
 * nothing but the effects behind it. If the process dies before a change is written, the engine
 * restored at the next start gives it again and recovery records it (see recovery.ts).
 */
type Job =
  | {
      readonly kind: "trip";
      readonly change: TripChange;
      readonly clockMs: number;
      readonly actor: string;
      readonly armSeq: number | undefined;
    }
  | {
      readonly kind: "alarm";
      readonly change: AlarmChange;
      readonly clockMs: number;
      readonly actor: string;
    };

interface Queued {
  readonly job: Job;
  readonly done: () => void;
  readonly failed: (error: unknown) => void;
}

export class EffectWriter {
  private readonly queue: Queued[] = [];
  private running = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly bus: LiveBus,
    private readonly recovery: TripMemory,
    private readonly stats: HostStats,
    private readonly logger: HostLogger,
  ) {}

  /** Changes waiting to be written. */
  get queueDepth(): number {
    return this.queue.length + this.unstored.size;
  }

  /** Resolves once every change queued so far is written. */
  async idle(): Promise<void> {
    while (this.running || this.queue.length > 0 || this.unstored.size > 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      await this.storing;
    }
  }

  /** Stops retrying failed writes (at shutdown, after `idle`). */
  close(): void {
    this.closed = true;
  }

  private enqueue(job: Job): Promise<void> {
    return new Promise((done, failed) => {
      this.queue.push({ job, done, failed });
      if (!this.running) void this.run();
    });
  }

  /**
   * Works through the queue, oldest first: consecutive alarm changes together. Alarm changes are
   * published as soon as they are prepared and stored behind, in order, while the next ones are
   * prepared (until stored they are kept in `unstored`, which preparing reads first); a trip change
   * waits for the alarm changes before it to be stored, so the audit chain keeps the engine's order.
   */
  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const first = this.queue[0]!;
        const job = first.job;
        if (job.kind === "trip") {
          this.queue.shift();
          try {
            await this.storing;
            await this.withRetry(() => this.writeTrip(job));
            first.done();
          } catch (error) {
            first.failed(error);
          }
          continue;
        }
        let n = 1;
        while (n < this.queue.length && n < MAX_ALARM_BATCH && this.queue[n]!.job.kind === "alarm") n++;
        const batch = this.queue.splice(0, n);
        let prepared: PreparedAlarms;
        try {
          prepared = await this.withRetry(() => this.prepareAlarms(batch));
        } catch (error) {
          for (const queued of batch) queued.failed(error);
          continue;
        }
        // The control room sees the engine's decision at once; the records follow. Should the
        // process die in between, the engine restored at the next start decides the same (same
        // alarm ids) and recovery stores what was missing.
        this.publishAlarms(prepared.events);
        this.storeAlarms(prepared, batch);
      }
    } finally {
      this.running = false;
      this.notifyIdle();
    }
  }

  /** Stores prepared alarm changes after those before them; settles their jobs once stored. */
  private storeAlarms(prepared: PreparedAlarms, batch: readonly Queued[]): void {
    for (const record of prepared.writes) this.unstored.set(record.id, record);
    const forget = (): void => {
      for (const record of prepared.writes)
        if (this.unstored.get(record.id) === record) this.unstored.delete(record.id);
    };
    this.storing = this.storing
      .then(() => this.withRetry(() => this.store.alarms.upsertMany(prepared.writes, prepared.entries)))
      .then(
        () => {
          forget();
          for (const queued of batch) queued.done();
        },
        (error: unknown) => {
          forget();
          for (const queued of batch) queued.failed(error);
        },
      )
      .finally(() => this.notifyIdle());
  }

  /** Alarm records published and not yet stored, by id. */
  private readonly unstored = new Map<string, AlarmRecord>();
  /** The alarm changes being stored, in order (never rejects). */
  private storing: Promise<void> = Promise.resolve();

  /**
   * When alarm `id` has been published but is not stored yet: resolves once it is (an officer may
   * act on an alarm the moment it appears). Undefined when it is not waiting to be stored.
   */
  whenStored(id: string): Promise<void> | undefined {
    return this.unstored.has(id) ? this.storing : undefined;
  }

  private notifyIdle(): void {
    if (this.running || this.queue.length > 0 || this.unstored.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async withRetry<T>(write: () => Promise<T>): Promise<T> {
    let pauseMs = 100;
    for (;;) {
      try {
        return await write();
      } catch (error) {
        if (this.closed) throw error;
        this.logger.error(
          { err: String(error), retryInMs: pauseMs },
          "storing an engine decision failed; retrying",
        );
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        pauseMs = Math.min(pauseMs * 2, 5_000);
      }
    }
  }

  /** Publishes an applied reading for the live map (nothing stored: the reading already is). */
  publishReading(record: ReadingRecord, tripId: string | undefined, clockMs: number): void {
    const trip = tripId === undefined ? undefined : this.recovery.trips.get(tripId);
    // Built member by member (one object shape for every reading; this runs for each of them).
    const reading: Mutable<LiveReading> = {
      deviceId: record.deviceId,
      atMs: record.atMs,
      receivedAtMs: record.receivedAtMs,
    };
    if (tripId !== undefined) reading.tripId = tripId;
    if (record.lon !== undefined && record.lat !== undefined) {
      const position = { lon: record.lon, lat: record.lat } as Mutable<NonNullable<LiveReading["position"]>>;
      if (record.speedKmh !== undefined) position.speedKmh = record.speedKmh;
      if (record.courseDeg !== undefined) position.courseDeg = record.courseDeg;
      position.valid = record.valid ?? true;
      reading.position = position;
    }
    if (record.seal !== undefined) reading.seal = record.seal;
    if (record.tamper !== undefined) reading.tamper = record.tamper;
    if (record.batteryPct !== undefined) reading.batteryPct = record.batteryPct;
    const body: Mutable<Extract<LiveEventBody, { kind: "reading" }>> = {
      kind: "reading",
      reading,
      offices: tripOffices(trip),
    };
    if (trip?.companyId !== undefined) body.companyId = trip.companyId;
    this.bus.publish(body, clockMs);
  }

  /**
   * Queues the changes an input made to be stored, audited and published, in order; resolves once
   * they are. `armSeq` marks an accepted arm.
   */
  persist(result: ApplyResult, clockMs: number, actor: string, armSeq?: number): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const change of result.trips)
      jobs.push(this.enqueue({ kind: "trip", change, clockMs, actor, armSeq }));
    for (const change of result.alarms) jobs.push(this.enqueue({ kind: "alarm", change, clockMs, actor }));
    return Promise.all(jobs).then(() => undefined);
  }

  /** Queues one alarm change (recovery's reconciliation); resolves once it is stored. */
  alarmChanged(change: AlarmChange, clockMs: number, actor: string): Promise<void> {
    return this.enqueue({ kind: "alarm", change, clockMs, actor });
  }

  private async writeTrip(job: Extract<Job, { kind: "trip" }>): Promise<void> {
    const { change, clockMs, actor, armSeq } = job;
    const current = this.recovery.trips.get(change.trip) ?? (await this.store.trips.get(change.trip));
    if (current === undefined) return;
    const at = (state: TripState): number | undefined =>
      change.transitions.find((t) => t.state === state)?.atMs;
    const next: TripRecord = {
      ...stripTransitions(current),
      state: change.state,
      ...(at("armed") === undefined ? {} : { armedAtMs: at("armed")! }),
      ...(at("in_transit") === undefined ? {} : { inTransitAtMs: at("in_transit")! }),
      ...(at("arrived") === undefined ? {} : { arrivedAtMs: at("arrived")! }),
      ...(at("closed") === undefined ? {} : { closedAtMs: at("closed")! }),
      ...(at("cancelled") === undefined ? {} : { cancelledAtMs: at("cancelled")! }),
      ...(armSeq !== undefined ? { armSeq } : current.armSeq === undefined ? {} : { armSeq: current.armSeq }),
      updatedAtMs: clockMs,
    };
    // The change and its transition record in one transaction: both are stored or neither is.
    const audit: AuditEntry[] =
      current.state !== next.state || !sameTransitions(current, next)
        ? [
            {
              atMs: clockMs,
              actor,
              action: "trip.transition",
              subjectType: "trip",
              subjectId: next.id,
              details: { from: current.state, to: next.state, transitions: change.transitions },
            },
          ]
        : [];
    await this.store.trips.updateState(
      {
        id: next.id,
        state: next.state,
        updatedAtMs: next.updatedAtMs,
        ...(next.armedAtMs === undefined ? {} : { armedAtMs: next.armedAtMs }),
        ...(next.inTransitAtMs === undefined ? {} : { inTransitAtMs: next.inTransitAtMs }),
        ...(next.arrivedAtMs === undefined ? {} : { arrivedAtMs: next.arrivedAtMs }),
        ...(next.closedAtMs === undefined ? {} : { closedAtMs: next.closedAtMs }),
        ...(next.cancelledAtMs === undefined ? {} : { cancelledAtMs: next.cancelledAtMs }),
        ...(next.armSeq === undefined ? {} : { armSeq: next.armSeq }),
      },
      audit,
    );
    this.recovery.remember(next);
    this.bus.publish(
      {
        kind: "trip",
        trip: next,
        ...(next.companyId === undefined ? {} : { companyId: next.companyId }),
        offices: tripOffices(next),
      },
      clockMs,
    );
  }

  /**
   * The records and audit entries of a run of alarm changes, keeping the handling (workflow) an
   * officer already recorded; they are published, then stored with their audit records in one transaction.
   */
  private async prepareAlarms(batch: readonly Queued[]): Promise<PreparedAlarms> {
    const records = new Map<string, AlarmRecord>();
    const writes: AlarmRecord[] = [];
    const entries: AuditEntry[] = [];
    const events: { change: AlarmChange["change"]; record: AlarmRecord; clockMs: number; isNew: boolean }[] =
      [];
    for (const { job } of batch) {
      if (job.kind !== "alarm") continue;
      const { change, clockMs, actor } = job;
      const alarm = change.alarm;
      const id = alarmId(alarm);
      const existing = records.get(id) ?? this.unstored.get(id) ?? (await this.store.alarms.get(id));
      let record: AlarmRecord;
      let action: string;
      const evidence =
        change.change === "retracted" || change.evidence === undefined
          ? {}
          : { evidence: await storedEvidence(this.store, change.evidence) };
      switch (change.change) {
        case "raised":
          record =
            existing === undefined
              ? { ...newAlarmRecord(alarm, clockMs), ...evidence }
              : {
                  ...existing,
                  clearedAtMs: alarm.clearedAtMs,
                  retracted: false,
                  updatedAtMs: clockMs,
                  ...evidence,
                };
          action = existing === undefined ? "alarm.raise" : "alarm.reinstate";
          break;
        case "updated":
          record = {
            ...(existing ?? newAlarmRecord(alarm, clockMs)),
            clearedAtMs: alarm.clearedAtMs,
            updatedAtMs: clockMs,
            ...evidence,
          };
          action = alarm.clearedAtMs === null ? "alarm.reopen" : "alarm.clear";
          break;
        case "retracted":
          record = { ...(existing ?? newAlarmRecord(alarm, clockMs)), retracted: true, updatedAtMs: clockMs };
          action = "alarm.retract";
          break;
      }
      records.set(id, record);
      writes.push(record);
      entries.push({
        atMs: clockMs,
        actor,
        action,
        subjectType: "alarm",
        subjectId: id,
        details: describeAlarm(alarm),
      });
      events.push({
        change: change.change,
        record,
        clockMs,
        isNew: existing === undefined && change.change === "raised",
      });
    }
    return { writes, entries, events };
  }

  private publishAlarms(events: PreparedAlarms["events"]): void {
    for (const { change, record, clockMs, isNew } of events) {
      if (isNew) this.stats.alarmsRaised[record.type] = (this.stats.alarmsRaised[record.type] ?? 0) + 1;
      const trip = this.recovery.trips.get(record.trip);
      this.bus.publish(
        {
          kind: "alarm",
          change,
          alarm: record,
          ...(trip?.companyId === undefined ? {} : { companyId: trip.companyId }),
          offices: tripOffices(trip),
        },
        clockMs,
      );
    }
  }
}

interface PreparedAlarms {
  readonly writes: AlarmRecord[];
  readonly entries: AuditEntry[];
  readonly events: { change: AlarmChange["change"]; record: AlarmRecord; clockMs: number; isNew: boolean }[];
}

/** Alarm changes stored together at most (a storm of alarms is written in a few transactions). */
const MAX_ALARM_BATCH = 500;

function describeAlarm(alarm: Alarm): object {
  return {
    key: alarmKey(alarm).replaceAll("\u0000", "|"),
    type: alarm.type,
    trip: alarm.trip,
    device: alarm.device,
    ...(alarm.zone === undefined ? {} : { zone: alarm.zone }),
    startedAtMs: alarm.startedAtMs,
    clearedAtMs: alarm.clearedAtMs,
  };
}

function stripTransitions(trip: TripRecord): TripRecord {
  const {
    armedAtMs: _a,
    inTransitAtMs: _i,
    arrivedAtMs: _r,
    closedAtMs: _c,
    cancelledAtMs: _x,
    ...rest
  } = trip;
  return rest;
}

function sameTransitions(a: TripRecord, b: TripRecord): boolean {
  return (
    a.armedAtMs === b.armedAtMs &&
    a.inTransitAtMs === b.inTransitAtMs &&
    a.arrivedAtMs === b.arrivedAtMs &&
    a.closedAtMs === b.closedAtMs &&
    a.cancelledAtMs === b.cancelledAtMs
  );
}
