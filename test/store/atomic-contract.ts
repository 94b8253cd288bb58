/**
 * Part of the store contract: an engine decision and its audit record are one write. An alarm and its
 * `alarm.*` record, and a trip's state and its `trip.transition` record, are committed together or
 * not at all; a database that refuses the audit record (here a trigger) leaves the change unwritten.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AuditEntry, Store } from "../../src/store/ports.js";
import { isStoreError } from "../../src/store/store-error.js";
import type { StoreHarness } from "./contract.js";
import { T0, alarm, trip } from "./records.js";

const entry = (action: string, subjectType: string, subjectId: string, atMs = T0): AuditEntry => ({
  atMs,
  actor: "engine",
  action,
  subjectType,
  subjectId,
  details: { note: "with its change" },
});

/** Makes every audit insert fail, as a full or failing database would, until `undo` runs. */
async function refuseAudit(h: StoreHarness, store: Store): Promise<() => Promise<void>> {
  if (store.kind === "sqlite") {
    await h.sql(
      store,
      "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END;",
    );
    return () => h.sql(store, "DROP TRIGGER refuse_audit");
  }
  await h.sql(
    store,
    `CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$;
     CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit();`,
  );
  return () => h.sql(store, "DROP TRIGGER refuse_audit ON audit_log; DROP FUNCTION refuse_audit();");
}

const rejectsStoreError = (error: unknown): boolean => {
  assert.ok(isStoreError(error), `expected a StoreError, got ${String(error)}`);
  return true;
};

export function atomicContract(h: StoreHarness): void {
  describe("a change and its audit record", () => {
    it("stores alarms with their audit records, chained in order", async () => {
      const store = await h.fresh();
      const a = alarm("x1");
      const b = alarm("x2", { type: "low_battery", severity: "low" });
      await store.alarms.upsertMany(
        [a, b],
        [entry("alarm.raise", "alarm", "x1"), entry("alarm.raise", "alarm", "x2")],
      );
      assert.deepEqual(await store.alarms.get("x1"), a);
      const records = await store.audit.list({ subjectType: "alarm" });
      assert.deepEqual(
        records.map((r) => [r.seq, r.subjectId]),
        [
          [1, "x1"],
          [2, "x2"],
        ],
      );
      assert.equal((await store.audit.verify()).ok, true);
    });

    it("stores neither an alarm nor its record when the record cannot be written", async () => {
      const store = await h.fresh();
      const before = alarm("y1");
      await store.alarms.upsertMany([before], [entry("alarm.raise", "alarm", "y1")]);
      const undo = await refuseAudit(h, store);
      try {
        await assert.rejects(
          store.alarms.upsertMany(
            [{ ...before, clearedAtMs: T0 + 9000, updatedAtMs: T0 + 9000 }, alarm("y2")],
            [entry("alarm.clear", "alarm", "y1"), entry("alarm.raise", "alarm", "y2")],
          ),
          rejectsStoreError,
        );
      } finally {
        await undo();
      }
      assert.deepEqual(await store.alarms.get("y1"), before, "the clear was not written without its record");
      assert.equal(await store.alarms.get("y2"), undefined, "the alarm was not written without its record");
      assert.deepEqual(
        (await store.audit.list()).map((r) => r.action),
        ["alarm.raise"],
      );
    });

    it("stores a trip transition with its record, or neither", async () => {
      const store = await h.fresh();
      const t = trip("tx1");
      await store.trips.insert(t);
      const armed = {
        id: "tx1",
        state: "armed" as const,
        armedAtMs: T0 + 10,
        armSeq: 7,
        updatedAtMs: T0 + 10,
      };
      await store.trips.updateState(armed, [entry("trip.transition", "trip", "tx1", T0 + 10)]);
      assert.equal((await store.trips.get("tx1"))?.state, "armed");
      assert.deepEqual(
        (await store.audit.list({ subjectId: "tx1" })).map((r) => r.action),
        ["trip.transition"],
      );
      const undo = await refuseAudit(h, store);
      try {
        await assert.rejects(
          store.trips.updateState(
            { ...armed, state: "in_transit", inTransitAtMs: T0 + 20, updatedAtMs: T0 + 20 },
            [entry("trip.transition", "trip", "tx1", T0 + 20)],
          ),
          rejectsStoreError,
        );
      } finally {
        await undo();
      }
      const after = await store.trips.get("tx1");
      assert.equal(after?.state, "armed", "the transition was not written without its record");
      assert.equal(after?.inTransitAtMs, undefined);
      assert.equal((await store.audit.list()).length, 1);
      // A ghost trip writes no record either.
      await assert.rejects(
        store.trips.updateState({ id: "ghost", state: "armed", updatedAtMs: T0 }, [
          entry("trip.transition", "trip", "ghost"),
        ]),
        rejectsStoreError,
      );
      assert.equal((await store.audit.list()).length, 1);
      assert.equal((await store.audit.verify()).ok, true);
    });
  });
}
