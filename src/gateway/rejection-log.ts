/**
 * Rejection reports, bounded: a device (or an attacker) sending garbage must not turn every bad
 * frame into a log line (1.25 MiB of garbage once made 655,000 lines). Per peer and reason, the
 * first `burst` rejections of each `windowMs` are logged in full and their frames kept for forensics;
 * the rest are only counted, and one summary line per peer and reason says how many were suppressed
 * (when the window rolls over, or when the peer's connection closes). Counters stay exact: the
 * caller counts every rejection in the metrics whatever is logged.
 *
 * Memory is bounded too: at most `maxKeys` peer/reason pairs are tracked; past that, reports from
 * new pairs share one overflow bucket.
 */
import type { ForensicsLog } from "./forensics.js";
import type { GatewayLogger } from "./logger.js";

export interface RejectionReport {
  readonly transport: string;
  readonly peer: string;
  readonly device?: string | undefined;
  readonly reason: string;
  readonly detail: string;
  /** More structured detail for the log line (e.g. the list of plausibility problems). */
  readonly extra?: object;
  /** The frame (or message) refused, kept for forensics with the first reports. */
  readonly frame?: Uint8Array;
  /** The log message (default "frame rejected"). */
  readonly message?: string;
}

export interface RejectionLogOptions {
  readonly logger: GatewayLogger;
  readonly nowMs: () => number;
  readonly forensics?: ForensicsLog;
  /** Full reports per peer and reason in each window (default 5). */
  readonly burst?: number;
  readonly windowMs?: number;
  readonly maxKeys?: number;
}

interface Bucket {
  windowStartMs: number;
  logged: number;
  suppressed: number;
  readonly transport: string;
  readonly peer: string;
  readonly reason: string;
  device: string | undefined;
}

const OVERFLOW_PEER = "(many peers)";

export class RejectionLog {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;
  /** Reports logged in full, and suppressed, since start (for tests and the metrics). */
  logged = 0;
  suppressed = 0;

  constructor(private readonly options: RejectionLogOptions) {
    this.burst = options.burst ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** Reports one rejection. Never throws. */
  report(report: RejectionReport): void {
    try {
      this.reportUnsafe(report);
    } catch {
      // A logger or a disk that throws must not turn a rejection into a crash.
    }
  }

  private reportUnsafe(report: RejectionReport): void {
    const nowMs = this.options.nowMs();
    const bucket = this.bucketOf(report, nowMs);
    if (nowMs - bucket.windowStartMs >= this.windowMs) {
      this.summarise(bucket);
      bucket.windowStartMs = nowMs;
      bucket.logged = 0;
    }
    if (report.device !== undefined) bucket.device = report.device;
    if (bucket.logged >= this.burst) {
      bucket.suppressed++;
      this.suppressed++;
      return;
    }
    bucket.logged++;
    this.logged++;
    this.options.logger.warn(
      {
        transport: report.transport,
        peer: report.peer,
        device: report.device,
        reason: report.reason,
        detail: report.detail,
        ...report.extra,
      },
      report.message ?? "frame rejected",
    );
    this.options.forensics?.keep(
      {
        atMs: nowMs,
        transport: report.transport,
        peer: report.peer,
        ...(report.device === undefined ? {} : { device: report.device }),
        reason: report.reason,
        detail: report.detail,
      },
      report.frame,
    );
  }

  /** Writes the summaries of a peer that has gone (its connection closed) and forgets it. */
  peerGone(transport: string, peer: string): void {
    try {
      for (const [key, bucket] of this.buckets) {
        if (bucket.peer !== peer || bucket.transport !== transport) continue;
        this.summarise(bucket);
        this.buckets.delete(key);
      }
    } catch {
      // As in `report`.
    }
  }

  private bucketOf(report: RejectionReport, nowMs: number): Bucket {
    let key = `${report.transport}\u0000${report.peer}\u0000${report.reason}`;
    let bucket = this.buckets.get(key);
    if (bucket !== undefined) return bucket;
    if (this.buckets.size >= this.maxKeys) {
      this.sweep(nowMs);
      if (this.buckets.size >= this.maxKeys) {
        key = `${report.transport}\u0000${OVERFLOW_PEER}\u0000${report.reason}`;
        bucket = this.buckets.get(key);
        if (bucket !== undefined) return bucket;
      }
    }
    const peer = key.includes(OVERFLOW_PEER) ? OVERFLOW_PEER : report.peer;
    bucket = {
      windowStartMs: nowMs,
      logged: 0,
      suppressed: 0,
      transport: report.transport,
      peer,
      reason: report.reason,
      device: report.device,
    };
    this.buckets.set(key, bucket);
    return bucket;
  }

  /** Summarises and forgets the buckets whose window is over. */
  private sweep(nowMs: number): void {
    for (const [key, bucket] of this.buckets) {
      if (nowMs - bucket.windowStartMs < this.windowMs) continue;
      this.summarise(bucket);
      this.buckets.delete(key);
    }
  }

  private summarise(bucket: Bucket): void {
    if (bucket.suppressed === 0) return;
    this.options.logger.warn(
      {
        transport: bucket.transport,
        peer: bucket.peer,
        device: bucket.device,
        reason: bucket.reason,
        suppressed: bucket.suppressed,
      },
      "further rejections not logged one by one",
    );
    bucket.suppressed = 0;
  }
}
