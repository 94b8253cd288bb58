/**
 * Replays a scenario through the engine and builds the contract's replay output: final alarms,
 * retracted alarms (in some input's result but not in the final one), trips and rejected inputs.
 */
import {
  alarmKey,
  compareAlarms,
  type Alarm,
  type AlarmIdentity,
  type Transition,
  type TripState,
} from "../core/domain/model.js";
import { MonitoringEngine } from "../core/engine/engine.js";
import type { ApplyResult, EngineInput } from "../core/engine/inputs.js";
import { formatTimeMs } from "../core/time/rfc3339.js";
import { parseInput } from "./input.js";
import type { Scenario } from "./scenario.js";

export interface ReplayResult {
  readonly alarms: Alarm[];
  readonly retracted: AlarmIdentity[];
  readonly trips: {
    readonly id: string;
    readonly state: TripState;
    readonly transitions: readonly Transition[];
  }[];
  readonly rejected: { readonly input: number; readonly reason: string }[];
}

export interface ReplayObserver {
  /** Called after every input with its index and what the engine made of it (undefined when malformed). */
  afterInput?(index: number, input: EngineInput | undefined, result: ApplyResult | undefined): void;
}

export function buildEngine(scenario: Scenario): MonitoringEngine {
  const engine = new MonitoringEngine();
  for (const zone of scenario.zones) engine.addZone(zone);
  for (const device of scenario.devices) engine.addDevice(device);
  for (const trip of scenario.trips) engine.declareTrip(trip);
  return engine;
}

export function replay(scenario: Scenario, observer: ReplayObserver = {}): ReplayResult {
  const engine = buildEngine(scenario);
  const rejected: { input: number; reason: string }[] = [];
  /** Identities that were in the result after some input. */
  const seen = new Map<string, AlarmIdentity>();
  scenario.inputs.forEach((raw, index) => {
    const parsed = parseInput(raw);
    if (!parsed.ok) {
      rejected.push({ input: index, reason: parsed.reason });
      observer.afterInput?.(index, undefined, undefined);
      return;
    }
    const result = engine.apply(parsed.input);
    if (result.status === "rejected") rejected.push({ input: index, reason: result.reason ?? "rejected" });
    for (const change of result.alarms) {
      if (change.change === "raised") seen.set(alarmKey(change.alarm), change.alarm);
    }
    observer.afterInput?.(index, parsed.input, result);
  });
  const alarms = engine.alarms();
  const present = new Set(alarms.map(alarmKey));
  const retracted = [...seen.entries()]
    .filter(([key]) => !present.has(key))
    .map(([, alarm]) => identityOf(alarm))
    .sort(compareAlarms);
  const trips = engine
    .tripIds()
    .sort()
    .map((id) => {
      const status = engine.tripStatus(id)!;
      return { id, state: status.state, transitions: status.transitions };
    });
  return { alarms, retracted, trips, rejected };
}

function identityOf(alarm: AlarmIdentity): AlarmIdentity {
  const { type, trip, device, startedAtMs, zone } = alarm;
  return zone === undefined ? { type, trip, device, startedAtMs } : { type, trip, device, startedAtMs, zone };
}

/** The replay output as the contract prints it. */
export function toOutputJson(result: ReplayResult): object {
  return {
    alarms: result.alarms.map((alarm) => ({
      type: alarm.type,
      severity: alarm.severity,
      trip: alarm.trip,
      device: alarm.device,
      ...(alarm.zone === undefined ? {} : { zone: alarm.zone }),
      startedAt: formatTimeMs(alarm.startedAtMs),
      clearedAt: alarm.clearedAtMs === null ? null : formatTimeMs(alarm.clearedAtMs),
    })),
    retracted: result.retracted.map((alarm) => ({
      type: alarm.type,
      trip: alarm.trip,
      device: alarm.device,
      ...(alarm.zone === undefined ? {} : { zone: alarm.zone }),
      startedAt: formatTimeMs(alarm.startedAtMs),
    })),
    trips: result.trips.map((trip) => ({
      id: trip.id,
      state: trip.state,
      transitions: trip.transitions.map((t) => ({ state: t.state, at: formatTimeMs(t.atMs) })),
    })),
    rejected: result.rejected.map((r) => ({ input: r.input, reason: r.reason })),
  };
}
