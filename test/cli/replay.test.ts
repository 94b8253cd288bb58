import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.js";
import { fixturePath, readJson } from "../support/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "sealwatch-replay-"));

function writeScenario(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

function publicScenario(): Record<string, unknown> {
  return readJson(fixturePath("scenarios", "th-tamper-and-opening.json")) as Record<string, unknown>;
}

describe("sealwatch replay", () => {
  it("prints the replay output as one JSON object on stdout", async () => {
    const run = await runCli(["replay", fixturePath("scenarios", "th-tamper-and-opening.json")]);
    assert.equal(run.code, 0);
    const output = JSON.parse(run.stdout) as Record<string, unknown[]>;
    assert.deepEqual(Object.keys(output), ["alarms", "retracted", "trips", "rejected"]);
    assert.equal(output.alarms!.length, 2);
    assert.equal(run.stderr, "");
  });

  it("--check prints a readable difference and exits 1 on a mismatch", async () => {
    const scenario = publicScenario();
    const expected = scenario.expected as {
      alarms: { clearedAt: string | null; type: string }[];
      rejected: unknown[];
    };
    expected.alarms[0]!.type = "route_deviation";
    expected.rejected.push({ input: 3, reason: "whatever" });
    const run = await runCli(["replay", writeScenario("mismatch.json", scenario), "--check"]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^FAIL th-tamper-and-opening: 3 differences/);
    assert.match(
      run.stdout,
      /alarms: missing route_deviation of trip TH-2506-4101, device ELK-TH-4101, started 2025-06-12T10:57:30Z/,
    );
    assert.match(run.stdout, /alarms: unexpected tamper of trip TH-2506-4101/);
    assert.match(run.stdout, /rejected: input 3 should have been rejected but was accepted/);
  });

  it("compares times as instants, whatever their offset or fraction", async () => {
    const scenario = publicScenario();
    const expected = scenario.expected as { alarms: { startedAt: string }[] };
    expected.alarms[0]!.startedAt = "2025-06-12T17:57:30.000+07:00";
    const run = await runCli(["replay", writeScenario("offsets.json", scenario), "--check"]);
    assert.equal(run.code, 0, run.stdout);
  });

  it("names the offending path of a malformed scenario, without a stack trace, and exits 2", async () => {
    const scenario = publicScenario();
    const trips = scenario.trips as { route: number[][] }[];
    trips[0]!.route[3] = [200, 13];
    (scenario.zones as { kind: string }[])[0]!.kind = "airport";
    const run = await runCli(["replay", writeScenario("malformed.json", scenario)]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /trips\[0\]\.route\[3\]: longitude 200 is outside -180\.\.180/);
    assert.match(run.stderr, /zones\[0\]\.kind: "airport" is not one of office, rest, restricted/);
    assert.doesNotMatch(run.stderr, /at .*\.js:\d+/);
    assert.equal(run.stdout, "");
  });

  it("reports files that are not JSON or cannot be read", async () => {
    const bad = await runCli(["replay", writeScenario("bad.json", "{ not json")]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not valid JSON/);
    const missing = await runCli(["replay", join(dir, "nope.json")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read the file \(ENOENT\)/);
    const notObject = await runCli(["replay", writeScenario("array.json", [1, 2])]);
    assert.equal(notObject.code, 2);
    assert.match(notObject.stderr, /a scenario must be a JSON object/);
  });

  it("refuses --check on a scenario without an expected block", async () => {
    const scenario = publicScenario();
    delete scenario.expected;
    const run = await runCli(["replay", writeScenario("noexpected.json", scenario), "--check"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /needs an "expected" block/);
  });

  it("shows progress on stderr for large files, never on stdout", async () => {
    const scenario = publicScenario();
    const inputs = scenario.inputs as unknown[];
    const many: unknown[] = [];
    const start = Date.parse("2025-06-13T00:00:00Z");
    for (let i = 0; i < 60_000; i++)
      many.push({ type: "tick", at: new Date(start + i * 1000).toISOString() });
    scenario.inputs = [...inputs, ...many];
    delete scenario.expected;
    const run = await runCli(["replay", writeScenario("large.json", scenario)]);
    assert.equal(run.code, 0);
    assert.match(run.stderr, /replay: \d+\/60138 inputs/);
    assert.doesNotThrow(() => JSON.parse(run.stdout));
  });

  it("explains its usage", async () => {
    const help = await runCli(["replay", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: sealwatch replay FILE \[--check\]/);
    const noFile = await runCli(["replay"]);
    assert.equal(noFile.code, 2);
    assert.match(noFile.stderr, /replay takes exactly one FILE/);
    const badFlag = await runCli(["replay", "x.json", "--frobnicate"]);
    assert.equal(badFlag.code, 2);
    const unknown = await runCli(["frobnicate"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
  });
});

describe("sealwatch replay --db", () => {
  it("persists the replay into a SQLite store, reads the same output back, and refuses to replay twice", async () => {
    const db = join(dir, "replay.db");
    const file = fixturePath("scenarios", "sk-overdue-retracted-by-late-data.json");
    const first = await runCli(["replay", file, "--check", "--db", db]);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /^ok sk-overdue-retracted-by-late-data: 1 alarms, 1 retracted/);
    const again = await runCli(["replay", file, "--db", db]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already holds trip SK-2506-6101 \(closed\); replay into a fresh database/);
  });

  it("names a database file it cannot use", async () => {
    const notSqlite = writeScenario(
      "not-a-db.db",
      "this is not a database, it is a text file with enough bytes to have a header",
    );
    const run = await runCli([
      "replay",
      fixturePath("scenarios", "th-clean-transit.json"),
      "--db",
      notSqlite,
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /not-a-db\.db/);
  });
});
