/**
 * Restoring an engine from recorded facts (what a store keeps) gives the same alarms as an engine
 * that never stopped: every public scenario, stopped at many input positions.
 */
import assert from "node:assert/strict";
import { basename } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { alarmKey, type Alarm } from "../../../src/core/domain/model.js";
import type { MonitoringEngine } from "../../../src/core/engine/engine.js";
import type { EngineInput, MessageInput, ReadInput } from "../../../src/core/engine/inputs.js";
import { parseInput } from "../../../src/scenario/input.js";
import { buildEngine } from "../../../src/scenario/replay.js";
import { parseScenario, type Scenario } from "../../../src/scenario/scenario.js";
import { deviceClassScenarioFiles, readJson, scenarioFiles } from "../../support/fixtures.js";

/** What a store would hold after the first `stop` inputs: accepted events and commands, and the alarms. */
interface Recorded {
  events: Map<string, (MessageInput | ReadInput)[]>;
  /** Index (in accepted order) of each trip's accepted arm, and arrivals after it per device. */
  armIndex: Map<string, number>;
  accepted: EngineInput[];
  alarms: Map<string, Alarm>;
  clockMs: number | null;
  engine: MonitoringEngine;
}

function runUntil(scenario: Scenario, inputs: EngineInput[], stop: number): Recorded {
  const engine = buildEngine(scenario);
  const events = new Map<string, (MessageInput | ReadInput)[]>();
  const armIndex = new Map<string, number>();
  const accepted: EngineInput[] = [];
  const alarms = new Map<string, Alarm>();
  for (const input of inputs.slice(0, stop)) {
    const result = engine.apply(input);
    if (result.status !== "accepted") continue;
    accepted.push(input);
    if (input.type === "message" || input.type === "read") {
      const list = events.get(input.device) ?? [];
      list.push(input);
      events.set(input.device, list);
    }
    if (input.type === "command" && input.command === "arm") armIndex.set(input.trip, accepted.length - 1);
    for (const change of result.alarms) {
      if (change.change === "retracted") alarms.delete(alarmKey(change.alarm));
      else alarms.set(alarmKey(change.alarm), change.alarm);
    }
  }
  return { events, armIndex, accepted, alarms, clockMs: engine.clockMs, engine };
}

/** A fresh engine brought back from the recorded facts only. */
function restore(scenario: Scenario, recorded: Recorded): MonitoringEngine {
  const engine = buildEngineWithoutTrips(scenario);
  if (recorded.clockMs !== null) engine.restoreClock(recorded.clockMs);
  for (const [device, list] of recorded.events) engine.restoreEvents(device, list);
  for (const spec of scenario.trips) {
    const status = recorded.engine.tripStatus(spec.id)!;
    const at = (state: string): number | undefined => status.transitions.find((t) => t.state === state)?.atMs;
    const armIdx = recorded.armIndex.get(spec.id);
    const signalLoss = spec.devices.map((deviceId) => {
      let last = at("armed") ?? 0;
      if (armIdx !== undefined) {
        for (const input of recorded.accepted.slice(armIdx + 1)) {
          if (input.type === "message" && input.device === deviceId)
            last = Math.max(last, input.receivedAtMs);
        }
      }
      const alarms = [...recorded.alarms.values()].filter(
        (a) => a.type === "signal_loss" && a.trip === spec.id && a.device === deviceId,
      );
      return { deviceId, lastReceivedAtMs: last, alarms };
    });
    engine.restoreTrip(spec, {
      armAtMs: at("armed"),
      closeAtMs: at("closed"),
      cancelAtMs: at("cancelled"),
      inTransitAtMs: at("in_transit"),
      arrivedAtMs: at("arrived"),
      signalLoss,
    });
  }
  return engine;
}

function buildEngineWithoutTrips(scenario: Scenario): MonitoringEngine {
  return buildEngine({ ...scenario, trips: [] });
}

