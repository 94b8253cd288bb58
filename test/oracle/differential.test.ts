/**
 * Differential testing of the monitoring engine against the naive reference implementation in
 * reference.ts (written from shared/spec/monitoring.md alone), on random scenarios from generate.ts.
 *
 * Disagreements found so far were shrunk into test/fixtures/disputes/*.json (each with the expected
 * block the spec requires and the sentence that decides it); both are fixed in the engine, so no case
 * is skipped here. Set ORACLE_RUNS / ORACLE_SEED to run more or other random scenarios.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { compareWithExpected } from "../../src/scenario/compare.js";
import { replay, toOutputJson } from "../../src/scenario/replay.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { parseTimeMs, formatTimeMs } from "../../src/core/time/rfc3339.js";
import { fixturePath, readJson, scenarioFiles } from "../support/fixtures.js";
import { scenarioArb } from "./generate.js";
import { distanceToArcM, distanceToRouteM, haversineM, inPolygon, referenceReplay } from "./reference.js";

const SEED = Number(process.env.ORACLE_SEED ?? 20_250_611);
const RUNS = Number(process.env.ORACLE_RUNS ?? 300);

type Json = Record<string, unknown>;

interface Output {
  alarms: Json[];
  retracted: Json[];
  trips: Json[];
  rejected: { input: number; reason: string }[];
}

function engineOutput(doc: unknown): Output {
  return toOutputJson(replay(parseScenario(doc))) as Output;
}

/** What is compared: everything but the wording of rejection reasons. */
function comparable(o: Output) {
  return {
    alarms: o.alarms,
    retracted: o.retracted,
    trips: o.trips,
    rejected: o.rejected.map((r) => r.input),
  };
}

function assertAgree(doc: Json): void {
  const engine = comparable(engineOutput(doc));
  const oracle = comparable(referenceReplay(doc) as unknown as Output);
  assert.deepEqual(engine, oracle, "engine (actual) and reference oracle (expected) disagree");
}

describe("reference oracle", () => {
  it("computes known great-circle distances", () => {
    // one degree of longitude on the equator: R * pi / 180
    assert.ok(Math.abs(haversineM([0, 0], [1, 0]) - 111_195.08) < 0.01);
    // cross-track: a point 0.01 degree north of the middle of an equatorial segment
    assert.ok(Math.abs(distanceToArcM([0.5, 0.01], [0, 0], [1, 0]) - 1111.95) < 0.01);
    // beyond the end of the segment: the distance to the end point
    assert.equal(distanceToArcM([2, 0], [0, 0], [1, 0]), haversineM([2, 0], [1, 0]));
    assert.equal(distanceToRouteM([3, 4], [[3, 4]]), 0);
  });

  it("counts polygon boundaries (also slanted edges written in decimal) as inside", () => {
    const diamond: [number, number][] = [
      [1, 0],
      [0, 1],
      [-1, 0],
      [0, -1],
    ];
    assert.ok(inPolygon([0.6, 0.4], diamond));
    assert.ok(inPolygon([0, 0], diamond));
    assert.ok(inPolygon([1, 0], diamond));
    assert.ok(!inPolygon([0.6, 0.41], diamond));
  });

  for (const file of scenarioFiles()) {
    it(`reproduces the expected block of public scenario ${file.split("/").pop()}`, () => {
      const doc = readJson(file) as Json;
      const output = referenceReplay(doc) as unknown as Record<string, unknown>;
      assert.deepEqual(compareWithExpected(doc.expected, output), []);
    });
  }

  const disputes = fixturePath("disputes");
  for (const name of readdirSync(disputes)
    .filter((n) => n.endsWith(".json"))
    .sort()) {
    it(`reproduces the expected block of dispute ${name}`, () => {
      const doc = readJson(join(disputes, name)) as Json;
      const output = referenceReplay(doc) as unknown as Record<string, unknown>;
      assert.deepEqual(compareWithExpected(doc.expected, output), []);
    });
  }
});

