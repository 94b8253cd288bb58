/**
 * Clock-driven conditions (signal loss, overdue) wait here, in a binary min-heap of due times.
 *
 * A condition's due time may move later without touching the heap (each new message postpones a
 * signal loss); when an entry comes out early, it is pushed back with the current due time. Each
 * timer is in the heap at most once.
 */
export interface Timer {
  /** Fires once the clock is strictly later than this. */
  readonly dueMs: number;
  /** Whether the timer still waits for its due time. */
  readonly pending: boolean;
  /** Set by the queue. */
  queued: boolean;
  fire(clockMs: number): void;
}

interface Entry {
  dueMs: number;
  timer: Timer;
}

export class TimerQueue {
  private readonly heap: Entry[] = [];

  get size(): number {
    return this.heap.length;
  }

  /** Makes sure the timer will be looked at when its due time passes. */
  schedule(timer: Timer): void {
    if (timer.queued || !timer.pending) return;
    timer.queued = true;
    this.push({ dueMs: timer.dueMs, timer });
  }

  /** Fires every pending timer whose due time is strictly before `clockMs`, earliest first. */
  advance(clockMs: number): void {
    const heap = this.heap;
    while (heap.length > 0 && heap[0]!.dueMs < clockMs) {
      const entry = this.pop();
      const timer = entry.timer;
      timer.queued = false;
      if (!timer.pending) continue;
      if (timer.dueMs > entry.dueMs) {
        timer.queued = true;
        this.push({ dueMs: timer.dueMs, timer });
        continue;
      }
      timer.fire(clockMs);
      // A timer that is still pending after firing (it rescheduled itself) goes back in.
      this.schedule(timer);
    }
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.dueMs <= entry.dueMs) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): Entry {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      const n = heap.length;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && heap[right]!.dueMs < heap[left]!.dueMs ? right : left;
        if (heap[child]!.dueMs >= last.dueMs) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}
