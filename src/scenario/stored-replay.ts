/**
 * Replays a scenario through the engine host into a store (`sealwatch replay FILE --db ...`): every
 * accepted reading lands in the durable log, every command and decisive tick is recorded, alarms
 * and transitions are stored and chained into the audit log. The replay output is then read back
 * from the store, so that a store can be inspected and verified after a replay.
 *
 * Inputs go through one at a time (each durable and applied before the next), because whether an
 * input is a duplicate depends on whether the one before it was accepted.
 */
import { compareAlarms, type AlarmIdentity, type TripState } from "../core/domain/model.js";
import type { EngineInput, MessageInput, ReadInput } from "../core/engine/inputs.js";
import { canonicalJson } from "../core/canonical-json.js";
import { MemoryLiveBus } from "../bus/live-events.js";
import { ManualClock } from "../monitor/clock.js";
import { MonitorHost, type DurableLog, type IncomingReading } from "../monitor/host.js";
import { alarmOf } from "../monitor/records.js";
import type { AppendOutcome, ReadingRecord, Store } from "../store/ports.js";
import { parseInput } from "./input.js";
import type { ReplayResult } from "./replay.js";
import type { Scenario } from "./scenario.js";

/** Writes each reading in its own transaction: a replay needs each one durable before the next. */
export function directLog(store: Store): DurableLog {
  return {
    async write(record: ReadingRecord): Promise<AppendOutcome> {
      const [outcome] = await store.readings.append([record]);
      return outcome!;
    },
    async close() {},
  };
}

/** Puts the scenario's zones, devices and trips in the store, unless they are there already. */
export async function registerScenario(scenario: Scenario, store: Store, nowMs: number): Promise<void> {
  for (const zone of scenario.zones) {
    if ((await store.zones.get(zone.id)) !== undefined) continue;
    await store.zones.put({ ...zone, createdAtMs: nowMs, updatedAtMs: nowMs });
    await audit(store, nowMs, "zone.define", "zone", zone.id, { kind: zone.kind });
  }
  for (const device of scenario.devices) {
    if ((await store.devices.get(device.id)) !== undefined) continue;
    await store.devices.put({
      id: device.id,
      class: device.class,
      vendor: "scenario",
      model: "scenario",
      protocol: "scenario",
      identifiers: [device.id],
      ...(device.reportIntervalS === undefined ? {} : { reportIntervalS: device.reportIntervalS }),
      lifecycle: "in_use",
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
    });
    await audit(store, nowMs, "device.register", "device", device.id, { class: device.class });
  }
  for (const trip of scenario.trips) {
    if ((await store.trips.get(trip.id)) !== undefined) continue;
    const { seals, ...spec } = trip;
    await store.trips.insert({
      ...spec,
      ...(seals === undefined ? {} : { declaration: { seals } }),
      state: "declared",
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
    });
    await audit(store, nowMs, "trip.declare", "trip", trip.id, {
      origin: trip.origin,
      destination: trip.destination,
      devices: trip.devices,
    });
  }
}

async function audit(
  store: Store,
  atMs: number,
  action: string,
  subjectType: string,
  subjectId: string,
  details: object,
): Promise<void> {
  await store.audit.append({ atMs, actor: "scenario", action, subjectType, subjectId, details });
}

export interface StoredReplayOptions {
  /** Apply inputs from this index (a resumed replay). */
  readonly from?: number;
  /** Stop before this index (to simulate a stop). */
  readonly until?: number;
  readonly afterInput?: (index: number) => void;
}

export interface StoredReplayRun {
  /** Rejected inputs of this run, by index in the scenario. */
  readonly rejected: { input: number; reason: string }[];
}

/** Applies the scenario's inputs [from, until) through a host opened on `store`, then closes it. */
export async function replayIntoStore(
  scenario: Scenario,
  store: Store,
  options: StoredReplayOptions = {},
): Promise<StoredReplayRun> {
  const clock = new ManualClock(0);
  const host = await MonitorHost.open({
    store,
    log: directLog(store),
    bus: new MemoryLiveBus(1_000),
    clock,
    closedTripGraceMs: Number.MAX_SAFE_INTEGER,
    // Histories trimmed as close as the rules allow: every stored replay also checks that late
    // readings reaching back before the window load it from the store and are judged exactly.
    residentHistoryMarginMs: 0,
  });
  const rejected: { input: number; reason: string }[] = [];
  const until = Math.min(options.until ?? scenario.inputs.length, scenario.inputs.length);
  try {
    for (let index = options.from ?? 0; index < until; index++) {
      const raw = scenario.inputs[index];
      const parsed = parseInput(raw);
      if (!parsed.ok) {
        rejected.push({ input: index, reason: parsed.reason });
      } else {
        const reason = await applyOne(host, parsed.input, raw as object);
        if (reason !== null) rejected.push({ input: index, reason });
      }
      options.afterInput?.(index);
    }
  } finally {
    await host.close();
  }
  return { rejected };
}

