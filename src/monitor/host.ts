/**
 * The engine host: the one place where inputs meet the engine, in a single global order.
 *
 * Readings are written to the durable log first (group commit) and acknowledged to their device
 * only once stored; then they are applied to the engine in the order of their sequence numbers,
 * interleaved with officers' commands and clock ticks. What the engine decides (alarm changes, trip
 * transitions) is stored, chained into the audit log and published on the live bus.
 *
 * State survives restarts without replaying history: at start the host brings back each live trip
 * from what the store holds (see recovery.ts), and later loads older history on demand when late
 * data needs it, so memory follows the live trips.
 */
import type { Mutable } from "../core/mutable.js";
import type { MonitoringEngine } from "../core/engine/engine.js";
import type { ApplyResult, CommandName } from "../core/engine/inputs.js";
import type { LiveBus } from "../bus/live-events.js";
import { SealwatchError } from "../core/errors.js";
import { dedupKey } from "../store/dedup-key.js";
import { storabilityProblems } from "../store/storable.js";
import type {
  AppendOutcome,
  AlarmRecord,
  DeviceRecord,
  ReadingRecord,
  Store,
  TripRecord,
  ZoneRecord,
} from "../store/ports.js";
import type { Clock } from "./clock.js";
import { EffectWriter } from "./effects.js";
import { silentLogger, type HostLogger, type HostStats, type PartitionScope } from "./ports.js";
import { engineInputOf } from "./records.js";
import { Recovery } from "./recovery.js";
import { RegistryWriter, type RegistryChangeNote } from "./registry.js";

/** Where readings become durable: a group-commit writer over the store's readings. */
export interface DurableLog {
  /** Resolves once the record's batch is committed (or rejects if it could not be). */
  write(record: ReadingRecord): Promise<AppendOutcome>;
  close(): Promise<void>;
}

/** A reading arriving from a gateway (or a replayed scenario), before it has a sequence number. */
export type IncomingReading = Omit<ReadingRecord, "seq" | "dedupKey" | "receivedAtMs"> & {
  /** Arrival time; stamped from the host's clock when absent (live devices). */
  readonly receivedAtMs?: number;
};

export interface SubmitResult {
  readonly seq: number;
  /** "duplicate": the same reading was stored before (acknowledge it again, apply nothing). */
  readonly outcome: AppendOutcome;
}

export interface CommandRequest {
  readonly tripId: string;
  readonly command: CommandName;
  readonly force?: boolean;
  readonly reason?: string;
  /** Who gave the command (a user id or an API key id). */
  readonly actor: string;
  /** Command time; the host's clock when absent. */
  readonly atMs?: number;
}

export interface CommandResult {
  readonly seq: number;
  readonly accepted: boolean;
  readonly refusal?: string;
  readonly trip?: TripRecord;
}

export interface MonitorHostOptions {
  readonly store: Store;
  readonly log: DurableLog;
  readonly bus: LiveBus;
  readonly clock: Clock;
  readonly logger?: HostLogger;
  /** How long a closed trip stays in memory for late data before it is evicted (clock time). */
  readonly closedTripGraceMs?: number;
  /**
   * How far behind the clock a device's history stays in memory (a device on a trip keeps its trip
   * window too): readings later than that load their history from the store first.
   */
  readonly residentHistoryMarginMs?: number;
  /**
   * One partition of a cluster (see src/cluster/): the host holds only the trips `ownsTrip` accepts,
   * keeps its checkpoint under `stateKeyPrefix`, and takes its sequence numbers from the partitioned
   * log (every input is submitted with the `seq` the log gave it, in log order).
   */
  readonly partition?: PartitionScope;
}

type Slot =
  | {
      readonly seq: number;
      readonly kind: "reading";
      state: "waiting" | "ready" | "skip";
      readonly record: ReadingRecord;
    }
  | {
      readonly seq: number;
      readonly kind: "command";
      state: "ready";
      readonly request: CommandRequest & { readonly atMs: number };
      readonly resolve: (result: CommandResult) => void;
      readonly reject: (error: unknown) => void;
    }
  | {
      readonly seq: number;
      readonly kind: "tick";
      state: "ready";
      readonly atMs: number;
      readonly resolve: (result: ApplyResult) => void;
      readonly reject: (error: unknown) => void;
    };

