/**
 * The outbox part of the store contract (called from storeContract, so that every Store
 * implementation passes it): enqueue with audit and progress in one transaction, heads handed out
 * one per destination and ordering key, leases, retries, dead letters, redelivery, discard, purge,
 * and subscriptions.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { NewOutboxMessage, SubscriptionRecord } from "../../src/store/outbox-ports.js";
import { isStoreError } from "../../src/store/store-error.js";
import type { StoreHarness } from "./contract.js";
import { T0 } from "./records.js";

function message(n: number, extra: Partial<NewOutboxMessage> = {}): NewOutboxMessage {
  return {
    kind: "webhook",
    destination: "sub-1",
    orderingKey: "trip-1",
    payload: { n, text: 'é"\u0000', nested: [1, null, { a: true }] },
    createdAtMs: T0 + n,
    ...extra,
  };
}

const LEASE_MS = 30_000;

export function outboxContract(h: StoreHarness): void {
  describe("outbox", () => {
    it("enqueues messages, audit entries and a progress marker in one transaction", async () => {
      const store = await h.fresh();
      const { messages, audit } = await store.outbox.enqueue(
        [message(1), message(2, { companyId: "co-1" })],
        {
          audit: [
            { atMs: T0, actor: "system", action: "handover.send", subjectType: "trip", subjectId: "trip-1" },
          ],
          progress: { key: "outbox.test", value: "42" },
        },
      );
      assert.equal(messages.length, 2);
      assert.ok(messages[0]!.id < messages[1]!.id);
      assert.deepEqual(messages[0]!.payload, { n: 1, text: 'é"\u0000', nested: [1, null, { a: true }] });
      assert.equal(messages[0]!.status, "pending");
      assert.equal(messages[0]!.attempts, 0);
      assert.equal(messages[1]!.companyId, "co-1");
      assert.equal(audit.length, 1);
      assert.equal((await store.audit.head())?.action, "handover.send");
      assert.equal(await store.engineState.get("outbox.test"), "42");
      assert.deepEqual(await store.outbox.get(messages[1]!.id), messages[1]);
    });

    it("refuses, whole, an enqueue whose progress key does not hold the expected value", async () => {
      const store = await h.fresh();
      const key = "outbox.cas";
      await store.outbox.enqueue([message(1)], { progress: { key, value: "a", expected: null } });
      // A second producer that read the key before the first wrote it: refused, nothing stored.
      await assert.rejects(
        store.outbox.enqueue([message(2)], { progress: { key, value: "b", expected: null } }),
        (error: unknown) => isStoreError(error, "STORE_CONFLICT"),
      );
      await assert.rejects(
        store.outbox.enqueue([message(3)], { progress: { key, value: "c", expected: "x" } }),
        (error: unknown) => isStoreError(error, "STORE_CONFLICT"),
      );
      assert.equal((await store.outbox.list()).length, 1);
      assert.equal(await store.engineState.get(key), "a");
      await store.outbox.enqueue([message(4)], { progress: { key, value: "d", expected: "a" } });
      assert.equal(await store.engineState.get(key), "d");
      assert.equal((await store.outbox.list()).length, 2);
    });

    it("stores nothing of an enqueue whose audit entry fails", async () => {
      const store = await h.fresh();
      const sqlite = store.kind === "sqlite";
      await h.sql(
        store,
        sqlite
          ? "CREATE TRIGGER no_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'refused'); END"
          : `CREATE OR REPLACE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql;
             CREATE TRIGGER no_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse();`,
      );
      const refused = assert.rejects(
        store.outbox.enqueue([message(1)], {
          audit: [{ atMs: T0, actor: "system", action: "x", subjectType: "trip", subjectId: "t" }],
          progress: { key: "outbox.test", value: "1" },
        }),
      );
      await refused.finally(() =>
        h.sql(
          store,
          sqlite ? "DROP TRIGGER no_audit" : "DROP TRIGGER no_audit ON audit_log; DROP FUNCTION refuse()",
        ),
      );
      assert.deepEqual(await store.outbox.list(), []);
      assert.equal(await store.engineState.get("outbox.test"), undefined);
    });

    it("hands out one message per destination and ordering key, in order, and leases it", async () => {
      const store = await h.fresh();
      await store.outbox.enqueue([
        message(1),
        message(2),
        message(3, { orderingKey: "trip-2" }),
        message(4, { destination: "sub-2" }),
        message(5, { orderingKey: undefined }),
        message(6, { orderingKey: undefined }),
        message(7, { kind: "email", destination: "ops@example.org" }),
      ]);
      const claimed = await store.outbox.claim(T0 + 100, 50, LEASE_MS, ["webhook"]);
      assert.deepEqual(
        claimed.map((m) => (m.payload as { n: number }).n),
        [1, 3, 4, 5, 6],
      );
      assert.ok(claimed.every((m) => m.leasedUntilMs === T0 + 100 + LEASE_MS));
      // Leased: nothing more until they settle (or the lease runs out).
      assert.deepEqual(await store.outbox.claim(T0 + 200, 50, LEASE_MS, ["webhook"]), []);
      assert.equal(
        await store.outbox.settle(claimed[0]!.id, { kind: "delivered", atMs: T0 + 300, statusCode: 204 }),
        true,
      );
      const next = await store.outbox.claim(T0 + 400, 50, LEASE_MS, ["webhook"]);
      assert.deepEqual(
        next.map((m) => (m.payload as { n: number }).n),
        [2],
      );
      // Another kind is claimed by its own dispatcher; all kinds when none is named.
      assert.deepEqual(
        (await store.outbox.claim(T0 + 400, 50, LEASE_MS)).map((m) => m.kind),
        ["email"],
      );
      const delivered = await store.outbox.get(claimed[0]!.id);
      assert.equal(delivered?.status, "delivered");
      assert.equal(delivered?.attempts, 1);
      assert.equal(delivered?.deliveredAtMs, T0 + 300);
      assert.equal(delivered?.lastStatusCode, 204);
      assert.equal(delivered?.leasedUntilMs, undefined);
    });

    it("hands a message out again when its lease ran out (a dispatcher died)", async () => {
      const store = await h.fresh();
      await store.outbox.enqueue([message(1)]);
      const [first] = await store.outbox.claim(T0 + 10, 10, 1000);
      assert.ok(first !== undefined);
      assert.deepEqual(await store.outbox.claim(T0 + 500, 10, 1000), []);
      const again = await store.outbox.claim(T0 + 1010, 10, 1000);
      assert.deepEqual(
        again.map((m) => m.id),
        [first.id],
      );
    });

    it("retries at the time given, then dead-letters; a dead head holds its key until redelivered or discarded", async () => {
      const store = await h.fresh();
      const { messages } = await store.outbox.enqueue([
        message(1),
        message(2),
        message(3, { orderingKey: "trip-2" }),
      ]);
      const [m1, m2, m3] = messages as [(typeof messages)[0], (typeof messages)[0], (typeof messages)[0]];
      await store.outbox.claim(T0 + 10, 10, LEASE_MS);
      assert.equal(
        await store.outbox.settle(m1.id, {
          kind: "failed",
          atMs: T0 + 20,
          error: "HTTP 503 ".repeat(200),
          statusCode: 503,
          retryAtMs: T0 + 5000,
        }),
        true,
      );
      const waiting = await store.outbox.get(m1.id);
      assert.equal(waiting?.status, "pending");
      assert.equal(waiting?.attempts, 1);
      assert.equal(waiting?.nextAttemptAtMs, T0 + 5000);
      assert.ok((waiting?.lastError?.length ?? 0) <= 500, "a long error is cut");
      assert.deepEqual(
        (await store.outbox.claim(T0 + 4999, 10, LEASE_MS)).map((m) => m.id),
        [],
        "m1 not due yet; m2 behind it; m3 still leased",
      );
      await store.outbox.settle(m3.id, { kind: "delivered", atMs: T0 + 30 });
      assert.deepEqual(
        (await store.outbox.claim(T0 + 5000, 10, LEASE_MS)).map((m) => m.id),
        [m1.id],
      );
      await store.outbox.settle(m1.id, {
        kind: "failed",
        atMs: T0 + 5001,
        error: "timeout",
        retryAtMs: undefined,
      });
      const dead = await store.outbox.get(m1.id);
      assert.equal(dead?.status, "dead");
      assert.equal(dead?.deadAtMs, T0 + 5001);
      assert.equal(dead?.attempts, 2);
      // Settling a message that is no longer pending changes nothing.
      assert.equal(await store.outbox.settle(m1.id, { kind: "delivered", atMs: T0 + 5002 }), false);
      assert.deepEqual(
        await store.outbox.claim(T0 + 99_999, 10, LEASE_MS),
        [],
        "m2 waits behind the dead m1",
      );
      assert.deepEqual(
        (await store.outbox.list({ status: ["dead"] })).map((m) => m.id),
        [m1.id],
      );

      assert.equal(await store.outbox.redeliver(T0 + 100_000, undefined, { destination: "sub-1" }), 1);
      const back = await store.outbox.get(m1.id);
      assert.equal(back?.status, "pending");
      assert.equal(back?.attempts, 0);
      assert.deepEqual(
        (await store.outbox.claim(T0 + 100_000, 10, LEASE_MS)).map((m) => m.id),
        [m1.id],
      );
      await store.outbox.settle(m1.id, {
        kind: "failed",
        atMs: T0 + 100_001,
        error: "x",
        retryAtMs: undefined,
      });
      assert.equal(await store.outbox.discard(m1.id, T0 + 100_002, "admin-1"), true);
      assert.equal((await store.outbox.get(m1.id))?.discardedBy, "admin-1");
      assert.equal(await store.outbox.discard(m1.id, T0 + 100_003, "admin-1"), false);
      assert.deepEqual(
        (await store.outbox.claim(T0 + 100_004, 10, LEASE_MS)).map((m) => m.id),
        [m2.id],
        "a discarded head lets the next go",
      );
      assert.equal(
        await store.outbox.redeliver(T0 + 100_005, [m2.id, m1.id]),
        1,
        "only pending or dead ones",
      );
    });

    it("lists by filter, newest first, counts, and purges only finished messages", async () => {
      const store = await h.fresh();
      const { messages } = await store.outbox.enqueue([
        message(1, { companyId: "co-1" }),
        message(2, { kind: "email", destination: "a@example.org", orderingKey: undefined }),
        message(3, { companyId: "co-2" }),
      ]);
      await store.outbox.claim(T0 + 10, 10, LEASE_MS);
      await store.outbox.settle(messages[1]!.id, { kind: "delivered", atMs: T0 + 20 });
      assert.deepEqual(
        (await store.outbox.list({ kind: "webhook", newestFirst: true })).map((m) => m.id),
        [messages[2]!.id, messages[0]!.id],
      );
      assert.deepEqual(
        (await store.outbox.list({ companyId: "co-2" })).map((m) => m.id),
        [messages[2]!.id],
      );
      assert.deepEqual(
        (await store.outbox.list({ afterId: messages[0]!.id, limit: 1 })).map((m) => m.id),
        [messages[1]!.id],
      );
      assert.deepEqual(
        (await store.outbox.list({ beforeId: messages[2]!.id, newestFirst: true, limit: 1 })).map(
          (m) => m.id,
        ),
        [messages[1]!.id],
      );
      assert.deepEqual(await store.outbox.counts(), [
        { kind: "email", status: "delivered", count: 1 },
        { kind: "webhook", status: "pending", count: 2 },
      ]);
      assert.equal(await store.outbox.purge(T0 + 21), 1);
      assert.equal(await store.outbox.purge(T0 + 10_000), 0, "pending messages are never purged");
      assert.equal((await store.outbox.list()).length, 2);
    });

    it("keeps messages across a restart, and ids keep growing after a purge", async () => {
      let store = await h.fresh();
      const { messages } = await store.outbox.enqueue([message(1), message(2)]);
      await store.outbox.claim(T0 + 1, 10, LEASE_MS);
      await store.outbox.settle(messages[0]!.id, { kind: "delivered", atMs: T0 + 2 });
      await store.outbox.purge(T0 + 3);
      store = await h.reopen(store);
      const [kept] = await store.outbox.list();
      assert.equal(kept?.id, messages[1]!.id);
      await store.outbox.settle(messages[1]!.id, { kind: "delivered", atMs: T0 + 4 });
      await store.outbox.purge(T0 + 5);
      const { messages: later } = await store.outbox.enqueue([message(3)]);
      assert.ok(later[0]!.id > messages[1]!.id);
    });
  });

  describe("subscriptions", () => {
    const subscription = (id: string, extra: Partial<SubscriptionRecord> = {}): SubscriptionRecord => ({
      id,
      callbackUrl: "https://partner.example/hooks/sealwatch",
      format: "epcis",
      eventTypes: ["alarm.raised"],
      tripIds: ["trip-1"],
      signature: "hmac-sha256",
      sealedSecret: Uint8Array.from([1, 2, 3, 250]),
      owner: { kind: "user", id: "u-1", role: "trader", companyId: "co-1" },
      afterAuditSeq: 7,
      companyId: "co-1",
      status: "active",
      createdAtMs: T0,
      updatedAtMs: T0,
      ...extra,
    });

    it("keeps subscriptions with their sealed secret, lists by owner and company, hides deleted ones", async () => {
      const store = await h.fresh();
      const a = subscription("s-a");
      const b = subscription("s-b", {
        owner: { kind: "apiKey", id: "u-2", role: "admin" },
        signature: "ed25519",
        createdAtMs: T0 + 1,
      });
      const { companyId: _c, sealedSecret: _s, ...bRest } = b;
      await store.subscriptions.put(a);
      await store.subscriptions.put(bRest);
      assert.deepEqual(await store.subscriptions.get("s-a"), a);
      assert.deepEqual(await store.subscriptions.get("s-b"), bRest);
      assert.deepEqual(
        (await store.subscriptions.list({ ownerId: "u-1" })).map((s) => s.id),
        ["s-a"],
      );
      assert.deepEqual(
        (await store.subscriptions.list({ companyId: "co-1" })).map((s) => s.id),
        ["s-a"],
      );
      await store.subscriptions.put({ ...a, status: "deleted", deletedAtMs: T0 + 5, updatedAtMs: T0 + 5 });
      assert.deepEqual(
        (await store.subscriptions.list()).map((s) => s.id),
        ["s-b"],
      );
      assert.deepEqual(
        (await store.subscriptions.list({ includeDeleted: true })).map((s) => s.id),
        ["s-a", "s-b"],
      );
    });
  });
}