/** The reading a scenario's message or read input stands for, as a gateway would hand it over. */
export function incomingOfScenarioInput(
  input: MessageInput | ReadInput,
  raw: object,
): IncomingReading & { readonly receivedAtMs: number } {
  const { at: _at, receivedAt: _received, ...content } = raw as Record<string, unknown>;
  const base = {
    deviceId: input.device,
    atMs: input.atMs,
    protocol: "scenario",
    raw: new TextEncoder().encode(canonicalJson(raw)),
    vendor: { scenario: content },
  };
  if (input.type === "read")
    return {
      ...base,
      kind: "read",
      receivedAtMs: input.atMs,
      office: input.office,
      readStatus: input.status,
    };
  return {
    ...base,
    kind: "message",
    receivedAtMs: input.receivedAtMs,
    ...(input.position === undefined
      ? {}
      : {
          lon: input.position.lon,
          lat: input.position.lat,
          valid: input.position.valid,
          ...(input.position.speedKmh === undefined ? {} : { speedKmh: input.position.speedKmh }),
          ...(input.position.courseDeg === undefined ? {} : { courseDeg: input.position.courseDeg }),
        }),
    ...(input.seal === undefined ? {} : { seal: input.seal }),
    ...(input.tamper === undefined ? {} : { tamper: input.tamper }),
    ...(input.batteryPct === undefined ? {} : { batteryPct: input.batteryPct }),
  };
}

async function applyOne(host: MonitorHost, input: EngineInput, raw: object): Promise<string | null> {
  switch (input.type) {
    case "message":
    case "read": {
      if (!host.engine.hasDevice(input.device)) return `unknown device "${input.device}"`;
      const before = host.stats.readingsRejected;
      const submitted = await host.submitReading(incomingOfScenarioInput(input, raw));
      await host.idle();
      if (submitted.outcome === "duplicate") return null;
      return host.stats.readingsRejected > before ? (host.lastRejection ?? "rejected") : null;
    }
    case "command": {
      const result = await host.command({
        tripId: input.trip,
        command: input.command,
        atMs: input.atMs,
        actor: "scenario",
        ...(input.force === undefined ? {} : { force: input.force }),
        ...(input.reason === undefined ? {} : { reason: input.reason }),
      });
      return result.accepted ? null : (result.refusal ?? "refused");
    }
    case "tick": {
      const result = await host.tick(input.atMs);
      return result.status === "rejected" ? (result.reason ?? "rejected") : null;
    }
  }
}

/** Reads the replay output back from a store: alarms, retracted alarms and trips. */
export async function resultFromStore(
  store: Store,
  scenario: Scenario,
  rejected: ReplayResult["rejected"],
): Promise<ReplayResult> {
  const all = await store.alarms.list({ includeRetracted: true, limit: Number.MAX_SAFE_INTEGER });
  const alarms = all
    .filter((a) => !a.retracted)
    .map(alarmOf)
    .sort(compareAlarms);
  const retracted: AlarmIdentity[] = all
    .filter((a) => a.retracted)
    .map((a) => {
      const { type, trip, device, startedAtMs, zone } = alarmOf(a);
      return zone === undefined
        ? { type, trip, device, startedAtMs }
        : { type, trip, device, startedAtMs, zone };
    })
    .sort(compareAlarms);
  const trips = [];
  for (const spec of [...scenario.trips].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const trip = await store.trips.get(spec.id);
    if (trip === undefined) continue;
    const transitions: { state: TripState; atMs: number }[] = [];
    if (trip.cancelledAtMs !== undefined) transitions.push({ state: "cancelled", atMs: trip.cancelledAtMs });
    else {
      if (trip.armedAtMs !== undefined) transitions.push({ state: "armed", atMs: trip.armedAtMs });
      if (trip.inTransitAtMs !== undefined)
        transitions.push({ state: "in_transit", atMs: trip.inTransitAtMs });
      if (trip.arrivedAtMs !== undefined) transitions.push({ state: "arrived", atMs: trip.arrivedAtMs });
      if (trip.closedAtMs !== undefined) transitions.push({ state: "closed", atMs: trip.closedAtMs });
    }
    trips.push({ id: trip.id, state: trip.state, transitions });
  }
  return { alarms, retracted, trips, rejected: [...rejected].sort((a, b) => a.input - b.input) };
}