/** The members of `T` that may be absent. */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T];

/**
 * The members of a reading that may be absent, in the order a record holds them; the type makes the
 * compiler list here every optional member ReadingRecord has, so none is dropped when copying.
 */
const OPTIONAL_MEMBERS = Object.keys({
  lon: true,
  lat: true,
  speedKmh: true,
  courseDeg: true,
  valid: true,
  altitudeM: true,
  seal: true,
  tamper: true,
  batteryPct: true,
  office: true,
  readStatus: true,
  vendor: true,
} satisfies { readonly [K in OptionalKeys<ReadingRecord>]: true }) as OptionalKeys<ReadingRecord>[];

/**
 * The record of an incoming reading: built member by member rather than spread, so that every record
 * has one of a few object shapes (this runs for every reading); the absent members stay absent.
 */
function readingRecordOf(incoming: IncomingReading, seq: number, receivedAtMs: number): ReadingRecord {
  const record: Mutable<ReadingRecord> = {
    seq,
    deviceId: incoming.deviceId,
    kind: incoming.kind,
    atMs: incoming.atMs,
    receivedAtMs,
    protocol: incoming.protocol,
    raw: incoming.raw,
    dedupKey: "",
  };
  const from = incoming as Partial<Record<OptionalKeys<ReadingRecord>, unknown>>;
  const to = record as Record<string, unknown>;
  for (const member of OPTIONAL_MEMBERS) {
    const value = from[member];
    if (value !== undefined) to[member] = value;
  }
  record.dedupKey = dedupKey(record);
  return record;
}

const DEFAULT_CLOSED_TRIP_GRACE_MS = 24 * 3_600_000;
const DEFAULT_RESIDENT_HISTORY_MARGIN_MS = 2 * 60_000;
/** Histories are trimmed at most once per this much clock time (each trim visits every device). */
const TRIM_EVERY_MS = 60_000;
const CHECKPOINT_EVERY_INPUTS = 1_000;

export class MonitorHost {
  readonly stats: HostStats = {
    readingsApplied: 0,
    readingsDuplicate: 0,
    readingsRejected: 0,
    readingsFailed: 0,
    readingsRefused: 0,
    commands: 0,
    ticks: 0,
    alarmsRaised: {},
    ingestToAlarmMs: [],
  };
  /** Why the engine rejected the last reading it rejected. */
  lastRejection: string | undefined;
  private nextSeq: number;
  /** Inputs in the order they were submitted (which is sequence order), from `head` on. */
  private queue: Slot[] = [];
  private head = 0;
  private lastQueuedSeq: number;
  private draining = false;
  private lastStampMs = -Infinity;
  private appliedSinceCheckpoint = 0;
  private closed = false;
  /** Resolvers waiting for every submitted input to be applied. */
  private idleWaiters: (() => void)[] = [];
  private readonly effects: EffectWriter;
  private readonly registry: RegistryWriter;
  private readonly logger: HostLogger;
  private readonly graceMs: number;
  private readonly historyMarginMs: number;
  private lastTrimMs = -Infinity;

  private constructor(
    readonly engine: MonitoringEngine,
    private readonly options: MonitorHostOptions,
    readonly recovery: Recovery,
    lastSeq: number,
  ) {
    this.nextSeq = lastSeq + 1;
    this.lastQueuedSeq = lastSeq;
    this.logger = options.logger ?? silentLogger;
    this.graceMs = options.closedTripGraceMs ?? DEFAULT_CLOSED_TRIP_GRACE_MS;
    this.historyMarginMs = options.residentHistoryMarginMs ?? DEFAULT_RESIDENT_HISTORY_MARGIN_MS;
    this.effects = new EffectWriter(options.store, options.bus, recovery, this.stats, this.logger);
    recovery.attach(this.effects);
    this.registry = new RegistryWriter(engine, options.store, recovery);
  }

