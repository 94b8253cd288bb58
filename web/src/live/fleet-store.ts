/**
 * The live picture of the monitored fleet, kept outside React: conveyances (a trip's device and its
 * latest position) and the open alarms. Stream events change it in place; the map pulls what
 * changed once per animation frame, and React views subscribe to coarse, throttled notifications,
 * so that thousands of readings a second never re-render a component each.
 */
import type { Alarm, FleetItem, LiveReading, Severity, Trip, TripState } from "../api/types.js";
import { LIVE_STATES } from "../api/types.js";
import { SEVERITY_RANK } from "../format.js";
import type { LiveEvent } from "./stream.js";

export interface Conveyance {
  readonly deviceId: string;
  tripId: string;
  state: TripState;
  reference?: string;
  origin: string;
  destination: string;
  companyId?: string;
  registration?: string;
  lon?: number;
  lat?: number;
  speedKmh?: number;
  courseDeg?: number;
  atMs?: number;
  /** Worst severity among the trip's alarms not yet resolved. */
  worst: Severity | undefined;
}

export interface MapChanges {
  readonly upsert: readonly Conveyance[];
  readonly remove: readonly string[];
}

type Listener = () => void;

export class FleetStore {
  readonly conveyances = new Map<string, Conveyance>();
  /** Alarms not resolved and not retracted, by id. */
  readonly openAlarms = new Map<string, Alarm>();
  private readonly devicesOfTrip = new Map<string, Set<string>>();
  private readonly dirty = new Set<string>();
  private readonly removed = new Set<string>();
  private readonly mapListeners = new Set<Listener>();
  private readonly alarmListeners = new Set<Listener>();
  private readonly summaryListeners = new Set<Listener>();
  private readonly raisedListeners = new Set<(alarm: Alarm) => void>();
  private readonly tripListeners = new Set<(trip: Trip) => void>();
  private readonly readingListeners = new Set<(reading: LiveReading) => void>();
  private alarmNotify = false;
  private summaryTimer: number | undefined;
  /** Readings applied since the store was created (shown as a rate). */
  readingsApplied = 0;
  /** Trips the store saw a reading for but knows nothing about. */
  readonly unknownTrips = new Set<string>();

  constructor(private readonly fetchTrip?: (tripId: string) => void) {}

  /** Replaces everything with a snapshot. */
  load(items: readonly FleetItem[], alarms: readonly Alarm[]): void {
    for (const id of this.conveyances.keys()) this.removed.add(id);
    this.conveyances.clear();
    this.devicesOfTrip.clear();
    this.openAlarms.clear();
    this.dirty.clear();
    for (const alarm of alarms)
      if (alarm.workflow !== "resolved" && !alarm.retracted) this.openAlarms.set(alarm.id, alarm);
    for (const item of items) {
      this.removed.delete(item.deviceId);
      this.put({
        deviceId: item.deviceId,
        tripId: item.tripId,
        state: item.state,
        ...(item.reference === undefined ? {} : { reference: item.reference }),
        origin: item.origin,
        destination: item.destination,
        ...(item.companyId === undefined ? {} : { companyId: item.companyId }),
        ...(item.registration === undefined ? {} : { registration: item.registration }),
        ...(item.position === undefined
          ? {}
          : {
              lon: item.position.lon,
              lat: item.position.lat,
              ...(item.position.speedKmh === undefined ? {} : { speedKmh: item.position.speedKmh }),
              ...(item.position.courseDeg === undefined ? {} : { courseDeg: item.position.courseDeg }),
              atMs: Date.parse(item.position.at),
            }),
        worst: undefined,
      });
    }
    for (const tripId of this.devicesOfTrip.keys()) this.refreshWorst(tripId);
    this.notifyMap();
    this.notifyAlarms();
    this.notifySummary();
  }

  private put(c: Conveyance): void {
    this.conveyances.set(c.deviceId, c);
    let devices = this.devicesOfTrip.get(c.tripId);
    if (devices === undefined) this.devicesOfTrip.set(c.tripId, (devices = new Set()));
    devices.add(c.deviceId);
    this.dirty.add(c.deviceId);
    this.removed.delete(c.deviceId);
  }

  private drop(deviceId: string): void {
    const c = this.conveyances.get(deviceId);
    if (c === undefined) return;
    this.conveyances.delete(deviceId);
    this.devicesOfTrip.get(c.tripId)?.delete(deviceId);
    this.dirty.delete(deviceId);
    this.removed.add(deviceId);
  }

  apply(event: LiveEvent): void {
    switch (event.kind) {
      case "reading":
        this.applyReading(event.reading);
        return;
      case "alarm":
        this.applyAlarm(event.alarm, event.change);
        return;
      case "trip":
        this.applyTrip(event.trip);
        return;
    }
  }

