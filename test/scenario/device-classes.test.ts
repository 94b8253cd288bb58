/**
 * The semi-active and passive device classes in scenarios of the contract's format
 * (test/fixtures/device-classes): each reproduces its expected block through the engine, through
 * `sealwatch replay --check`, and replayed into a store; plus the seal-number extension's edges —
 * a late read placed by event time, the window closing on a read, and that the contract's own
 * outputs do not move when the extension has nothing to compare.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, it } from "node:test";
import { CONTRACT_ALARM_TYPES } from "../../src/core/domain/model.js";
import { MonitoringEngine } from "../../src/core/engine/engine.js";
import type { ReadInput } from "../../src/core/engine/inputs.js";
import { compareWithExpected } from "../../src/scenario/compare.js";
import { replay, toOutputJson } from "../../src/scenario/replay.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { runCli } from "../support/cli.js";
import { deviceClassScenarioFiles, readJson, scenarioFiles } from "../support/fixtures.js";

describe("device classes in scenarios", () => {
  const files = deviceClassScenarioFiles();

  it("has a semi-active and a passive scenario", () => {
    assert.deepEqual(files.map((f) => basename(f)).sort(), [
      "ke-bolt-seal-numbers.json",
      "sk-semi-active-event-wake.json",
    ]);
  });

  for (const file of files) {
    it(`${basename(file)} reproduces its expected block through the engine`, () => {
      const scenario = parseScenario(readJson(file));
      const output = toOutputJson(replay(scenario)) as Record<string, unknown>;
      assert.deepEqual(compareWithExpected(scenario.expected, output), []);
    });

    it(`${basename(file)} passes replay --check, in memory and into a store`, async () => {
      const run = await runCli(["replay", file, "--check"]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /^ok /);
      const dir = mkdtempSync(join(tmpdir(), "sealwatch-classes-"));
      try {
        const stored = await runCli(["replay", file, "--check", "--db", join(dir, "replay.db")]);
        assert.equal(stored.code, 0, stored.stdout + stored.stderr);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("the public scenarios raise no alarm of an extension type", () => {
    for (const file of scenarioFiles()) {
      const result = replay(parseScenario(readJson(file)));
      for (const alarm of result.alarms)
        assert.ok(CONTRACT_ALARM_TYPES.includes(alarm.type), `${basename(file)}: ${alarm.type}`);
    }
  });
});

describe("seal numbers at checkpoints (extension)", () => {
  const T = (minutes: number): number => Date.UTC(2025, 6, 1, 4, 0, 0) + minutes * 60_000;
  const square = (lon: number, lat: number) => ({
    type: "polygon" as const,
    ring: [
      [lon - 0.01, lat - 0.01],
      [lon + 0.01, lat - 0.01],
      [lon + 0.01, lat + 0.01],
      [lon - 0.01, lat + 0.01],
    ] as [number, number][],
  });

  function engine(seals?: string[]): MonitoringEngine {
    const e = new MonitoringEngine();
    e.addZone({ id: "A", kind: "office", shape: square(39.67, -4.04) });
    e.addZone({ id: "CP", kind: "office", shape: square(37.0, -1.45) });
    e.addZone({ id: "B", kind: "office", shape: square(34.27, 0.63) });
    e.addDevice({ id: "S1", class: "passive" });
    e.declareTrip({
      id: "T",
      origin: "A",
      destination: "B",
      route: [
        [39.67, -4.04],
        [34.27, 0.63],
      ],
      devices: ["S1"],
      deadlineMs: T(10_000),
      ...(seals === undefined ? {} : { seals }),
    });
    return e;
  }

  function read(minutes: number, office: string, sealNumber?: string, receivedMin?: number): ReadInput {
    return {
      type: "read",
      device: "S1",
      office,
      status: "intact",
      atMs: T(minutes),
      ...(receivedMin === undefined ? {} : { receivedAtMs: T(receivedMin) }),
      ...(sealNumber === undefined ? {} : { sealNumber }),
      content: { office, sealNumber: sealNumber ?? null, at: minutes },
    };
  }

  it("a late read is placed by its event time; one at the closing time is outside the window", () => {
    const e = engine(["KE-7101"]);
    assert.equal(e.apply(read(0, "A", "KE-7101")).status, "accepted");
    assert.equal(e.apply({ type: "command", command: "arm", trip: "T", atMs: T(10) }).status, "accepted");
    e.apply(read(600, "B", "KE-7101"));
    assert.equal(e.apply({ type: "command", command: "disarm", trip: "T", atMs: T(620) }).status, "accepted");
    // A reader uploads, after the disarm, a read it made on the way: still inside the window.
    const late = e.apply(read(300, "CP", "KE-9999", 700));
    assert.equal(late.status, "accepted");
    assert.deepEqual(
      e.alarms().map((a) => [a.type, a.startedAtMs]),
      [["seal_mismatch", T(300)]],
    );
    // At exactly the closing time: no alarm.
    e.apply(read(620, "B", "KE-9998", 701));
    assert.equal(e.alarms().length, 1);
  });

  it("compares nothing when the trip declares no seals or the read names no number", () => {
    for (const [seals, number] of [
      [undefined, "KE-9999"],
      [["KE-7101"], undefined],
    ] as const) {
      const e = engine(seals === undefined ? undefined : [...seals]);
      e.apply(read(0, "A", number));
      assert.equal(e.apply({ type: "command", command: "arm", trip: "T", atMs: T(10) }).status, "accepted");
      e.apply(read(300, "CP", number));
      assert.deepEqual(e.alarms(), []);
    }
  });

  it("refuses to arm on a seal read at the origin whose number is not declared, and arms once it is", () => {
    const e = engine(["KE-7101", "KE-7102"]);
    e.apply(read(0, "A", "KE-7777"));
    const refused = e.apply({ type: "command", command: "arm", trip: "T", atMs: T(5) });
    assert.equal(refused.status, "rejected");
    assert.match(refused.reason ?? "", /KE-7777.*does not list/);
    e.apply(read(6, "A", "KE-7102"));
    assert.equal(e.apply({ type: "command", command: "arm", trip: "T", atMs: T(10) }).status, "accepted");
  });
});
