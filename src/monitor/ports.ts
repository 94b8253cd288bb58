/**
 * What the parts of the monitor (host, effects, recovery, registry) need from each other, as narrow
 * interfaces: the host builds the parts and hands each the others through these, so the modules
 * import this one and never each other (the flow has one direction: host → parts).
 */
import type { Alarm } from "../core/domain/model.js";
import type { AlarmChange } from "../core/engine/alarm-book.js";
import type { TripRecord } from "../store/ports.js";

export interface HostLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export const silentLogger: HostLogger = { info() {}, warn() {}, error() {} };

/** Counters the metrics endpoint reads. */
export interface HostStats {
  readingsApplied: number;
  readingsDuplicate: number;
  readingsRejected: number;
  readingsFailed: number;
  /** Readings refused before the log: a value the store cannot keep (READING_REFUSED). */
  readingsRefused: number;
  commands: number;
  ticks: number;
  alarmsRaised: Partial<Record<Alarm["type"], number>>;
  /** Milliseconds from a reading's arrival to the end of its application, for readings that raised an alarm. */
  ingestToAlarmMs: number[];
}

/** The trip records the engine holds (recovery keeps them; effects and the registry update them). */
export interface TripMemory {
  readonly trips: ReadonlyMap<string, TripRecord>;
  /** Keeps (or replaces) a trip record the engine holds. */
  remember(trip: TripRecord): void;
}

/** Where recovery reports the alarm changes it finds at start (the effect writer). */
export interface AlarmChangeSink {
  alarmChanged(change: AlarmChange, clockMs: number, actor: string): Promise<void>;
}

/** What a host restricted to one partition of the log holds and where it keeps its checkpoint. */
export interface PartitionScope {
  readonly ownsTrip: (trip: TripRecord) => boolean;
  readonly stateKeyPrefix: string;
}