describe("engine vs reference oracle", () => {
  it(`agree on ${RUNS} random scenarios (seed ${SEED})`, () => {
    fc.assert(
      fc.property(scenarioArb, (doc) => assertAgree(doc)),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

/**
 * The scenario without the inputs the engine rejects (malformed, late, refused commands): rejected
 * inputs change nothing, so the result is the same, and every remaining input is accepted.
 */
function withoutRejected(doc: Json): Json {
  const rejected = new Set(engineOutput(doc).rejected.map((r) => r.input));
  return { ...doc, inputs: (doc.inputs as unknown[]).filter((_, i) => !rejected.has(i)) };
}

function arrivalMs(input: Json): number {
  const text = input.type === "message" && input.receivedAt !== undefined ? input.receivedAt : input.at;
  return parseTimeMs(text as string)!;
}

/**
 * Gives every message a new arrival time, keeping its event time, so that messages arrive in another
 * order: between the same two commands (commands are judged on the data received before them, so the
 * set of messages before each command must not change), never before their own event time. Inputs are
 * re-sorted by arrival; a final tick keeps the final clock.
 */
function reassignArrivals(doc: Json, seed: number): Json {
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 4_294_967_296;
  };
  const inputs = doc.inputs as Json[];
  const finalClock = Math.max(...inputs.map(arrivalMs));
  const commandTimes = inputs.map((x) => (x.type === "command" ? parseTimeMs(x.at as string)! : undefined));
  const moved = inputs.map((input, i) => {
    if (input.type !== "message") return { input, arrival: arrivalMs(input), index: i };
    let lower = parseTimeMs(input.at as string)!;
    for (let j = i - 1; j >= 0; j--)
      if (commandTimes[j] !== undefined) {
        lower = Math.max(lower, commandTimes[j]!);
        break;
      }
    let upper = finalClock + 1;
    for (let j = i + 1; j < inputs.length; j++)
      if (commandTimes[j] !== undefined) {
        upper = commandTimes[j]!;
        break;
      }
    if (upper <= lower) return { input, arrival: arrivalMs(input), index: i };
    const arrival = lower + Math.floor(random() * (upper - lower) * 0.999);
    return { input: { ...input, receivedAt: formatTimeMs(arrival) }, arrival, index: i };
  });
  moved.sort((a, b) => a.arrival - b.arrival || a.index - b.index);
  return {
    ...doc,
    inputs: [...moved.map((m) => m.input), { type: "tick", at: formatTimeMs(finalClock) }],
  };
}

function finalState(o: Output) {
  return { alarms: o.alarms.filter((a) => a.type !== "signal_loss"), trips: o.trips };
}

describe("arrival order", () => {
  it("does not change the final alarms other than signal_loss, nor the transitions (engine)", () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), (doc, seed) => {
        const clean = withoutRejected(doc);
        const base = engineOutput({ ...clean, inputs: [...(clean.inputs as Json[]), lastTick(clean)] });
        const shuffled = reassignArrivals(clean, seed);
        const other = engineOutput(shuffled);
        assert.deepEqual(other.rejected, [], "a reordered input was rejected");
        assert.deepEqual(finalState(other), finalState(base));
      }),
      { seed: SEED + 1, numRuns: Math.max(50, Math.floor(RUNS / 2)) },
    );
  });

  it("holds for the reference oracle too", () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), (doc, seed) => {
        const clean = withoutRejected(doc);
        const base = referenceReplay({ ...clean, inputs: [...(clean.inputs as Json[]), lastTick(clean)] });
        const other = referenceReplay(reassignArrivals(clean, seed));
        assert.deepEqual(other.rejected, []);
        assert.deepEqual(finalState(other as unknown as Output), finalState(base as unknown as Output));
      }),
      { seed: SEED + 2, numRuns: 50 },
    );
  });
});

function lastTick(doc: Json): Json {
  return { type: "tick", at: formatTimeMs(Math.max(...(doc.inputs as Json[]).map(arrivalMs))) };
}