  private applyReading(reading: LiveReading): void {
    this.readingsApplied++;
    for (const listener of this.readingListeners) listener(reading);
    const c = this.conveyances.get(reading.deviceId);
    if (c === undefined) {
      if (reading.tripId !== undefined && !this.unknownTrips.has(reading.tripId)) {
        this.unknownTrips.add(reading.tripId);
        this.fetchTrip?.(reading.tripId);
      }
      return;
    }
    const p = reading.position;
    if (p === undefined || !p.valid) return;
    const atMs = Date.parse(reading.at);
    // A store-and-forward backlog arrives after newer fixes: it does not move the marker back.
    if (c.atMs !== undefined && atMs < c.atMs) return;
    c.lon = p.lon;
    c.lat = p.lat;
    if (p.speedKmh !== undefined) c.speedKmh = p.speedKmh;
    if (p.courseDeg !== undefined) c.courseDeg = p.courseDeg;
    c.atMs = atMs;
    this.dirty.add(c.deviceId);
    this.notifyMap();
  }

  private applyAlarm(alarm: Alarm, change: string): void {
    const before = this.openAlarms.get(alarm.id);
    if (alarm.workflow === "resolved" || alarm.retracted) this.openAlarms.delete(alarm.id);
    else this.openAlarms.set(alarm.id, alarm);
    if (change === "raised" && before === undefined && !alarm.retracted)
      for (const listener of this.raisedListeners) listener(alarm);
    this.refreshWorst(alarm.tripId);
    this.notifyAlarms();
  }

  /** A trip changed state (or was fetched): its devices join or leave the monitored fleet. */
  applyTrip(trip: Trip): void {
    this.unknownTrips.delete(trip.id);
    for (const listener of this.tripListeners) listener(trip);
    if (LIVE_STATES.includes(trip.state)) {
      for (const deviceId of trip.devices) {
        const existing = this.conveyances.get(deviceId);
        const base = existing?.tripId === trip.id ? existing : undefined;
        this.put({
          ...(base ?? {}),
          deviceId,
          tripId: trip.id,
          state: trip.state,
          ...(trip.reference === undefined ? {} : { reference: trip.reference }),
          origin: trip.origin,
          destination: trip.destination,
          ...(trip.companyId === undefined ? {} : { companyId: trip.companyId }),
          ...(trip.conveyance?.registration === undefined
            ? {}
            : { registration: trip.conveyance.registration }),
          worst: base?.worst,
        });
      }
      this.refreshWorst(trip.id);
    } else {
      for (const deviceId of [...(this.devicesOfTrip.get(trip.id) ?? [])]) this.drop(deviceId);
      this.devicesOfTrip.delete(trip.id);
    }
    this.notifyMap();
    this.notifySummary();
  }

  private refreshWorst(tripId: string): void {
    let worst: Severity | undefined;
    for (const alarm of this.openAlarms.values())
      if (
        alarm.tripId === tripId &&
        (worst === undefined || SEVERITY_RANK[alarm.severity] > SEVERITY_RANK[worst])
      )
        worst = alarm.severity;
    for (const deviceId of this.devicesOfTrip.get(tripId) ?? []) {
      const c = this.conveyances.get(deviceId);
      if (c !== undefined && c.worst !== worst) {
        c.worst = worst;
        this.dirty.add(deviceId);
      }
    }
    this.notifyMap();
  }

  /** What changed since the last call (the map layer's per-frame pull). */
  takeMapChanges(): MapChanges {
    const upsert: Conveyance[] = [];
    for (const id of this.dirty) {
      const c = this.conveyances.get(id);
      if (c !== undefined && c.lon !== undefined && c.lat !== undefined) upsert.push(c);
    }
    const remove = [...this.removed];
    this.dirty.clear();
    this.removed.clear();
    return { upsert, remove };
  }

  /** Every conveyance with a position (a layer attached late starts from this). */
  positioned(): Conveyance[] {
    return [...this.conveyances.values()].filter((c) => c.lon !== undefined && c.lat !== undefined);
  }

  alarmsOf(tripId: string): Alarm[] {
    return [...this.openAlarms.values()].filter((a) => a.tripId === tripId);
  }

  onMapChange(listener: Listener): () => void {
    this.mapListeners.add(listener);
    return () => this.mapListeners.delete(listener);
  }

  onAlarmsChange(listener: Listener): () => void {
    this.alarmListeners.add(listener);
    return () => this.alarmListeners.delete(listener);
  }

  /** Counts and other slow-moving figures: at most twice a second. */
  onSummaryChange(listener: Listener): () => void {
    this.summaryListeners.add(listener);
    return () => this.summaryListeners.delete(listener);
  }

  onAlarmRaised(listener: (alarm: Alarm) => void): () => void {
    this.raisedListeners.add(listener);
    return () => this.raisedListeners.delete(listener);
  }

  onTrip(listener: (trip: Trip) => void): () => void {
    this.tripListeners.add(listener);
    return () => this.tripListeners.delete(listener);
  }

  onReading(listener: (reading: LiveReading) => void): () => void {
    this.readingListeners.add(listener);
    return () => this.readingListeners.delete(listener);
  }

  private notifyMap(): void {
    for (const listener of this.mapListeners) listener();
  }

  private notifyAlarms(): void {
    if (this.alarmNotify) return;
    this.alarmNotify = true;
    queueMicrotask(() => {
      this.alarmNotify = false;
      for (const listener of this.alarmListeners) listener();
      this.notifySummary();
    });
  }

  private notifySummary(): void {
    if (this.summaryTimer !== undefined) return;
    this.summaryTimer = window.setTimeout(() => {
      this.summaryTimer = undefined;
      for (const listener of this.summaryListeners) listener();
    }, 500);
  }
}
