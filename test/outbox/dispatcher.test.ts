/**
 * The outbox dispatcher over a real SQLite store, with a handler the test controls: order per key,
 * retries with growing pauses, dead letters, the concurrency bound, timeouts and shutdown.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { retryDelayMs } from "../../src/outbox/backoff.js";
import { OutboxDispatcher, type DeliveryHandler, type HandlerResult } from "../../src/outbox/dispatcher.js";
import type { OutboxMessage } from "../../src/store/outbox-ports.js";
import { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";

const root = mkdtempSync(join(tmpdir(), "sealwatch-outbox-"));
const stores: SqliteStore[] = [];
after(async () => {
  for (const store of stores) await store.close();
  rmSync(root, { recursive: true, force: true });
});
let n = 0;
async function freshStore(): Promise<SqliteStore> {
  const store = await SqliteStore.open(join(root, `s${++n}.db`));
  stores.push(store);
  return store;
}

const T0 = Date.UTC(2025, 2, 1);

/** A handler whose answers the test scripts, recording what it was given. */
class ScriptedHandler implements DeliveryHandler {
  readonly seen: number[] = [];
  maxConcurrent = 0;
  private active = 0;
  constructor(private readonly answer: (m: OutboxMessage, signal: AbortSignal) => Promise<HandlerResult>) {}
  async deliver(message: OutboxMessage, signal: AbortSignal): Promise<HandlerResult> {
    this.active++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.active);
    this.seen.push((message.payload as { n: number }).n);
    try {
      return await this.answer(message, signal);
    } finally {
      this.active--;
    }
  }
}

async function enqueue(
  store: SqliteStore,
  count: number,
  key = (i: number): string => `trip-${i % 2}`,
): Promise<void> {
  await store.outbox.enqueue(
    Array.from({ length: count }, (_, i) => ({
      kind: "test",
      destination: "d",
      orderingKey: key(i),
      payload: { n: i },
      createdAtMs: T0,
    })),
  );
}

describe("retry pauses", () => {
  it("grow exponentially with jitter between half and the whole, up to the cap, then give up", () => {
    const policy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 6000 };
    assert.equal(
      retryDelayMs(1, () => 0, policy),
      500,
    );
    assert.equal(
      retryDelayMs(1, () => 0.999999, policy),
      1000,
    );
    assert.equal(
      retryDelayMs(3, () => 0, policy),
      2000,
    );
    assert.equal(
      retryDelayMs(4, () => 0.999999, policy),
      6000,
      "capped",
    );
    assert.equal(
      retryDelayMs(5, () => 0.5, policy),
      undefined,
      "dead after maxAttempts",
    );
    assert.equal(
      retryDelayMs(1, () => 0, policy, 4000),
      4000,
      "a receiver's Retry-After is honoured",
    );
    assert.equal(
      retryDelayMs(1, () => 0, policy, 60_000),
      6000,
      "but not beyond the cap",
    );
  });
});

