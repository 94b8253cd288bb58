/**
 * The store contract: one behavioural suite that every Store implementation passes. A test file
 * calls `storeContract(harness)` inside its own `describe`, with a harness that opens fresh stores
 * over its database and can reach that database around the port (to tamper with it).
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { auditHash } from "../../src/store/audit-chain.js";
import {
  exportAuditChain,
  verifyAuditExport,
  EXPORT_HEAD_FILE,
  EXPORT_RECORDS_FILE,
  type SignedHead,
} from "../../src/store/audit-signing.js";
import type { AuditRecord, CommandRecord, Store } from "../../src/store/ports.js";
import { isStoreError } from "../../src/store/store-error.js";
import { federationContract } from "./federation-contract.js";
import { outboxContract } from "./outbox-contract.js";
import { inspectionContract } from "./inspection-contract.js";
import { notifyContract } from "./notify-contract.js";
import { atomicContract } from "./atomic-contract.js";
import { T0, alarm, device, reading, trip, user, zone } from "./records.js";

export interface StoreHarness {
  /** A store over an empty, migrated database. */
  fresh(): Promise<Store>;
  /** Runs SQL (one or several statements) on the database behind `store`, around the port. */
  sql(store: Store, statements: string): Promise<void>;
  /** A second store, read-only, over the same database (`store` stays open). */
  openReadOnly(store: Store): Promise<Store>;
  /** Closes `store` and opens its database again. */
  reopen(store: Store): Promise<Store>;
}

