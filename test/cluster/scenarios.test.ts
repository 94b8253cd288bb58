/**
 * The distributed mode gives the single process's result (issue 14): every public scenario is run
 * through three engine workers (real child processes) over NATS JetStream into PostgreSQL, and the
 * alarms, retractions and trip transitions read back from PostgreSQL must equal an in-memory replay
 * of the scenario alone. The scenarios run together in one cluster; the partition count is chosen
 * so that no two scenarios share a partition (checked below), so each sees only its own inputs, as
 * it would alone. A malformed message is put in each partition first: it is dead-lettered with its
 * reason, and the partition goes on (the equality shows that nothing behind it was blocked).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { InputFeed } from "../../src/cluster/input-feed.js";
import { replay, toOutputJson } from "../../src/scenario/replay.js";
import { parseScenario } from "../../src/scenario/scenario.js";
import { registerScenario, resultFromStore } from "../../src/scenario/stored-replay.js";
import { openStore, type OpenedStore } from "../../src/store/open.js";
import { createThrowawayDatabase, dropDatabase, probePostgres } from "../store/pg-support.js";
import { readJson, scenarioFiles } from "../support/fixtures.js";
import { comparable, disjointPartitions, ownPartitions, publishScenario } from "./scenario-load.js";
import {
  dropNamespace,
  openTestFeed,
  probeNats,
  startWorker,
  uniqueNamespace,
  until,
  type Child,
  type ClusterSettings,
} from "./support.js";

const probes = { pg: await probePostgres(), nats: await probeNats() };

describe("cluster: public scenarios through 3 engine workers give the single-process result", () => {
  const missing = !probes.pg.ok
    ? `PostgreSQL: ${probes.pg.reason}`
    : !probes.nats.ok
      ? `NATS: ${probes.nats.reason}`
      : undefined;
  if (missing !== undefined) {
    if (process.env.CI !== undefined) throw new Error(`required in CI: ${missing}`);
    console.warn(`\n*** SKIPPING the cluster scenario tests: ${missing} ***\n`);
    void it.skip("NATS or PostgreSQL unreachable", () => {});
    return;
  }
  const scenarios = scenarioFiles().map((file) => ({
    name: basename(file),
    scenario: parseScenario(readJson(file)),
  }));
  const partitions = disjointPartitions(scenarios.map((s) => s.scenario));
  let dataDir = "";
  let db: Awaited<ReturnType<typeof createThrowawayDatabase>>;
  let store: OpenedStore;
  let feed: InputFeed;
  let settings: ClusterSettings;
  const workers: Child[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "sealwatch-cluster-"));
    db = await createThrowawayDatabase("sealwatch_cluster");
    settings = { namespace: uniqueNamespace(), partitions, leaseTtlMs: 4_000, dbUrl: db.url };
    store = await openStore({ url: db.url });
    await store.migrate();
    feed = await openTestFeed(settings);
    for (const { scenario } of scenarios) await registerScenario(scenario, store, 0);
    for (let p = 0; p < partitions; p++)
      await feed.bus.js.publish(
        feed.bus.names.inputSubject(p),
        Buffer.from(`{"v":1,"kind":"reading","reading":{"deviceId":42}}`),
      );
    await feed.bus.js.publish(feed.bus.names.inputSubject(0), Buffer.from([0xff, 0x00, 0x7b]));
    // Half the inputs before the workers start, half while they start and share the partitions.
    const half = Math.ceil(scenarios.length / 2);
    const own = (s: (typeof scenarios)[number]["scenario"]) => ownPartitions(s, partitions);
    for (const { scenario } of scenarios.slice(0, half)) await publishScenario(feed, scenario, own(scenario));
    const starting = Promise.all([0, 1, 2].map((i) => startWorker(`engine-${i}`, settings, dataDir)));
    for (const { scenario } of scenarios.slice(half)) await publishScenario(feed, scenario, own(scenario));
    workers.push(...(await starting).map((w) => w.child));
    const barrier = await feed.registry("zone", scenarios[0]!.scenario.zones[0]!.id);
    await until(() => feed.appliedThrough(barrier), 100).catch((error: unknown) => {
      for (const w of workers) console.error(`--- ${w.name}\n${w.text()}`);
      throw error;
    });
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await store?.close();
    if (feed !== undefined) await dropNamespace(feed);
    if (db !== undefined) await dropDatabase(db.name);
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const { name, scenario } of scenarios) {
    it(name, async () => {
      const trips = new Set(scenario.trips.map((t) => t.id));
      const expected = comparable(toOutputJson(replay(scenario)), trips);
      const actual = comparable(toOutputJson(await resultFromStore(store, scenario, [])), trips);
      assert.deepEqual(actual, expected);
    });
  }

  it("dead-letters malformed messages with their reason and goes on", async () => {
    const dlq = await feed.bus.jsm.streams.info(feed.bus.names.deadLetterStream);
    assert.equal(dlq.state.messages, partitions + 1, "one dead letter per malformed message");
    const reasons = [];
    for (let seq = dlq.state.first_seq; seq <= dlq.state.last_seq; seq++) {
      const letter = await feed.bus.jsm.streams.getMessage(feed.bus.names.deadLetterStream, { seq });
      reasons.push(letter.header.get("Sealwatch-Reason"));
    }
    assert.equal(reasons.filter((r) => /deviceId missing/.test(r)).length, partitions);
    assert.equal(reasons.filter((r) => /not JSON/.test(r)).length, 1);
  });
});