  /** Opens the host on a migrated store and brings back the state of every live trip. */
  static async open(options: MonitorHostOptions): Promise<MonitorHost> {
    // A host that numbers its own inputs must be the database's only one (a partition's numbers
    // come from its log and its trips from its lease).
    if (options.partition === undefined) await options.store.claimWriter();
    const recovery = await Recovery.start(options.store, options.logger ?? silentLogger, options.partition);
    // A partition's sequence numbers come from its log: any number above zero may come first.
    const lastSeq = options.partition === undefined ? recovery.lastSeq : 0;
    const host = new MonitorHost(recovery.engine, options, recovery, lastSeq);
    await recovery.finish();
    return host;
  }

  get store(): Store {
    return this.options.store;
  }

  /** The trip records the host keeps in memory (live trips and recently closed ones). */
  tripRecord(id: string): TripRecord | undefined {
    return this.recovery.trips.get(id);
  }

  private stamp(atMs?: number): number {
    const now = atMs ?? this.options.clock.nowMs();
    this.lastStampMs = Math.max(this.lastStampMs, now);
    return atMs ?? this.lastStampMs;
  }

  private ensureOpen(): void {
    if (this.closed) throw new Error("the monitor is shutting down");
  }

  // Inputs.

  /**
   * Makes a reading durable and queues it for the engine. Resolves once it is stored (the moment to
   * acknowledge the device); rejects if the store could not take it (do not acknowledge).
   */
  async submitReading(incoming: IncomingReading, seqFromLog?: number): Promise<SubmitResult> {
    this.ensureOpen();
    // Checked before the reading takes a sequence number: a refused reading leaves no gap.
    const seq = this.peekSeq(seqFromLog);
    const record = this.recordOf(incoming, seq);
    this.commitSeq(seq);
    const slot: Slot = { seq, kind: "reading", state: "waiting", record };
    this.queue.push(slot);
    let outcome: AppendOutcome;
    try {
      outcome = await this.options.log.write(record);
    } catch (error) {
      slot.state = "skip";
      this.stats.readingsFailed++;
      void this.drain();
      throw error;
    }
    // A duplicate goes to the engine too, which recognises what it already holds: the stored copy
    // may never have reached it (a batch whose commit confirmation was lost, reported as failed).
    slot.state = "ready";
    void this.drain();
    return { seq, outcome };
  }

  /**
   * The record of `incoming` with the next sequence number, or a READING_REFUSED error naming what
   * the store could not keep (the caller refuses the reading instead of retrying it for ever).
   */
  private recordOf(incoming: IncomingReading, seq: number): ReadingRecord {
    const problems = storabilityProblems(incoming);
    if (problems.length === 0) {
      try {
        const receivedAtMs = this.stamp(incoming.receivedAtMs);
        return readingRecordOf(incoming, seq, receivedAtMs);
      } catch (error) {
        problems.push(`the record could not be built: ${String(error)}`);
      }
    }
    this.stats.readingsRefused++;
    throw new SealwatchError(
      "READING_REFUSED",
      `reading of ${String(incoming.deviceId)}: ${problems.join("; ")}`,
    );
  }

  /** Applies an officer's or a system's trip command in order with everything else. */
  command(request: CommandRequest, seqFromLog?: number): Promise<CommandResult> {
    this.ensureOpen();
    return new Promise((resolve, reject) => {
      const seq = this.takeSeq(seqFromLog);
      const atMs = this.stamp(request.atMs);
      this.queue.push({
        seq,
        kind: "command",
        state: "ready",
        request: { ...request, atMs },
        resolve,
        reject,
      });
      void this.drain();
    });
  }

  /** Advances the engine clock (signal loss, overdue) and lets closed trips go after their grace. */
  tick(atMs?: number, seqFromLog?: number): Promise<ApplyResult> {
    this.ensureOpen();
    return new Promise((resolve, reject) => {
      const seq = this.takeSeq(seqFromLog);
      this.queue.push({ seq, kind: "tick", state: "ready", atMs: this.stamp(atMs), resolve, reject });
      void this.drain();
    });
  }

  /** The next sequence number: the host's own, or the log's (which must grow). */
  private takeSeq(seqFromLog: number | undefined): number {
    const seq = this.peekSeq(seqFromLog);
    this.commitSeq(seq);
    return seq;
  }

