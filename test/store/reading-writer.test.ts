/** Group commit: batching by size and time, one transaction in flight, backpressure, failures. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AppendOutcome, ReadingRecord, ReadingStore } from "../../src/store/ports.js";
import { ReadingWriter } from "../../src/store/reading-writer.js";
import { StoreError } from "../../src/store/store-error.js";
import { reading } from "./records.js";

/** A ReadingStore whose appends complete when the test says so. */
class ManualStore implements Pick<ReadingStore, "append"> {
  readonly batches: ReadingRecord[][] = [];
  private readonly seen = new Set<string>();
  private readonly waiting: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  auto = false;

  async append(batch: readonly ReadingRecord[]): Promise<AppendOutcome[]> {
    this.batches.push([...batch]);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (!this.auto) await new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
      else await new Promise((resolve) => setImmediate(resolve));
    } finally {
      this.inFlight--;
    }
    return batch.map((r) =>
      this.seen.has(r.dedupKey) ? "duplicate" : (this.seen.add(r.dedupKey), "stored"),
    );
  }

  /** Commits (or fails) the oldest batch in flight. */
  async finish(error?: unknown): Promise<void> {
    while (this.waiting.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const next = this.waiting.shift()!;
    if (error === undefined) next.resolve();
    else next.reject(error);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const asStore = (s: ManualStore): ReadingStore => s as unknown as ReadingStore;
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("ReadingWriter", () => {
  it("resolves each write only after its batch committed, with its own outcome", async () => {
    const store = new ManualStore();
    const writer = new ReadingWriter(asStore(store), { maxBatch: 3, maxDelayMs: 1000 });
    let settled = 0;
    const writes = [reading(1), reading(2), reading(1)].map((r) => writer.write(r).finally(() => settled++));
    await tick();
    assert.equal(store.batches.length, 1, "a full batch starts at once, without waiting for the timer");
    assert.equal(settled, 0, "nothing is acknowledged before the commit");
    await store.finish();
    assert.deepEqual(await Promise.all(writes), ["stored", "stored", "duplicate"]);
  });

  it("closes a partial batch after maxDelayMs", async () => {
    const store = new ManualStore();
    store.auto = true;
    const writer = new ReadingWriter(asStore(store), { maxBatch: 1000, maxDelayMs: 5 });
    const started = Date.now();
    assert.equal(await writer.write(reading(1)), "stored");
    assert.ok(Date.now() - started >= 4);
    assert.equal(store.batches[0]!.length, 1);
  });

  it("keeps one transaction in flight; what arrives meanwhile goes next, in order", async () => {
    const store = new ManualStore();
    const writer = new ReadingWriter(asStore(store), { maxBatch: 2, maxDelayMs: 1, maxQueued: 100 });
    const writes = Array.from({ length: 7 }, (_, i) => writer.write(reading(i + 1)));
    await tick();
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(store.batches.length, 1);
    for (let i = 0; i < 4; i++) await store.finish();
    await Promise.all(writes);
    assert.equal(store.maxInFlight, 1);
    assert.deepEqual(
      store.batches.map((b) => b.map((r) => r.seq)),
      [[1, 2], [3, 4], [5, 6], [7]],
    );
    assert.deepEqual(writer.stats, {
      batches: 4,
      stored: 7,
      duplicates: 0,
      failedBatches: 0,
      largestBatch: 2,
    });
  });

  it("rejects every write of a failed batch, and goes on with the next", async () => {
    const store = new ManualStore();
    const writer = new ReadingWriter(asStore(store), { maxBatch: 2, maxDelayMs: 1 });
    const first = [writer.write(reading(1)), writer.write(reading(2))].map((w) =>
      w.then(
        () => "resolved",
        (e: unknown) => e,
      ),
    );
    const second = writer.write(reading(3));
    await tick();
    const failure = new StoreError("STORE_FULL", "disk full");
    await store.finish(failure);
    for (const write of first) assert.equal(await write, failure);
    await store.finish();
    assert.equal(await second, "stored");
    assert.equal(writer.stats.failedBatches, 1);
  });

  it("bounds the queue: a full queue makes write wait, in arrival order", async () => {
    const store = new ManualStore();
    const writer = new ReadingWriter(asStore(store), { maxBatch: 2, maxDelayMs: 1, maxQueued: 4 });
    const order: number[] = [];
    const writes = Array.from({ length: 12 }, (_, i) =>
      writer.write(reading(i + 1)).then(() => order.push(i + 1)),
    );
    await tick();
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Two in the transaction, four queued; the other six wait outside the queue.
    assert.equal(store.batches.length, 1);
    assert.ok(writer.queued <= 4, `queued ${writer.queued}`);
    let peak = writer.queued;
    while (store.batches.flat().length < 12 || store.inFlight > 0) {
      await store.finish();
      peak = Math.max(peak, writer.queued);
    }
    await Promise.all(writes);
    assert.ok(peak <= 4, `the queue never held more than maxQueued (peak ${peak})`);
    assert.deepEqual(
      order,
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    assert.deepEqual(
      store.batches.flat().map((r) => r.seq),
      order,
    );
  });

  it("flush drains everything written before it; close refuses later writes", async () => {
    const store = new ManualStore();
    store.auto = true;
    const writer = new ReadingWriter(asStore(store), { maxBatch: 10, maxDelayMs: 10_000, maxQueued: 20 });
    const writes = Array.from({ length: 25 }, (_, i) => writer.write(reading(i + 1)));
    await writer.flush();
    assert.equal(store.batches.flat().length, 25);
    await Promise.all(writes);
    await writer.flush();
    void writer.write(reading(26));
    await writer.close();
    assert.equal(store.batches.flat().length, 26);
    await assert.rejects(
      writer.write(reading(27)),
      (e: unknown) => e instanceof StoreError && e.code === "STORE_UNAVAILABLE",
    );
  });
});
