/**
 * `sealwatch whatif` on a seeded history: four arrived trips (clean, a confirmed breach, a false
 * alarm, an opening never handled) compared under the published rules and under a rule set that
 * releases everything. The expected figures are worked out here from the history and the floors
 * alone, not from the evaluator: a confirmed breach and an unresolved critical alarm are red under
 * the published rules whatever their points; nothing is checked under the release-all rules, so the
 * one incident is missed. Rule files with problems are refused with every problem listed.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { WhatIfComparison } from "../../src/risk/whatif.js";
import { openStore } from "../../src/store/open.js";
import { alarm, T0, trip } from "../store/records.js";
import { runCli } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "sealwatch-whatif-"));
const db = join(dir, "history.db");
const HOUR = 3_600_000;
const published = JSON.parse(
  readFileSync(new URL("../../../src/core/risk/published-rules.json", import.meta.url), "utf8"),
) as Record<string, unknown>;

function ruleFile(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

const releaseAll = ruleFile("release-all.json", {
  ...published,
  id: "release-all",
  version: "9.9.9",
  channels: { yellowFromScore: 9_999, redFromScore: 10_000 },
  floors: { confirmedBreach: "green", unresolvedCritical: "green", unresolvedHigh: "green" },
  randomSelection: { share: 0, channel: "yellow" },
});

before(async () => {
  const store = await openStore({ path: db });
  const arrived = (id: string, n: number) =>
    trip(id, {
      state: "arrived",
      devices: [`dev-${id}`],
      armedAtMs: T0 + n * 10 * HOUR,
      arrivedAtMs: T0 + n * 10 * HOUR + 5 * HOUR,
    });
  await store.trips.insert(arrived("t-clean", 0));
  await store.trips.insert(arrived("t-breach", 1));
  await store.trips.insert(arrived("t-false", 2));
  await store.trips.insert(arrived("t-open", 3));
  const at = (n: number) => T0 + n * 10 * HOUR + HOUR;
  await store.alarms.upsert(
    alarm("a-breach", { trip: "t-breach", device: "dev-t-breach", startedAtMs: at(1), workflow: "resolved", outcome: "confirmed_breach" }),
  ); // prettier-ignore
  await store.alarms.upsert(
    alarm("a-false", { trip: "t-false", device: "dev-t-false", type: "route_deviation", severity: "high", startedAtMs: at(2), clearedAtMs: at(2) + 600_000, workflow: "resolved", outcome: "false_alarm" }),
  ); // prettier-ignore
  await store.alarms.upsert(
    alarm("a-open", { trip: "t-open", device: "dev-t-open", type: "unauthorized_opening", startedAtMs: at(3) }),
  ); // prettier-ignore
  await store.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("sealwatch whatif", () => {
  it("compares the published rules with a release-all rule set on the stored history", async () => {
    const run = await runCli(["whatif", "--rules", releaseAll, "--db", db, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const c = JSON.parse(run.stdout) as WhatIfComparison;
    assert.equal(c.trips, 4);
    assert.equal(c.incidents, 1, "the confirmed breach is the one incident");
    assert.deepEqual(c.proposed.ruleSet, { id: "release-all", version: "9.9.9" });
    assert.deepEqual(c.proposed.byChannel, { green: 4, yellow: 0, red: 0 });
    assert.equal(c.proposed.checks, 0);
    assert.equal(c.proposed.incidentsMissed, 1);
    assert.equal(c.proposed.hitRate, null);
    assert.equal(c.current.ruleSet.id, "sealwatch-default");
    assert.ok(c.current.byChannel.red >= 2, "the breach and the open opening are red by their floors");
    assert.equal(c.current.byChannel.green + c.current.byChannel.yellow + c.current.byChannel.red, 4);
    assert.equal(c.current.incidentsSelected, 1);
    assert.equal(c.current.incidentsMissed, 0);
    assert.equal(c.current.hitRate, 1 / c.current.checks);
    // Every trip the current rules check changes channel; the breach is marked as an incident.
    assert.equal(c.changed.length, c.current.checks);
    const breach = c.changed.find((t) => t.tripId === "t-breach");
    assert.deepEqual(
      [breach?.incident, breach?.current.channel, breach?.proposed.channel],
      [true, "red", "green"],
    );
    assert.equal(c.changed.find((t) => t.tripId === "t-open")?.current.channel, "red");
  });

  it("limits the comparison to the trips that arrived in the period, and prints a table", async () => {
    const from = new Date(T0 + 10 * HOUR).toISOString();
    const to = new Date(T0 + 30 * HOUR).toISOString();
    const run = await runCli(["whatif", "--rules", releaseAll, "--db", db, "--from", from, "--to", to]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^2 trips arrived in the period, 1 with a recorded incident/);
    assert.match(run.stdout, /incidents missed\s+0\s+1/);
    assert.match(run.stdout, /t-breach: red \([\d.]+\) → green \([\d.]+\) {2}\[incident\]/);
    assert.doesNotMatch(run.stdout, /t-open/);
  });

  it("refuses a rule file with problems, listing every one, before anything runs", async () => {
    const bad = ruleFile("bad.json", {
      ...published,
      channels: { yellowFromScore: -1, redFromScore: "high" },
      randomSelection: { share: 2, channel: "purple" },
    });
    const run = await runCli(["whatif", "--rules", bad, "--db", db]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /INVALID_RULE_SET|problems?:/);
    const problems = run.stderr.split("\n").filter((line) => line.trimStart().startsWith("- "));
    assert.ok(problems.length >= 3, run.stderr);
    assert.equal(run.stdout, "");
  });

  it("refuses what it cannot do and wrong arguments, by name", async () => {
    const overrides = await runCli(["whatif", "--rules", releaseAll, "--monitoring-overrides", "x.json"]);
    assert.equal(overrides.code, 2);
    assert.match(overrides.stderr, /--monitoring-overrides is not supported yet/);
    const missing = await runCli(["whatif", "--db", db]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--rules is required/);
    const backwards = await runCli([
      "whatif",
      "--rules",
      releaseAll,
      "--from",
      "2025-06-02T00:00:00Z",
      "--to",
      "2025-06-01T00:00:00Z",
    ]);
    assert.match(backwards.stderr, /--to must be after --from/);
    const notJson = ruleFile("not-json.json", "{");
    writeFileSync(notJson, "{");
    const broken = await runCli(["whatif", "--rules", notJson, "--db", db]);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /cannot read the rule set/);
  });
});