const rejectsWith = (code: string) => (error: unknown) => {
  assert.ok(isStoreError(error), `expected a StoreError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return true;
};

async function appendAudit(store: Store, n: number): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for (let i = 1; i <= n; i++)
    records.push(
      await store.audit.append({
        atMs: T0 + i * 1000,
        actor: i % 2 === 0 ? "officer-7" : "engine",
        action: i % 2 === 0 ? "alarm.acknowledge" : "trip.arm",
        subjectType: i % 2 === 0 ? "alarm" : "trip",
        subjectId: `s-${i}`,
        details: { n: i, note: 'é\u0000"quoted"', nested: { b: [1, 2.5, null], a: true } },
      }),
    );
  return records;
}

function keyPair(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

export function storeContract(h: StoreHarness): void {
  describe("readings", () => {
    it("appends a batch with one outcome per reading, duplicates by dedup key stored once", async () => {
      const store = await h.fresh();
      const [a, b, c] = [reading(1), reading(2), reading(3)];
      assert.deepEqual(await store.readings.append([a, b, a]), ["stored", "stored", "duplicate"]);
      // A retransmission: same content, another seq, arrival time, frame and protocol.
      const again = reading(9, {
        ...b,
        seq: 9,
        receivedAtMs: b.receivedAtMs + 5000,
        raw: Uint8Array.from([9]),
        protocol: "mqtt",
      });
      assert.equal(again.dedupKey, b.dedupKey);
      assert.deepEqual(await store.readings.append([again, c]), ["duplicate", "stored"]);
      assert.deepEqual(await store.readings.append([]), []);
      assert.equal(await store.readings.maxSeq(), 3);
      assert.deepEqual(
        (await store.readings.afterSeq(0, 100)).map((r) => r.seq),
        [1, 2, 3],
      );
    });

    it("round-trips every field, leaving absent ones absent", async () => {
      const store = await h.fresh();
      const full = reading(1, {
        altitudeM: 412.5,
        tamper: false,
        vendor: { vendor: "teltonika", codec: "8E", io: { 239: 1, 240: 0, 78: "00ab" }, big: 2n ** 60n },
        raw: Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff),
      });
      const read = reading(2, {
        kind: "read",
        deviceId: "seal-9",
        lon: undefined,
        lat: undefined,
        speedKmh: undefined,
        courseDeg: undefined,
        valid: undefined,
        seal: undefined,
        batteryPct: undefined,
        office: "office-a",
        readStatus: "intact",
        protocol: "epcis",
        raw: new Uint8Array(0),
      });
      await store.readings.append([full, read]);
      const [gotFull, gotRead] = await store.readings.afterSeq(0, 10);
      assert.deepEqual(gotFull, {
        ...full,
        vendor: {
          vendor: "teltonika",
          codec: "8E",
          io: { 239: 1, 240: 0, 78: "00ab" },
          big: "1152921504606846976",
        },
      });
      assert.deepEqual(gotRead, read);
      assert.ok(!("lon" in gotRead), "absent fields come back absent");
    });

    it("a batch is all or nothing", async () => {
      const store = await h.fresh();
      const bad = { ...reading(2), dedupKey: "not-a-key" };
      await assert.rejects(store.readings.append([reading(1), bad]));
      assert.equal(await store.readings.maxSeq(), 0);
      assert.deepEqual(await store.readings.append([reading(1)]), ["stored"]);
    });

    it("reads a device's readings by event time, and its latest", async () => {
      const store = await h.fresh();
      // Arrival order differs from event order: seq 3 happened first.
      await store.readings.append([
        reading(1, { atMs: T0 + 2000 }),
        reading(2, { atMs: T0 + 3000 }),
        reading(3, { atMs: T0 + 1000 }),
        reading(4, { atMs: T0 + 2500, deviceId: "dev-2" }),
        reading(5, { atMs: T0 + 4000 }),
      ]);
      assert.deepEqual(
        (await store.readings.forDevice("dev-1", T0 + 1000, T0 + 4000)).map((r) => r.seq),
        [3, 1, 2],
      );
      assert.deepEqual(await store.readings.forDevice("dev-1", T0 + 5000, T0 + 6000), []);
      assert.equal((await store.readings.latest("dev-1"))?.seq, 5);
      assert.equal((await store.readings.latest("dev-2"))?.seq, 4);
      assert.equal(await store.readings.latest("nobody"), undefined);
    });

    it("pages through readings after a seq, skipping the ones marked rejected", async () => {
      const store = await h.fresh();
      await store.readings.append([1, 2, 3, 4, 5, 6].map((s) => reading(s)));
      await store.readings.markRejected([2, 5], "implausible speed");
      assert.deepEqual(
        (await store.readings.afterSeq(0, 2)).map((r) => r.seq),
        [1, 3],
      );
      assert.deepEqual(
        (await store.readings.afterSeq(3, 10)).map((r) => r.seq),
        [4, 6],
      );
      assert.equal(await store.readings.maxSeq(), 6, "maxSeq counts rejected readings too");
      assert.deepEqual(
        (await store.readings.forDevice("dev-1", T0, T0 + 3_600_000)).map((r) => r.seq),
        [1, 3, 4, 6],
      );
      await store.readings.markRejected([], "nothing");
    });

    it("finds the latest accepted seal reading or valid fix before an instant", async () => {
      const store = await h.fresh();
      await store.readings.append([
        reading(1, { atMs: T0 + 1000 }),
        reading(2, { atMs: T0 + 2000, seal: undefined }),
        reading(3, { atMs: T0 + 3000, valid: false, seal: "open" }),
        reading(4, { atMs: T0 + 4000, lon: undefined, lat: undefined }),
        reading(5, { atMs: T0 + 5000 }),
      ]);
      await store.readings.markRejected([5], "bad");
      assert.equal((await store.readings.latestBefore("dev-1", T0 + 9000, "seal"))?.seq, 4);
      assert.equal((await store.readings.latestBefore("dev-1", T0 + 4000, "seal"))?.seq, 3);
      assert.equal((await store.readings.latestBefore("dev-1", T0 + 9000, "fix"))?.seq, 2);
      assert.equal(await store.readings.latestBefore("dev-1", T0 + 1000, "fix"), undefined);
    });

    it("gives the last arrival time of a device's accepted messages after a seq", async () => {
      const store = await h.fresh();
      await store.readings.append([
        reading(1, { receivedAtMs: T0 + 100 }),
        reading(2, { receivedAtMs: T0 + 900 }),
        reading(3, { receivedAtMs: T0 + 500, kind: "read", office: "office-a", readStatus: "intact" }),
        reading(4, { receivedAtMs: T0 + 700 }),
        reading(5, { receivedAtMs: T0 + 800, deviceId: "dev-2" }),
      ]);
      assert.equal(await store.readings.lastReceivedAfterSeq("dev-1", 0), T0 + 900);
      assert.equal(await store.readings.lastReceivedAfterSeq("dev-1", 2), T0 + 700);
      await store.readings.markRejected([4], "bad");
      assert.equal(await store.readings.lastReceivedAfterSeq("dev-1", 2), undefined);
    });
  });

  describe("devices and zones", () => {
    it("puts, gets, finds by identifier and lists devices", async () => {
      const store = await h.fresh();
      await store.devices.put(
        device("d1", { identifiers: ["imei-1", "lock-1"], companyId: "c1", settings: { io: { 1: "din1" } } }),
      );
      await store.devices.put(device("d2", { lifecycle: "in_use", reportIntervalS: 60 }));
      assert.deepEqual(
        await store.devices.get("d1"),
        device("d1", { identifiers: ["imei-1", "lock-1"], companyId: "c1", settings: { io: { 1: "din1" } } }),
      );
      assert.equal((await store.devices.byIdentifier("lock-1"))?.id, "d1");
      assert.equal(await store.devices.byIdentifier("nothing"), undefined);
      assert.deepEqual(
        (await store.devices.list()).map((d) => d.id),
        ["d1", "d2"],
      );
      assert.deepEqual(
        (await store.devices.list({ companyId: "c1" })).map((d) => d.id),
        ["d1"],
      );
      assert.deepEqual(
        (await store.devices.list({ lifecycle: "in_use" })).map((d) => d.id),
        ["d2"],
      );
      // A put replaces the identifiers.
      await store.devices.put(device("d1", { identifiers: ["lock-1"], updatedAtMs: T0 + 1 }));
      assert.equal(await store.devices.byIdentifier("imei-1"), undefined);
      assert.equal((await store.devices.get("d1"))?.updatedAtMs, T0 + 1);
    });

    it("refuses an identifier that belongs to another device", async () => {
      const store = await h.fresh();
      await store.devices.put(device("d1", { identifiers: ["imei-1"] }));
      await assert.rejects(
        store.devices.put(device("d2", { identifiers: ["imei-2", "imei-1"] })),
        rejectsWith("STORE_CONFLICT"),
      );
      assert.equal(await store.devices.get("d2"), undefined);
      assert.equal((await store.devices.byIdentifier("imei-1"))?.id, "d1");
    });

    it("keeps device keys and advances their replay counter atomically", async () => {
      const store = await h.fresh();
      await store.devices.put(device("d1"));
      const key = {
        deviceId: "d1",
        keyId: "k1",
        algorithm: "hmac-sha256" as const,
        sealedKey: Uint8Array.from([1, 2, 3]),
        createdAtMs: T0,
        lastCounter: 5,
      };
      await store.devices.putKey(key);
      await store.devices.putKey({
        ...key,
        keyId: "k2",
        algorithm: "aes-256-gcm",
        createdAtMs: T0 + 1,
        lastCounter: 0,
      });
      assert.deepEqual(await store.devices.keys("d1"), [
        key,
        { ...key, keyId: "k2", algorithm: "aes-256-gcm", createdAtMs: T0 + 1, lastCounter: 0 },
      ]);
      assert.equal(await store.devices.advanceCounter("d1", "k1", 6), true);
      assert.equal(await store.devices.advanceCounter("d1", "k1", 6), false);
      assert.equal(await store.devices.advanceCounter("d1", "k1", 3), false);
      assert.equal(await store.devices.advanceCounter("d1", "nope", 99), false);
      const results = await Promise.all(
        [7, 8, 9, 10].map((c) => store.devices.advanceCounter("d1", "k1", c)),
      );
      assert.ok(results.some(Boolean));
      assert.equal((await store.devices.keys("d1"))[0]?.lastCounter, 10);
      // Rotating (retiring) the key must not lower its counter.
      await store.devices.putKey({ ...key, retiredAtMs: T0 + 5, lastCounter: 0 });
      assert.deepEqual((await store.devices.keys("d1"))[0], { ...key, retiredAtMs: T0 + 5, lastCounter: 10 });
      await assert.rejects(
        store.devices.putKey({ ...key, deviceId: "ghost" }),
        rejectsWith("UNKNOWN_REFERENCE"),
      );
    });

    it("puts, lists and deletes zones", async () => {
      const store = await h.fresh();
      const polygon = zone("z2", {
        kind: "restricted",
        shape: {
          type: "polygon",
          ring: [
            [8, 47],
            [8.1, 47],
            [8.1, 47.1],
            [8, 47],
          ],
        },
        officeCode: undefined,
        unLocode: "CHZRH",
      });
      await store.zones.put(zone("z1"));
      await store.zones.put(polygon);
      assert.deepEqual(await store.zones.get("z2"), polygon);
      assert.deepEqual(await store.zones.list(), [zone("z1"), polygon]);
      await store.zones.put(zone("z1", { name: "Renamed" }));
      assert.equal((await store.zones.get("z1"))?.name, "Renamed");
      assert.equal(await store.zones.delete("z1"), true);
      assert.equal(await store.zones.delete("z1"), false);
      assert.equal(await store.zones.get("z1"), undefined);
    });
  });

  describe("trips and commands", () => {
    it("inserts a trip once and updates its state", async () => {
      const store = await h.fresh();
      const t = trip("t1", {
        checkpoints: ["office-c"],
        rules: { corridorM: 800 },
        declaration: { containers: ["MSCU1234565"] },
        companyId: "c1",
      });
      await store.trips.insert(t);
      assert.deepEqual(await store.trips.get("t1"), t);
      await assert.rejects(store.trips.insert(t), rejectsWith("STORE_CONFLICT"));
      await store.trips.updateState({
        id: "t1",
        state: "armed",
        armedAtMs: T0 + 10,
        armSeq: 42,
        updatedAtMs: T0 + 10,
      });
      assert.deepEqual(await store.trips.get("t1"), {
        ...t,
        state: "armed",
        armedAtMs: T0 + 10,
        armSeq: 42,
        updatedAtMs: T0 + 10,
      });
      await assert.rejects(
        store.trips.updateState({ id: "ghost", state: "armed", updatedAtMs: T0 }),
        rejectsWith("UNKNOWN_REFERENCE"),
      );
      assert.equal(await store.trips.get("ghost"), undefined);
    });

    it("lists trips by state, company and office, newest first, with paging", async () => {
      const store = await h.fresh();
      await store.trips.insert(trip("t1", { createdAtMs: T0 + 1, companyId: "c1" }));
      await store.trips.insert(
        trip("t2", { createdAtMs: T0 + 2, state: "armed", origin: "office-x", checkpoints: ["office-a"] }),
      );
      await store.trips.insert(
        trip("t3", {
          createdAtMs: T0 + 3,
          state: "closed",
          origin: "office-x",
          destination: "office-y",
          companyId: "c1",
        }),
      );
      const ids = async (filter?: Parameters<Store["trips"]["list"]>[0]) =>
        (await store.trips.list(filter)).map((t) => t.id);
      assert.deepEqual(await ids(), ["t3", "t2", "t1"]);
      assert.deepEqual(await ids({ states: ["armed", "closed"] }), ["t3", "t2"]);
      assert.deepEqual(await ids({ companyId: "c1" }), ["t3", "t1"]);
      assert.deepEqual(await ids({ office: "office-a" }), ["t2", "t1"]);
      assert.deepEqual(await ids({ office: "office-y" }), ["t3"]);
      assert.deepEqual(await ids({ limit: 1, offset: 1 }), ["t2"]);
      assert.deepEqual(await ids({ states: [] }), []);
    });

    it("finds the trip whose armed window holds an instant", async () => {
      const store = await h.fresh();
      await store.trips.insert(
        trip("old", { devices: ["dev-1"], state: "closed", armedAtMs: T0, closedAtMs: T0 + 1000 }),
      );
      await store.trips.insert(
        trip("now", { devices: ["dev-1", "dev-2"], state: "in_transit", armedAtMs: T0 + 1000 }),
      );
      await store.trips.insert(trip("declared", { devices: ["dev-1"] }));
      await store.trips.insert(trip("cancelled", { devices: ["dev-3"], state: "cancelled", armedAtMs: T0 }));
      assert.equal((await store.trips.windowHolding("dev-1", T0 + 500))?.id, "old");
      assert.equal((await store.trips.windowHolding("dev-1", T0 + 1000))?.id, "now");
      assert.equal((await store.trips.windowHolding("dev-2", T0 + 99_999))?.id, "now");
      assert.equal(await store.trips.windowHolding("dev-1", T0 - 1), undefined);
      assert.equal(await store.trips.windowHolding("dev-3", T0 + 1), undefined);
    });

    it("keeps engine commands and ticks in one seq order", async () => {
      const store = await h.fresh();
      const arm: CommandRecord = {
        seq: 3,
        tripId: "t1",
        command: "arm",
        atMs: T0,
        actor: "officer-1",
        outcome: "accepted",
      };
      const refused: CommandRecord = {
        seq: 7,
        tripId: "t1",
        command: "disarm",
        atMs: T0 + 5,
        force: true,
        reason: "inspection",
        actor: "officer-2",
        outcome: "refused",
        refusal: "not at destination",
      };
      await store.commands.append(refused);
      await store.commands.append(arm);
      await store.commands.appendTick({ seq: 5, atMs: T0 + 3 });
      await store.commands.append({ ...arm, seq: 9, tripId: "t2" });
      assert.deepEqual(await store.commands.forTrip("t1"), [arm, refused]);
      assert.deepEqual(await store.commands.afterSeq(3), [
        { seq: 5, atMs: T0 + 3 },
        refused,
        { ...arm, seq: 9, tripId: "t2" },
      ]);
      await assert.rejects(store.commands.append(arm), rejectsWith("STORE_CONFLICT"));
      assert.equal(await store.commands.maxSeq(), 9);
      await store.commands.appendTick({ seq: 12, atMs: T0 + 9 });
      assert.equal(await store.commands.maxSeq(), 12);
    });

    it("queues device commands until they are sent", async () => {
      const store = await h.fresh();
      const unlock = {
        id: "c1",
        deviceId: "d1",
        tripId: "t1",
        command: "unlock",
        payload: { password: "x" },
        status: "queued" as const,
        actor: "officer-1",
        createdAtMs: T0 + 2,
      };
      await store.commands.putDeviceCommand(unlock);
      await store.commands.putDeviceCommand({
        ...unlock,
        id: "c0",
        createdAtMs: T0 + 1,
        payload: undefined,
        tripId: undefined,
      });
      await store.commands.putDeviceCommand({ ...unlock, id: "c9", deviceId: "d2" });
      assert.deepEqual(
        (await store.commands.pendingDeviceCommands("d1")).map((c) => c.id),
        ["c0", "c1"],
      );
      await store.commands.putDeviceCommand({ ...unlock, status: "sent", sentAtMs: T0 + 3 });
      assert.deepEqual(await store.commands.pendingDeviceCommands("d1"), [
        {
          id: "c0",
          deviceId: "d1",
          command: "unlock",
          status: "queued",
          actor: "officer-1",
          createdAtMs: T0 + 1,
        },
      ]);
    });
  });

  describe("alarms", () => {
    it("upserts engine changes without touching the workflow", async () => {
      const store = await h.fresh();
      const a = alarm("a1", { zone: "z1", type: "restricted_zone", severity: "high" });
      await store.alarms.upsert(a);
      assert.deepEqual(await store.alarms.get("a1"), a);
      await store.alarms.act(
        { id: "act-1", alarmId: "a1", action: "acknowledge", actor: "officer-1", atMs: T0 + 3000 },
        { workflow: "acknowledged", acknowledgedAtMs: T0 + 3000 },
      );
      await store.alarms.upsert({ ...a, clearedAtMs: T0 + 4000, updatedAtMs: T0 + 4000 });
      assert.deepEqual(await store.alarms.get("a1"), {
        ...a,
        clearedAtMs: T0 + 4000,
        workflow: "acknowledged",
        acknowledgedAtMs: T0 + 4000 - 1000,
        updatedAtMs: T0 + 4000,
      });
      await store.alarms.upsert({ ...a, retracted: true, updatedAtMs: T0 + 5000 });
      assert.equal((await store.alarms.get("a1"))?.retracted, true);
      assert.equal(await store.alarms.get("nope"), undefined);
    });

    it("keeps an alarm's evidence: replaced by a change that brings one, kept by one that does not", async () => {
      const store = await h.fresh();
      const began = { atMs: T0, position: [100.5, 13.7] as const, fixAgeS: 0 };
      const raised = {
        reason: "2.4 km off the corridor (corridor 1 km) for 3 min",
        measure: {
          type: "route_deviation" as const,
          distanceM: 2400,
          corridorM: 1000,
          durationS: 180,
          minDurationS: 120,
        },
        began,
        ended: null,
        readings: [
          {
            role: "began" as const,
            deviceId: "d1",
            atMs: T0,
            receivedAtMs: T0 + 5,
            seq: 7,
            protocol: "jt701",
          },
        ],
        asOfMs: T0 + 180_000,
      };
      const a = alarm("ev1", { type: "route_deviation", severity: "high", evidence: raised });
      await store.alarms.upsert(a);
      assert.deepEqual(await store.alarms.get("ev1"), a);
      const cleared = {
        ...raised,
        ended: { atMs: T0 + 600_000, position: [100.6, 13.8] as const },
        asOfMs: T0 + 600_000,
      };
      await store.alarms.upsert({ ...a, clearedAtMs: T0 + 600_000, evidence: cleared });
      assert.deepEqual((await store.alarms.get("ev1"))?.evidence, cleared);
      // A retraction written without evidence keeps what explained the alarm.
      const { evidence: _evidence, ...bare } = a;
      await store.alarms.upsert({ ...bare, retracted: true, updatedAtMs: T0 + 700_000 });
      assert.deepEqual((await store.alarms.get("ev1"))?.evidence, cleared);
      assert.deepEqual((await store.alarms.forTrip(a.trip))[0]?.evidence, cleared);
    });

    it("upserts several alarms in one transaction, the last version of each winning", async () => {
      const store = await h.fresh();
      const a = alarm("m1");
      const b = alarm("m2", { type: "low_battery", severity: "low" });
      await store.alarms.upsertMany([a, b, { ...a, clearedAtMs: T0 + 9000, updatedAtMs: T0 + 9000 }]);
      assert.deepEqual(await store.alarms.get("m1"), {
        ...a,
        clearedAtMs: T0 + 9000,
        updatedAtMs: T0 + 9000,
      });
      assert.deepEqual(await store.alarms.get("m2"), b);
      await store.alarms.upsertMany([]);
    });

    it("lists the alarm queue most severe first, then oldest, with filters", async () => {
      const store = await h.fresh();
      await store.alarms.upsert(alarm("low", { type: "low_battery", severity: "low", raisedAtMs: T0 }));
      await store.alarms.upsert(alarm("crit-new", { raisedAtMs: T0 + 50, startedAtMs: T0 + 2 }));
      await store.alarms.upsert(alarm("crit-old", { raisedAtMs: T0 + 10, startedAtMs: T0 + 1 }));
      await store.alarms.upsert(
        alarm("high", {
          type: "route_deviation",
          severity: "high",
          trip: "trip-2",
          device: null,
          workflow: "resolved",
          outcome: "false_alarm",
        }),
      );
      await store.alarms.upsert(alarm("gone", { retracted: true }));
      const ids = async (filter?: Parameters<Store["alarms"]["list"]>[0]) =>
        (await store.alarms.list(filter)).map((a) => a.id);
      assert.deepEqual(await ids(), ["crit-old", "crit-new", "high", "low"]);
      assert.deepEqual(await ids({ workflow: ["open", "acknowledged"] }), ["crit-old", "crit-new", "low"]);
      assert.deepEqual(await ids({ types: ["low_battery", "route_deviation"] }), ["high", "low"]);
      assert.deepEqual(await ids({ severities: ["critical"], includeRetracted: true }), [
        "crit-old",
        "crit-new",
        "gone",
      ]);
      assert.deepEqual(await ids({ tripIds: ["trip-2"] }), ["high"]);
      assert.deepEqual(await ids({ limit: 2, offset: 1 }), ["crit-new", "high"]);
      assert.deepEqual(
        (await store.alarms.forTrip("trip-1")).map((a) => a.id),
        ["crit-old", "crit-new", "gone", "low"],
      );
      assert.equal((await store.alarms.get("high"))?.device, null);
    });

    it("applies a workflow action and records it in one step", async () => {
      const store = await h.fresh();
      await store.alarms.upsert(alarm("a1"));
      await store.alarms.act(
        {
          id: "x1",
          alarmId: "a1",
          action: "assign",
          actor: "sup-1",
          atMs: T0 + 10,
          details: { to: "officer-3" },
        },
        { assignee: "officer-3" },
      );
      await store.alarms.act(
        {
          id: "x2",
          alarmId: "a1",
          action: "comment",
          actor: "officer-3",
          atMs: T0 + 20,
          details: { text: "on my way" },
        },
        {},
      );
      await store.alarms.act(
        { id: "x3", alarmId: "a1", action: "resolve", actor: "officer-3", atMs: T0 + 30 },
        { workflow: "resolved", outcome: "confirmed_breach", resolvedAtMs: T0 + 30 },
      );
      const got = await store.alarms.get("a1");
      assert.deepEqual(got, {
        ...alarm("a1"),
        assignee: "officer-3",
        workflow: "resolved",
        outcome: "confirmed_breach",
        resolvedAtMs: T0 + 30,
        updatedAtMs: T0 + 30,
      });
      assert.deepEqual(await store.alarms.actions("a1"), [
        {
          id: "x1",
          alarmId: "a1",
          action: "assign",
          actor: "sup-1",
          atMs: T0 + 10,
          details: { to: "officer-3" },
        },
        {
          id: "x2",
          alarmId: "a1",
          action: "comment",
          actor: "officer-3",
          atMs: T0 + 20,
          details: { text: "on my way" },
        },
        { id: "x3", alarmId: "a1", action: "resolve", actor: "officer-3", atMs: T0 + 30 },
      ]);
      await assert.rejects(
        store.alarms.act({ id: "x4", alarmId: "ghost", action: "comment", actor: "a", atMs: T0 }, {}),
        rejectsWith("UNKNOWN_REFERENCE"),
      );
      assert.deepEqual(await store.alarms.actions("ghost"), []);
    });
  });

  describe("audit chain", () => {
    it("chains records from the genesis hash, in seq order", async () => {
      const store = await h.fresh();
      assert.equal(await store.audit.head(), undefined);
      assert.deepEqual(await store.audit.verify(), { ok: true, records: 0 });
      const records = await appendAudit(store, 5);
      assert.deepEqual(
        records.map((r) => r.seq),
        [1, 2, 3, 4, 5],
      );
      assert.equal(records[0]!.prevHash, "0".repeat(64));
      for (let i = 1; i < records.length; i++) assert.equal(records[i]!.prevHash, records[i - 1]!.hash);
      assert.equal(records[2]!.hash, auditHash(records[2]!.prevHash, records[2]!));
      assert.deepEqual(await store.audit.list(), records);
      assert.deepEqual(await store.audit.head(), records[4]);
      assert.deepEqual(await store.audit.list({ subjectType: "alarm" }), [records[1], records[3]]);
      assert.deepEqual(await store.audit.list({ subjectType: "trip", subjectId: "s-3" }), [records[2]]);
      assert.deepEqual(await store.audit.list({ afterSeq: 2, limit: 2 }), [records[2], records[3]]);
      assert.deepEqual(await store.audit.verify(), {
        ok: true,
        records: 5,
        head: { seq: 5, hash: records[4]!.hash },
      });
    });

    it("appends several entries in one transaction, chained in order, among single appends", async () => {
      const store = await h.fresh();
      const [first] = await appendAudit(store, 1);
      const entry = (i: number) => ({
        atMs: T0 + 100 + i,
        actor: "engine",
        action: "alarm.raise",
        subjectType: "alarm",
        subjectId: `m${i}`,
      });
      const many = await store.audit.appendMany([entry(0), entry(1), entry(2)]);
      assert.deepEqual(
        many.map((r) => r.seq),
        [2, 3, 4],
      );
      assert.equal(many[0]!.prevHash, first!.hash);
      assert.equal(many[2]!.prevHash, many[1]!.hash);
      assert.deepEqual(await store.audit.appendMany([]), []);
      const last = await store.audit.append(entry(3));
      assert.equal(last.prevHash, many[2]!.hash);
      assert.deepEqual(await store.audit.verify(), {
        ok: true,
        records: 5,
        head: { seq: 5, hash: last.hash },
      });
    });

    it("serializes concurrent appends into one chain", async () => {
      const store = await h.fresh();
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          store.audit.append({
            atMs: T0 + i,
            actor: "engine",
            action: "trip.arm",
            subjectType: "trip",
            subjectId: `t${i}`,
          }),
        ),
      );
      const result = await store.audit.verify();
      assert.equal(result.ok, true);
      assert.equal(result.records, 25);
    });

    it("names an edited record", async () => {
      const store = await h.fresh();
      await appendAudit(store, 6);
      await h.sql(store, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 4");
      const result = await store.audit.verify();
      assert.equal(result.ok, false);
      assert.ok(
        !result.ok && result.firstBroken === 4 && /edited/.test(result.problem),
        JSON.stringify(result),
      );
    });

    it("names the record after an edited and re-hashed one", async () => {
      const store = await h.fresh();
      const records = await appendAudit(store, 6);
      const forged = { ...records[2]!, actor: "mallory" };
      await h.sql(
        store,
        `UPDATE audit_log SET actor = 'mallory', hash = '${auditHash(forged.prevHash, forged)}' WHERE seq = 3`,
      );
      const result = await store.audit.verify();
      assert.ok(
        !result.ok && result.firstBroken === 4 && /record 3/.test(result.problem),
        JSON.stringify(result),
      );
    });

    it("names a deleted record", async () => {
      const store = await h.fresh();
      await appendAudit(store, 6);
      await h.sql(store, "DELETE FROM audit_log WHERE seq = 3");
      const result = await store.audit.verify();
      assert.ok(
        !result.ok && result.firstBroken === 3 && /missing/.test(result.problem),
        JSON.stringify(result),
      );
    });

    it("names reordered records", async () => {
      const store = await h.fresh();
      await appendAudit(store, 6);
      await h.sql(
        store,
        "UPDATE audit_log SET seq = -3 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = -3",
      );
      const result = await store.audit.verify();
      assert.ok(!result.ok && result.firstBroken === 3, JSON.stringify(result));
    });

    it("names where a record was inserted, even with a valid hash of its own", async () => {
      const store = await h.fresh();
      const records = await appendAudit(store, 5);
      const inserted = {
        seq: 3,
        atMs: T0 + 2500,
        actor: "mallory",
        action: "trip.cancel",
        subjectType: "trip",
        subjectId: "s-x",
        prevHash: records[1]!.hash,
      };
      const hash = auditHash(inserted.prevHash, inserted);
      await h.sql(
        store,
        `UPDATE audit_log SET seq = -seq WHERE seq >= 3;
         UPDATE audit_log SET seq = 1 - seq WHERE seq < 0;
         INSERT INTO audit_log (seq, at_ms, actor, action, subject_type, subject_id, details, prev_hash, hash)
           VALUES (3, ${inserted.atMs}, 'mallory', 'trip.cancel', 'trip', 's-x', NULL, '${inserted.prevHash}', '${hash}')`,
      );
      const listed = await store.audit.list();
      assert.deepEqual(
        listed.map((r) => r.seq),
        [1, 2, 3, 4, 5, 6],
      );
      const result = await store.audit.verify();
      assert.ok(!result.ok && result.firstBroken === 4, JSON.stringify(result));
    });

    it("exports a signed head that a third party verifies offline", async () => {
      const store = await h.fresh();
      await appendAudit(store, 7);
      const keys = keyPair();
      const dir = mkdtempSync(join(tmpdir(), "sealwatch-audit-export-"));
      const { head, records } = await exportAuditChain(store, dir, keys.privatePem, T0 + 99);
      assert.equal(records, 7);
      assert.equal(head.seq, 7);
      assert.equal(head.storeLocation, store.location);
      assert.equal(head.atMs, T0 + 99);
      const ok = await verifyAuditExport(dir, keys.publicPem);
      assert.ok(ok.ok, JSON.stringify(ok));
      assert.equal(ok.records, 7);
      // Records appended after the export do not disturb it.
      await appendAudit(store, 1);
      assert.ok((await verifyAuditExport(dir)).ok);

      // Another key than the trusted one.
      const other = keyPair();
      const wrongKey = await verifyAuditExport(dir, other.publicPem);
      assert.ok(!wrongKey.ok && /another key/.test(wrongKey.problem));

      // A forged signature (the head re-signed by someone else, claiming the original key).
      const headPath = join(dir, EXPORT_HEAD_FILE);
      const original = readFileSync(headPath, "utf8");
      const signed = JSON.parse(original) as SignedHead;
      const forgedHead = {
        ...signed,
        seq: 6,
        hash: (await store.audit.list({ afterSeq: 5, limit: 1 }))[0]!.hash,
      };
      writeFileSync(headPath, JSON.stringify(forgedHead));
      const forged = await verifyAuditExport(dir);
      assert.ok(!forged.ok && /signature/.test(forged.problem), JSON.stringify(forged));
      writeFileSync(
        headPath,
        JSON.stringify({ ...signed, signature: Buffer.alloc(64, 7).toString("base64") }),
      );
      assert.equal((await verifyAuditExport(dir)).ok, false);
      writeFileSync(headPath, original);

      // A modified record.
      const recordsPath = join(dir, EXPORT_RECORDS_FILE);
      const lines = readFileSync(recordsPath, "utf8").trimEnd().split("\n");
      const fifth = JSON.parse(lines[4]!) as AuditRecord;
      lines[4] = JSON.stringify({ ...fifth, subjectId: "s-other" });
      writeFileSync(recordsPath, `${lines.join("\n")}\n`);
      const modified = await verifyAuditExport(dir, keys.publicPem);
      assert.ok(!modified.ok && modified.firstBroken === 5, JSON.stringify(modified));

      // A chain rewritten consistently from record 5 on no longer ends at the signed head.
      const rewritten = lines.slice(0, 4).map((l) => JSON.parse(l) as AuditRecord);
      for (let i = 4; i < 7; i++) {
        const base = JSON.parse(lines[i]!) as AuditRecord;
        const prevHash = rewritten[i - 1]!.hash;
        const record = { ...base, subjectId: "s-rewritten", prevHash };
        rewritten.push({ ...record, hash: auditHash(prevHash, record) });
      }
      writeFileSync(recordsPath, rewritten.map((r) => `${JSON.stringify(r)}\n`).join(""));
      const rehashed = await verifyAuditExport(dir, keys.publicPem);
      assert.ok(!rehashed.ok && /signed head/.test(rehashed.problem), JSON.stringify(rehashed));

      // Truncated: the last record removed.
      writeFileSync(
        recordsPath,
        lines
          .slice(0, 6)
          .map((l, i) => (i === 4 ? JSON.stringify(fifth) : l))
          .join("\n") + "\n",
      );
      const truncated = await verifyAuditExport(dir, keys.publicPem);
      assert.ok(!truncated.ok && truncated.firstBroken === 7, JSON.stringify(truncated));
    });
  });

  describe("access and engine state", () => {
    it("keeps companies, users (case-insensitive names), sessions and API keys", async () => {
      const store = await h.fresh();
      const company = {
        id: "c1",
        name: "Transit SA",
        kind: "carrier" as const,
        country: "CH",
        createdAtMs: T0,
      };
      await store.access.putCompany(company);
      await store.access.putCompany({ ...company, id: "c0", country: undefined, kind: "trader" });
      assert.deepEqual(await store.access.company("c1"), company);
      assert.deepEqual(
        (await store.access.companies()).map((c) => c.id),
        ["c0", "c1"],
      );
      const officer = user("u1", "Anna.Muster", { offices: ["office-a", "office-b"] });
      await store.access.putUser(officer);
      await store.access.putUser(user("u2", "bob", { role: "trader", companyId: "c1", disabled: true }));
      assert.deepEqual(await store.access.user("u1"), officer);
      assert.equal((await store.access.userByName("anna.muster"))?.id, "u1");
      assert.equal((await store.access.userByName("ANNA.MUSTER"))?.id, "u1");
      // Fullwidth look-alikes are the same name (NFKC), as for the login throttle.
      assert.equal((await store.access.userByName("\uff21\uff2e\uff2e\uff21.muster"))?.id, "u1");
      assert.equal(await store.access.userByName("nobody"), undefined);
      await assert.rejects(store.access.putUser(user("u3", "BOB")), rejectsWith("STORE_CONFLICT"));
      await store.access.putUser({ ...officer, displayName: "Anna M." });
      assert.equal((await store.access.user("u1"))?.displayName, "Anna M.");
      assert.deepEqual(
        (await store.access.users()).map((u) => u.id),
        ["u1", "u2"],
      );

      const session = {
        tokenHash: "ab".repeat(32),
        userId: "u1",
        createdAtMs: T0,
        expiresAtMs: T0 + 3_600_000,
      };
      await store.access.putSession(session);
      assert.deepEqual(await store.access.session(session.tokenHash), session);
      await store.access.revokeSession(session.tokenHash, T0 + 10);
      await store.access.revokeSession(session.tokenHash, T0 + 20);
      assert.deepEqual(await store.access.session(session.tokenHash), { ...session, revokedAtMs: T0 + 10 });
      await store.access.revokeSession("unknown", T0);
      // A password change ends the user's other sessions, not the one that made it, nor others' sessions.
      const keep = { ...session, tokenHash: "a1".repeat(32), createdAtMs: T0 + 1 };
      const other = { ...session, tokenHash: "a2".repeat(32), createdAtMs: T0 + 2 };
      const bobs = { ...session, tokenHash: "a3".repeat(32), userId: "u2" };
      for (const s of [keep, other, bobs]) await store.access.putSession(s);
      await store.access.revokeUserSessions("u1", T0 + 30, keep.tokenHash);
      assert.deepEqual(await store.access.session(keep.tokenHash), keep);
      assert.deepEqual(await store.access.session(other.tokenHash), { ...other, revokedAtMs: T0 + 30 });
      assert.deepEqual(await store.access.session(bobs.tokenHash), bobs);
      assert.equal(
        (await store.access.session(session.tokenHash))?.revokedAtMs,
        T0 + 10,
        "kept its first revocation",
      );
      await store.access.revokeUserSessions("u1", T0 + 40);
      assert.equal((await store.access.session(keep.tokenHash))?.revokedAtMs, T0 + 40);
      await assert.rejects(
        store.access.putSession({ ...session, tokenHash: "cd".repeat(32), userId: "ghost" }),
        rejectsWith("UNKNOWN_REFERENCE"),
      );

      const key = {
        id: "k1",
        secretHash: "ef".repeat(32),
        name: "gateway-1",
        role: "gateway" as const,
        createdAtMs: T0,
      };
      await store.access.putApiKey(key);
      await store.access.putApiKey({
        ...key,
        id: "k2",
        companyId: "c1",
        offices: ["office-a"],
        revokedAtMs: T0 + 1,
      });
      assert.deepEqual(await store.access.apiKey("k1"), key);
      assert.deepEqual(
        (await store.access.apiKeys()).map((k) => k.id),
        ["k1", "k2"],
      );
      assert.equal(await store.access.apiKey("nope"), undefined);
    });

    it("keeps the engine's key/value facts", async () => {
      const store = await h.fresh();
      assert.equal(await store.engineState.get("clock"), undefined);
      await store.engineState.set("clock", "1000");
      await store.engineState.set("clock", "2000");
      await store.engineState.set("lastSeq", "17");
      assert.equal(await store.engineState.get("clock"), "2000");
      assert.equal(await store.engineState.get("lastSeq"), "17");
    });
  });

  describe("migrations and opening", () => {
    it("applies migrations once: migrate is idempotent and survives a reopen", async () => {
      const store = await h.fresh();
      const first = await store.migrationStatus();
      assert.equal(first.current, first.latest);
      assert.ok(first.latest >= 1);
      assert.deepEqual(await store.migrate(), first);
      assert.deepEqual(await store.migrate(), first);
      await store.readings.append([reading(1)]);
      const again = await h.reopen(store);
      assert.deepEqual(await again.migrationStatus(), first);
      assert.equal(await again.readings.maxSeq(), 1, "data survives a reopen");
    });

    it("a read-only store reads, and refuses writes loudly with nothing stored", async () => {
      const store = await h.fresh();
      await store.readings.append([reading(1)]);
      await store.audit.append({ atMs: T0, actor: "a", action: "x", subjectType: "t", subjectId: "1" });
      const reader = await h.openReadOnly(store);
      assert.equal((await reader.readings.latest("dev-1"))?.seq, 1);
      assert.equal((await reader.audit.verify()).ok, true);
      await assert.rejects(reader.readings.append([reading(2)]), rejectsWith("STORE_READ_ONLY"));
      await assert.rejects(
        reader.audit.append({ atMs: T0, actor: "a", action: "x", subjectType: "t", subjectId: "1" }),
        rejectsWith("STORE_READ_ONLY"),
      );
      await assert.rejects(reader.engineState.set("k", "v"), rejectsWith("STORE_READ_ONLY"));
      assert.equal(await store.readings.maxSeq(), 1);
      assert.equal((await store.audit.head())?.seq, 1);
      // The writer is not disturbed by the reader.
      assert.deepEqual(await store.readings.append([reading(2)]), ["stored"]);
      assert.equal(await reader.readings.maxSeq(), 2);
      await reader.close();
    });

    it("location names the data without secrets", async () => {
      const store = await h.fresh();
      assert.ok(store.location.length > 0);
      assert.ok(!/secret|password/i.test(store.location), store.location);
    });
  });

  federationContract(h);
  outboxContract(h);
  inspectionContract(h);
  notifyContract(h);
  atomicContract(h);
}
