/**
 * What the engine decides becomes durable and visible: alarm changes and trip transitions are stored,
 * chained into the audit log and published on the live bus.
 */
import { alarmKey, type Alarm, type TripState } from "../core/domain/model.js";
import type { AlarmChange } from "../core/engine/alarm-book.js";
import type { ApplyResult, TripChange } from "../core/engine/inputs.js";
import type { LiveBus } from "../bus/live-events.js";
import type { AlarmRecord, ReadingRecord, Store, TripRecord } from "../store/ports.js";
import type { HostStats } from "./host.js";
import { alarmId, newAlarmRecord } from "./records.js";
import type { Recovery } from "./recovery.js";

/** Offices whose officers may see a trip: its origin, destination and checkpoints. */
export function tripOffices(trip: TripRecord | undefined): string[] {
  if (trip === undefined) return [];
  return [trip.origin, trip.destination, ...(trip.checkpoints ?? [])];
}

export class EffectWriter {
  constructor(
    private readonly store: Store,
    private readonly bus: LiveBus,
    private readonly recovery: Recovery,
    private readonly stats: HostStats,
  ) {}

  /** Publishes an applied reading for the live map (nothing stored: the reading already is). */
  publishReading(record: ReadingRecord, tripId: string | undefined, clockMs: number): void {
    const trip = tripId === undefined ? undefined : this.recovery.trips.get(tripId);
    this.bus.publish(
      {
        kind: "reading",
        reading: {
          deviceId: record.deviceId,
          ...(tripId === undefined ? {} : { tripId }),
          atMs: record.atMs,
          receivedAtMs: record.receivedAtMs,
          ...(record.lon !== undefined && record.lat !== undefined
            ? {
                position: {
                  lon: record.lon,
                  lat: record.lat,
                  ...(record.speedKmh === undefined ? {} : { speedKmh: record.speedKmh }),
                  ...(record.courseDeg === undefined ? {} : { courseDeg: record.courseDeg }),
                  valid: record.valid ?? true,
                },
              }
            : {}),
          ...(record.seal === undefined ? {} : { seal: record.seal }),
          ...(record.tamper === undefined ? {} : { tamper: record.tamper }),
          ...(record.batteryPct === undefined ? {} : { batteryPct: record.batteryPct }),
        },
        ...(trip?.companyId === undefined ? {} : { companyId: trip.companyId }),
        offices: tripOffices(trip),
      },
      clockMs,
    );
  }

  /** Stores, audits and publishes the changes an input made. `armSeq` marks an accepted arm. */
  async persist(result: ApplyResult, clockMs: number, actor: string, armSeq?: number): Promise<void> {
    for (const change of result.trips) await this.tripChanged(change, clockMs, actor, armSeq);
    for (const change of result.alarms) await this.alarmChanged(change, clockMs, actor);
  }

  private async tripChanged(
    change: TripChange,
    clockMs: number,
    actor: string,
    armSeq: number | undefined,
  ): Promise<void> {
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
    await this.store.trips.updateState({
      id: next.id,
      state: next.state,
      updatedAtMs: next.updatedAtMs,
      ...(next.armedAtMs === undefined ? {} : { armedAtMs: next.armedAtMs }),
      ...(next.inTransitAtMs === undefined ? {} : { inTransitAtMs: next.inTransitAtMs }),
      ...(next.arrivedAtMs === undefined ? {} : { arrivedAtMs: next.arrivedAtMs }),
      ...(next.closedAtMs === undefined ? {} : { closedAtMs: next.closedAtMs }),
      ...(next.cancelledAtMs === undefined ? {} : { cancelledAtMs: next.cancelledAtMs }),
      ...(next.armSeq === undefined ? {} : { armSeq: next.armSeq }),
    });
    this.recovery.remember(next);
    if (current.state !== next.state || !sameTransitions(current, next)) {
      await this.store.audit.append({
        atMs: clockMs,
        actor,
        action: "trip.transition",
        subjectType: "trip",
        subjectId: next.id,
        details: { from: current.state, to: next.state, transitions: change.transitions },
      });
    }
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

  /** Stores one alarm change, keeping the handling (workflow) an officer already recorded. */
  async alarmChanged(change: AlarmChange, clockMs: number, actor: string): Promise<void> {
    const alarm = change.alarm;
    const id = alarmId(alarm);
    const existing = await this.store.alarms.get(id);
    let record: AlarmRecord;
    let action: string;
    switch (change.change) {
      case "raised":
        record =
          existing === undefined
            ? newAlarmRecord(alarm, clockMs)
            : { ...existing, clearedAtMs: alarm.clearedAtMs, retracted: false, updatedAtMs: clockMs };
        action = existing === undefined ? "alarm.raise" : "alarm.reinstate";
        if (existing === undefined)
          this.stats.alarmsRaised[alarm.type] = (this.stats.alarmsRaised[alarm.type] ?? 0) + 1;
        break;
      case "updated":
        record = {
          ...(existing ?? newAlarmRecord(alarm, clockMs)),
          clearedAtMs: alarm.clearedAtMs,
          updatedAtMs: clockMs,
        };
        action = alarm.clearedAtMs === null ? "alarm.reopen" : "alarm.clear";
        break;
      case "retracted":
        record = { ...(existing ?? newAlarmRecord(alarm, clockMs)), retracted: true, updatedAtMs: clockMs };
        action = "alarm.retract";
        break;
    }
    await this.store.alarms.upsert(record);
    await this.store.audit.append({
      atMs: clockMs,
      actor,
      action,
      subjectType: "alarm",
      subjectId: id,
      details: describeAlarm(alarm),
    });
    const trip = this.recovery.trips.get(alarm.trip);
    this.bus.publish(
      {
        kind: "alarm",
        change: change.change,
        alarm: record,
        ...(trip?.companyId === undefined ? {} : { companyId: trip.companyId }),
        offices: tripOffices(trip),
      },
      clockMs,
    );
  }
}

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