function finalAlarms(engine: MonitoringEngine): string[] {
  return engine.alarms().map((a) => `${alarmKey(a)}|${a.clearedAtMs}`);
}

describe("restoring the engine from recorded facts", () => {
  for (const file of [...scenarioFiles(), ...deviceClassScenarioFiles()]) {
    it(`${basename(file)}: restored at any input gives the same alarms and trips as an uninterrupted run`, () => {
      const scenario = parseScenario(readJson(file));
      const inputs = scenario.inputs
        .map(parseInput)
        .filter((p) => p.ok)
        .map((p) => p.input);
      const uninterrupted = runUntil(scenario, inputs, inputs.length);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: inputs.length }), (stop) => {
          const recorded = runUntil(scenario, inputs, stop);
          const restored = restore(scenario, recorded);
          // What the restored engine gives right away matches what was recorded.
          assert.deepEqual(
            restored
              .alarms()
              .map((a) => `${alarmKey(a)}|${a.clearedAtMs}`)
              .sort(),
            [...recorded.alarms.values()].map((a) => `${alarmKey(a)}|${a.clearedAtMs}`).sort(),
            `alarms right after restoring at input ${stop}`,
          );
          for (const input of inputs.slice(stop)) restored.apply(input);
          assert.deepEqual(
            finalAlarms(restored),
            finalAlarms(uninterrupted.engine),
            `restored at input ${stop}`,
          );
          for (const trip of scenario.trips) {
            assert.deepEqual(
              restored.tripStatus(trip.id),
              uninterrupted.engine.tripStatus(trip.id),
              `trip ${trip.id}, restored at ${stop}`,
            );
          }
        }),
        { seed: 99, numRuns: 25 },
      );
    });
  }

  it("evicts a closed trip and brings it back for late data with the same result", () => {
    const scenario = parseScenario(readJson(scenarioFiles().find((f) => f.includes("th-tamper"))!));
    const inputs = scenario.inputs
      .map(parseInput)
      .filter((p) => p.ok)
      .map((p) => p.input);
    const full = runUntil(scenario, inputs, inputs.length);
    const trip = scenario.trips[0]!;
    // A late tamper message inside the closed trip's window.
    const status = full.engine.tripStatus(trip.id)!;
    const armAt = status.transitions[0]!.atMs;
    const closeAt = status.transitions.at(-1)!.atMs;
    const late: MessageInput = {
      type: "message",
      device: trip.devices[0]!,
      atMs: armAt + 3_600_000,
      receivedAtMs: closeAt + 600_000,
      tamper: true,
      content: { late: true },
    };
    const expected = runUntil(scenario, [...inputs, late], inputs.length + 1).engine.alarms();

    const engine = full.engine;
    const before = engine.tripAlarms(trip.id);
    engine.evictTrip(trip.id);
    assert.equal(engine.hasTrip(trip.id), false);
    assert.deepEqual(engine.tripAlarms(trip.id), []);
    engine.trimDevice(trip.devices[0]!, closeAt + 1);
    assert.ok(engine.residentFromMs(trip.devices[0]!) > armAt);
    // The host sees the late event is older than the resident history and restores the trip first.
    engine.restoreEvents(trip.devices[0]!, full.events.get(trip.devices[0]!)!);
    const restoredAlarms = engine.restoreTrip(trip, {
      armAtMs: armAt,
      closeAtMs: closeAt,
      inTransitAtMs: status.transitions[1]!.atMs,
      arrivedAtMs: status.transitions[2]!.atMs,
      signalLoss: [],
    });
    assert.deepEqual(
      restoredAlarms.map(alarmKey),
      before.filter((a) => a.type !== "signal_loss").map(alarmKey),
    );
    const result = engine.apply(late);
    assert.equal(result.status, "accepted");
    assert.deepEqual(
      result.alarms.map((c) => c.change),
      ["raised"],
    );
    assert.deepEqual(engine.alarms().map(alarmKey), expected.map(alarmKey));
  });
});