  /** The sequence number the next input would take (nothing is taken yet). */
  private peekSeq(seqFromLog: number | undefined): number {
    if (seqFromLog === undefined) {
      if (this.options.partition !== undefined)
        throw new Error("a partition host takes its seq from the log");
      return this.nextSeq;
    }
    if (!(seqFromLog > this.lastQueuedSeq))
      throw new Error(`seq ${seqFromLog} is not after the last queued ${this.lastQueuedSeq}`);
    return seqFromLog;
  }

  private commitSeq(seq: number): void {
    this.lastQueuedSeq = seq;
    this.nextSeq = seq + 1;
  }

  /** Resolves when every input submitted so far has been applied and what it decided is stored. */
  async idle(): Promise<void> {
    if (this.queueDepth > 0 || this.draining)
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.effects.idle();
  }

  /**
   * When alarm `id` has been published but its record is not stored yet: resolves once it is.
   * Undefined otherwise (stored already, or unknown).
   */
  whenAlarmStored(id: string): Promise<void> | undefined {
    return this.effects.whenStored(id);
  }

  /** Engine decisions waiting to be stored (a queue depth for the metrics). */
  get effectsQueued(): number {
    return this.effects.queueDepth;
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (;;) {
        const slot = this.queue[this.head];
        if (slot === undefined || slot.state === "waiting") break;
        this.queue[this.head++] = undefined as unknown as Slot;
        if (this.head > 1024 && this.head * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        this.lastDequeuedSeq = slot.seq;
        if (slot.state === "skip") continue;
        // Most readings need nothing from the store: apply them without a turn of the event loop.
        if (slot.kind === "reading" && this.applyReadingNow(slot.record)) continue;
        await this.applySlot(slot);
      }
    } finally {
      this.draining = false;
    }
    const next = this.queue[this.head];
    if (next !== undefined && next.state !== "waiting") {
      void this.drain();
      return;
    }
    if (this.queueDepth === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** The seq of the last input taken off the queue (applied, or being applied). */
  private lastDequeuedSeq = 0;

  private async applySlot(slot: Slot): Promise<void> {
    switch (slot.kind) {
      case "reading":
        await this.applyReading(slot.record);
        break;
      case "command":
        try {
          slot.resolve(await this.applyCommand(slot.seq, slot.request));
        } catch (error) {
          slot.reject(error);
        }
        break;
      case "tick":
        try {
          slot.resolve(await this.applyTick(slot.seq, slot.atMs));
        } catch (error) {
          slot.reject(error);
        }
        break;
    }
    this.noteApplied(slot.seq);
  }

  /**
   * Applies a reading synchronously when it needs no history from the store and changes nothing
   * that must be stored; returns false (having done nothing) otherwise.
   */
  private applyReadingNow(record: ReadingRecord): boolean {
    if (this.recovery.needsHistory(record.deviceId, record.atMs)) return false;
    const result = this.engine.apply(engineInputOf(record));
    if (result.status === "duplicate") {
      this.stats.readingsDuplicate++;
    } else if (result.status === "accepted") {
      this.stats.readingsApplied++;
      const clockMs = this.engine.clockMs ?? record.receivedAtMs;
      this.effects.publishReading(record, this.engine.activeTripOf(record.deviceId), clockMs);
      if (result.alarms.length > 0 || result.trips.length > 0) {
        // Changes to store: finish on the asynchronous path, in order.
        this.pendingResult = { record, result };
        return false;
      }
    } else {
      this.pendingResult = { record, result };
      return false;
    }
    this.noteApplied(record.seq);
    return true;
  }

  /** A reading applied by `applyReadingNow` whose outcome still has to be stored. */
  private pendingResult: { record: ReadingRecord; result: ApplyResult } | undefined;

  private async applyReading(record: ReadingRecord): Promise<void> {
    const pending = this.pendingResult;
    if (pending !== undefined && pending.record === record) {
      this.pendingResult = undefined;
      await this.finishReading(record, pending.result, true);
      return;
    }
    const prepared = await this.untilStoreAnswers(record, () =>
      this.recovery.prepareForEvent(record.deviceId, record.atMs, record.seq),
    );
    if (!prepared) return;
    const result = this.engine.apply(engineInputOf(record));
    await this.finishReading(record, result, false);
  }

  /**
   * Runs a store call a stored reading's application needs, again and again (a growing pause) until
   * it succeeds: the reading is durable and acknowledged, so it must reach the engine, and the inputs
   * behind it wait. False when the host closed meanwhile: the checkpoint then stays before the
   * reading, and the next start takes it up from the store.
   */
  private async untilStoreAnswers(record: ReadingRecord, call: () => Promise<void>): Promise<boolean> {
    for (let pauseMs = 50; ; pauseMs = Math.min(pauseMs * 2, 5_000)) {
      try {
        await call();
        return true;
      } catch (error) {
        const context = { seq: record.seq, deviceId: record.deviceId, err: String(error) };
        if (this.closed) {
          this.unappliedSeq = Math.min(this.unappliedSeq, record.seq);
          this.logger.error(
            context,
            "applying a stored reading failed at shutdown; the next start applies it",
          );
          return false;
        }
        this.logger.error({ ...context, retryInMs: pauseMs }, "applying a stored reading failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }
  }

  /** The first stored reading left unapplied at shutdown (Infinity: none). */
  private unappliedSeq = Infinity;

  /** Stores what applying a reading decided (`published`: the reading event already went out). */
  private async finishReading(record: ReadingRecord, result: ApplyResult, published: boolean): Promise<void> {
    if (result.status === "rejected") {
      this.stats.readingsRejected++;
      this.lastRejection = result.reason;
      await this.untilStoreAnswers(record, () =>
        this.options.store.readings.markRejected([record.seq], result.reason ?? "rejected"),
      );
      return;
    }
    if (result.status === "duplicate") {
      this.stats.readingsDuplicate++;
      return;
    }
    const clockMs = this.engine.clockMs ?? record.receivedAtMs;
    if (!published) {
      this.stats.readingsApplied++;
      this.effects.publishReading(record, this.engine.activeTripOf(record.deviceId), clockMs);
    }
    if (result.alarms.length > 0 || result.trips.length > 0) {
      // Written in the background: the next readings need not wait for these writes.
      const raised = result.alarms.some((c) => c.change === "raised");
      void this.effects.persist(result, clockMs, "engine").then(() => {
        if (!raised) return;
        this.stats.ingestToAlarmMs.push(this.options.clock.nowMs() - record.receivedAtMs);
        if (this.stats.ingestToAlarmMs.length > 10_000) this.stats.ingestToAlarmMs.splice(0, 5_000);
      });
    }
  }

  private async applyCommand(
    seq: number,
    request: CommandRequest & { atMs: number },
  ): Promise<CommandResult> {
    this.stats.commands++;
    await this.recovery.prepareForCommand(request.tripId, seq);
    const result = this.engine.apply({
      type: "command",
      command: request.command,
      trip: request.tripId,
      atMs: request.atMs,
      ...(request.force === undefined ? {} : { force: request.force }),
      ...(request.reason === undefined ? {} : { reason: request.reason }),
    });
    const accepted = result.status === "accepted";
    const refusal = accepted ? undefined : (result.reason ?? "refused");
    await this.options.store.commands.append({
      seq,
      tripId: request.tripId,
      command: request.command,
      atMs: request.atMs,
      ...(request.force === undefined ? {} : { force: request.force }),
      ...(request.reason === undefined ? {} : { reason: request.reason }),
      actor: request.actor,
      outcome: accepted ? "accepted" : "refused",
      ...(refusal === undefined ? {} : { refusal }),
    });
    await this.options.store.audit.append({
      atMs: request.atMs,
      actor: request.actor,
      action: accepted ? `trip.${request.command}` : `trip.${request.command}.refused`,
      subjectType: "trip",
      subjectId: request.tripId,
      details: {
        ...(request.force === undefined ? {} : { force: request.force }),
        ...(request.reason === undefined ? {} : { reason: request.reason }),
        ...(refusal === undefined ? {} : { refusal }),
      },
    });
    if (accepted)
      await this.effects.persist(
        result,
        request.atMs,
        request.actor,
        request.command === "arm" ? seq : undefined,
      );
    return {
      seq,
      accepted,
      ...(refusal === undefined ? {} : { refusal }),
      ...(this.recovery.trips.has(request.tripId) ? { trip: this.recovery.trips.get(request.tripId)! } : {}),
    };
  }

  private async applyTick(seq: number, atMs: number): Promise<ApplyResult> {
    this.stats.ticks++;
    const result = this.engine.apply({ type: "tick", atMs });
    if (result.alarms.length > 0 || result.trips.length > 0) {
      await this.options.store.commands.appendTick({ seq, atMs });
      await this.effects.persist(result, atMs, "engine");
    }
    this.recovery.evictClosedBefore(atMs - this.graceMs);
    this.trimHistories(atMs);
    return result;
  }

  /**
   * Keeps in memory only the history the rules can still need, so that memory follows the devices
   * and live trips rather than the readings ever received; older history stays in the store, and the
   * rare reading that reaches back before it loads it again (`Recovery.prepareForEvent`).
   */
  private trimHistories(atMs: number): void {
    if (atMs < this.lastTrimMs + TRIM_EVERY_MS) return;
    this.lastTrimMs = atMs;
    this.engine.trimHistories(atMs - this.historyMarginMs);
  }

  /** Counts an applied input; every CHECKPOINT_EVERY_INPUTS of them, records where the engine stands. */
  private noteApplied(seq: number): void {
    if (++this.appliedSinceCheckpoint >= CHECKPOINT_EVERY_INPUTS) void this.checkpoint(seq);
  }

  /**
   * Records, in the background and in order, the last applied input and the engine clock: a hint for
   * the next start (recovery looks at inputs stored after it), so the inputs behind need not wait for
   * it. A failed write is only logged: the next checkpoint writes newer values.
   */
  private checkpoint(appliedSeq: number): Promise<void> {
    const seq = Math.min(appliedSeq, this.unappliedSeq - 1);
    this.appliedSinceCheckpoint = 0;
    const clockMs = this.engine.clockMs;
    const engineState = this.options.store.engineState;
    const prefix = this.options.partition?.stateKeyPrefix ?? "";
    this.checkpointWrite = this.checkpointWrite
      .then(async () => {
        await engineState.set(`${prefix}lastAppliedSeq`, String(seq));
        if (clockMs !== null) await engineState.set(`${prefix}clockMs`, String(clockMs));
      })
      .catch((error: unknown) =>
        this.logger.warn({ seq, err: String(error) }, "recording the engine checkpoint failed"),
      );
    return this.checkpointWrite;
  }

  /** The checkpoint being written (resolved when none is). */
  private checkpointWrite: Promise<void> = Promise.resolve();

  /** Stops taking inputs, applies what is queued, records where the engine stands. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.idle();
    await this.options.log.close();
    await this.idle();
    this.effects.close();
    await this.checkpoint(this.lastDequeuedSeq);
  }

  // Registry changes go through the host so that the engine, the store and the audit chain agree.

  /** Adds or replaces a zone in the store and the engine, and records who did it. */
  defineZone(zone: ZoneRecord, actor: string, note?: RegistryChangeNote): Promise<"created" | "updated"> {
    return this.registry.defineZone(zone, actor, note);
  }

  /** Registers or updates a device (its class cannot change), and records who did it. */
  registerDevice(
    device: DeviceRecord,
    actor: string,
    note?: RegistryChangeNote,
  ): Promise<"created" | "updated"> {
    return this.registry.putDevice(device, actor, note);
  }

  /** Declares a new trip: checked by the engine, then stored and recorded. */
  declareTrip(trip: TripRecord, actor: string): Promise<TripRecord> {
    return this.registry.declareTrip(trip, actor);
  }

  /** Inputs submitted and not yet applied (readings waiting for their batch, commands, ticks). */
  get queueDepth(): number {
    return this.queue.length - this.head;
  }

  /** Alarms of a trip as stored (with their handling), for the API. */
  async tripAlarms(tripId: string): Promise<AlarmRecord[]> {
    return this.options.store.alarms.forTrip(tripId);
  }
}
