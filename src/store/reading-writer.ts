/**
 * Group commit over any ReadingStore: callers `write` one reading and get a promise that settles
 * when the batch holding it has committed (or failed). Batches close at `maxBatch` readings or
 * `maxDelayMs` after their first reading; while one transaction is in flight the next batch fills
 * up, so under load batches grow and commits stay few. The queue is bounded: when `maxQueued`
 * readings wait, `write` waits for room (backpressure) instead of letting memory grow.
 *
 * One writer per store: the writer keeps at most one append in flight, which keeps the store's
 * input order the order of `write` calls.
 */
import { StoreError } from "./store-error.js";
import type { AppendOutcome, ReadingRecord, ReadingStore } from "./ports.js";

export interface ReadingWriterOptions {
  /**
   * Readings per transaction at most (default 5000). Under load a bigger cap means fewer commits
   * for the same readings (see the store benchmark); at low load batches stay small anyway.
   */
  readonly maxBatch?: number;
  /** How long the first reading of a batch waits for company (default 5 ms). */
  readonly maxDelayMs?: number;
  /** Readings waiting for a transaction at most, before `write` waits (default 10 × maxBatch). */
  readonly maxQueued?: number;
}

export interface ReadingWriterStats {
  readonly batches: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly failedBatches: number;
  readonly largestBatch: number;
}

export const DEFAULT_MAX_BATCH = 5000;

/** A FIFO with O(1) amortized take from the front (Array#shift and slice are O(n) on big arrays). */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    this.compact();
    return item;
  }

  /** Removes and returns up to `n` items from the front. */
  take(n: number): T[] {
    const taken = this.items.slice(this.head, this.head + n);
    this.head += taken.length;
    this.compact();
    return taken;
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

interface Pending {
  readonly record: ReadingRecord;
  readonly resolve: (outcome: AppendOutcome) => void;
  readonly reject: (error: unknown) => void;
}

export class ReadingWriter {
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;
  private readonly maxQueued: number;
  private readonly queue = new Fifo<Pending>();
  /** Writers waiting for room in the queue, first come first served. */
  private readonly roomWaiters = new Fifo<() => void>();
  /** Slots promised to woken writers that have not enqueued yet. */
  private reserved = 0;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly idleWaiters: (() => void)[] = [];
  private counters = { batches: 0, stored: 0, duplicates: 0, failedBatches: 0, largestBatch: 0 };

  constructor(
    private readonly store: ReadingStore,
    options: ReadingWriterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    this.maxDelayMs = options.maxDelayMs ?? 5;
    this.maxQueued = Math.max(options.maxQueued ?? this.maxBatch * 10, this.maxBatch);
  }

  /** Queues `record`; resolves with its outcome once its batch committed, rejects if the batch failed. */
  write(record: ReadingRecord): Promise<AppendOutcome> {
    if (this.closing)
      return Promise.reject(
        new StoreError("STORE_UNAVAILABLE", "the reading writer is closed; nothing was written"),
      );
    if (this.queue.length + this.reserved >= this.maxQueued || this.roomWaiters.length > 0)
      return this.writeWhenRoom(record);
    return this.enqueue(record);
  }

  private async writeWhenRoom(record: ReadingRecord): Promise<AppendOutcome> {
    // `admitWaiters` reserves our slot before waking us, in arrival order.
    await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    this.reserved--;
    return this.enqueue(record);
  }

  private enqueue(record: ReadingRecord): Promise<AppendOutcome> {
    return new Promise<AppendOutcome>((resolve, reject) => {
      this.queue.push({ record, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when everything written before the call has been committed or has failed. */
  async flush(): Promise<void> {
    for (;;) {
      // Let writers that were just given room enqueue first.
      await Promise.resolve();
      if (
        this.queue.length === 0 &&
        this.inFlight === undefined &&
        this.roomWaiters.length === 0 &&
        this.reserved === 0
      )
        return;
      const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      if (this.inFlight === undefined) this.startBatch();
      await idle;
    }
  }

  /** Refuses new writes, then drains what is queued. Does not close the store. */
  async close(): Promise<void> {
    this.closing = true;
    await this.flush();
  }

  get stats(): ReadingWriterStats {
    return { ...this.counters };
  }

  /** Readings queued and not yet in a transaction. */
  get queued(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.inFlight !== undefined) return; // the batch starts when the one in flight ends
    if (this.queue.length >= this.maxBatch) {
      this.startBatch();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.inFlight === undefined) this.startBatch();
      }, this.maxDelayMs);
    }
  }

  private startBatch(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queue.length === 0) {
      this.notifyIdle();
      return;
    }
    const batch = this.queue.take(this.maxBatch);
    this.admitWaiters();
    this.inFlight = this.commit(batch).finally(() => {
      this.inFlight = undefined;
      if (this.queue.length === 0) {
        this.notifyIdle();
        return;
      }
      // What arrived during the commit goes next, after one turn of the event loop: a synchronous
      // store (SQLite) blocked the loop while committing, so the readings that came in meanwhile
      // still wait in socket buffers; letting them in first keeps batches large under load.
      setImmediate(() => {
        if (this.inFlight === undefined) this.startBatch();
      });
    });
  }

  private async commit(batch: Pending[]): Promise<void> {
    this.counters.batches++;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, batch.length);
    let outcomes: AppendOutcome[];
    try {
      outcomes = await this.store.append(batch.map((p) => p.record));
      if (outcomes.length !== batch.length)
        throw new StoreError(
          "STORE_FAILED",
          `the store returned ${outcomes.length} outcomes for ${batch.length} readings`,
        );
    } catch (error) {
      this.counters.failedBatches++;
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i]!;
      if (outcome === "stored") this.counters.stored++;
      else this.counters.duplicates++;
      pending.resolve(outcome);
    });
  }

  private admitWaiters(): void {
    while (this.roomWaiters.length > 0 && this.queue.length + this.reserved < this.maxQueued) {
      this.reserved++;
      this.roomWaiters.shift()!();
    }
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.inFlight !== undefined) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
