/** Timing and memory helpers for the benchmarks. */
import { readdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect !== undefined) {
    collect();
    collect();
  }
}

/** The JS heap alone after a full collection (typed-array backing stores are freed lazily). */
export function jsHeapBytes(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/** JS heap plus typed-array backing stores (which live outside the heap). */
export function heapUsedBytes(): number {
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** Runs `body` and returns the elapsed milliseconds. */
export function timeMs(body: () => void): number {
  const start = performance.now();
  body();
  return performance.now() - start;
}

/** Best of `rounds` timings (the least disturbed by other load on a shared machine). */
export function bestOfMs(rounds: number, body: () => void): number {
  let best = Infinity;
  for (let i = 0; i < rounds; i++) best = Math.min(best, timeMs(body));
  return best;
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(1)} /s`;
}

export function formatBytes(bytes: number): string {
  if (Math.abs(bytes) >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (Math.abs(bytes) >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes.toFixed(0)} B`;
}

/**
 * CPU time so far, in milliseconds, of this process's main thread and of all its other threads
 * (worker threads, V8's background threads, libuv's pool), from /proc (Linux); undefined elsewhere.
 */
export function threadCpuMs(): { mainMs: number; othersMs: number } | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync("/proc/self/task");
  } catch {
    return undefined;
  }
  const tickMs = 1000 / 100; // USER_HZ: 100 on Linux
  let mainMs = 0;
  let othersMs = 0;
  for (const task of tasks) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${task}/stat`, "latin1");
    } catch {
      continue; // the thread ended meanwhile
    }
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ms = (Number(fields[11]) + Number(fields[12])) * tickMs;
    if (Number(task) === process.pid) mainMs += ms;
    else othersMs += ms;
  }
  return { mainMs, othersMs };
}