describe("OutboxDispatcher", () => {
  it("delivers in order per ordering key, never two of one key at once, within the concurrency bound", async () => {
    const store = await freshStore();
    await enqueue(store, 10);
    const inFlightKeys = new Set<string>();
    const handler = new ScriptedHandler(async (m) => {
      assert.ok(!inFlightKeys.has(m.orderingKey!), "two messages of one key in flight");
      inFlightKeys.add(m.orderingKey!);
      await new Promise((resolve) => setImmediate(resolve));
      inFlightKeys.delete(m.orderingKey!);
      return { ok: true, statusCode: 200 };
    });
    const dispatcher = new OutboxDispatcher(
      store.outbox,
      { test: handler },
      { concurrency: 2, now: () => T0 },
    );
    while ((await store.outbox.list({ status: ["pending"] })).length > 0) {
      await dispatcher.dispatchDue();
      assert.ok(dispatcher.busy <= 2);
      await dispatcher.drain();
    }
    assert.ok(handler.maxConcurrent <= 2);
    assert.deepEqual(
      handler.seen.filter((i) => i % 2 === 0),
      [0, 2, 4, 6, 8],
    );
    assert.deepEqual(
      handler.seen.filter((i) => i % 2 === 1),
      [1, 3, 5, 7, 9],
    );
    assert.equal(dispatcher.stats.delivered, 10);
    assert.ok((await store.outbox.list()).every((m) => m.status === "delivered" && m.attempts === 1));
  });

  it("retries a failure after a growing pause, dead-letters after the last attempt, and a redelivery succeeds", async () => {
    const store = await freshStore();
    await enqueue(store, 2, () => "trip-1");
    let clock = T0;
    let up = false;
    const handler = new ScriptedHandler(() =>
      Promise.resolve(up ? { ok: true } : { ok: false, error: "HTTP 503", statusCode: 503 }),
    );
    const dispatcher = new OutboxDispatcher(
      store.outbox,
      { test: handler },
      { now: () => clock, random: () => 0, retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000 } },
    );
    const pauses: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      assert.equal(await dispatcher.dispatchDue(), 1);
      await dispatcher.drain();
      const [head] = await store.outbox.list({ limit: 1 });
      if (head!.status === "pending") pauses.push(head!.nextAttemptAtMs - clock);
      // Not due before its time.
      assert.equal(await dispatcher.dispatchDue(), 0);
      clock = head!.nextAttemptAtMs;
    }
    assert.deepEqual(pauses, [500, 1000]);
    const [dead, behind] = await store.outbox.list();
    assert.equal(dead!.status, "dead");
    assert.equal(dead!.attempts, 3);
    assert.equal(dead!.lastError, "HTTP 503");
    assert.equal(dead!.lastStatusCode, 503);
    assert.equal(behind!.status, "pending");
    assert.equal(behind!.attempts, 0, "the second waited behind the first: never tried out of order");
    assert.deepEqual(handler.seen, [0, 0, 0]);

    up = true;
    assert.equal(await store.outbox.redeliver(clock), 1);
    for (let i = 0; i < 2; i++) {
      await dispatcher.dispatchDue();
      await dispatcher.drain();
    }
    assert.deepEqual(handler.seen, [0, 0, 0, 0, 1]);
    assert.ok((await store.outbox.list()).every((m) => m.status === "delivered"));
  });

  it("aborts an attempt that outlives its timeout and counts it as a failure; a thrown error likewise", async () => {
    const store = await freshStore();
    await enqueue(store, 2, (i) => `k${i}`);
    const handler = new ScriptedHandler(
      (m, signal) =>
        new Promise((_resolve, reject) => {
          if ((m.payload as { n: number }).n === 1) reject(new Error("socket hang up"));
          signal.addEventListener("abort", () => reject(signal.reason as Error));
        }),
    );
    const dispatcher = new OutboxDispatcher(
      store.outbox,
      { test: handler },
      { attemptTimeoutMs: 50, now: () => T0 },
    );
    await dispatcher.dispatchDue();
    await dispatcher.drain();
    const [slow, thrown] = await store.outbox.list();
    assert.equal(slow!.status, "pending");
    assert.equal(slow!.lastError, "timed out after 50 ms");
    assert.equal(thrown!.lastError, "socket hang up");
    assert.equal(dispatcher.stats.failed, 2);
  });

  it("gives a kind with its own attempt timeout (partner deliveries) that timeout, and leases for the longest", async () => {
    const store = await freshStore();
    await enqueue(store, 1);
    let leasedUntilMs: number | undefined;
    const slow = {
      attemptTimeoutMs: 75,
      deliver: (m: { id: number }, signal: AbortSignal) =>
        new Promise<never>((_resolve, reject) => {
          void store.outbox.get(m.id).then((stored) => (leasedUntilMs = stored?.leasedUntilMs));
          signal.addEventListener("abort", () => reject(signal.reason as Error));
        }),
    };
    const dispatcher = new OutboxDispatcher(
      store.outbox,
      { test: slow },
      { attemptTimeoutMs: 20, now: () => T0 },
    );
    await dispatcher.dispatchDue();
    await dispatcher.drain();
    const [message] = await store.outbox.list();
    assert.equal(message!.lastError, "timed out after 75 ms");
    assert.equal(leasedUntilMs, T0 + 75 * 2 + 5_000);
  });

  it("dead-letters at once what the handler calls permanent", async () => {
    const store = await freshStore();
    await enqueue(store, 1);
    const dispatcher = new OutboxDispatcher(
      store.outbox,
      {
        test: new ScriptedHandler(() =>
          Promise.resolve({ ok: false, error: "subscription deleted", permanent: true }),
        ),
      },
      { now: () => T0 },
    );
    await dispatcher.dispatchDue();
    await dispatcher.drain();
    const [message] = await store.outbox.list();
    assert.equal(message!.status, "dead");
    assert.equal(dispatcher.stats.dead, 1);
  });

  it("runs in the background, delivers what is enqueued after a nudge, and stops cleanly mid-attempt", async () => {
    const store = await freshStore();
    let secondStarted = false;
    const handler = new ScriptedHandler((m, signal) =>
      (m.payload as { n: number }).n === 0
        ? Promise.resolve({ ok: true })
        : new Promise((_resolve, reject) => {
            secondStarted = true;
            signal.addEventListener("abort", () => reject(new Error("aborted")));
          }),
    );
    const dispatcher = new OutboxDispatcher(store.outbox, { test: handler }, { pollIntervalMs: 60_000 });
    dispatcher.start();
    await enqueue(store, 2, () => "k");
    dispatcher.nudge();
    while (!secondStarted) await new Promise((resolve) => setTimeout(resolve, 5));
    await dispatcher.stop();
    const [first, second] = await store.outbox.list();
    assert.equal(first!.status, "delivered");
    assert.equal(second!.status, "pending", "an attempt cut by the shutdown is tried again");
    assert.equal(second!.lastError, "stopped at shutdown");
    assert.ok(second!.nextAttemptAtMs <= Date.now());
  });
});
