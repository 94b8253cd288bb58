/**
 * A connection's work budget: a token bucket for frames and one for bytes. Each refills at its rate
 * per second up to `burstS` seconds' worth; a connection that has spent its tokens is not read until
 * they come back (TCP flow control holds the device), so no connection can take more than its share
 * of the event loop however fast it sends. `overBudgetSinceMs` tells since when the connection has
 * been held back with bytes still waiting to be read (it ends once everything sent has been read): a
 * device that never stops exceeding its budget is closed.
 */

export interface BudgetLimits {
  readonly framesPerS: number;
  readonly bytesPerS: number;
  /** How many seconds of tokens may be saved up for a burst (a tracker sending its backlog). */
  readonly burstS: number;
}

export class WorkBudget {
  private frames: number;
  private bytes: number;
  private lastMs: number;
  /** When the connection first ran out of tokens without getting back above zero since. */
  overBudgetSinceMs: number | undefined;

  constructor(
    private readonly limits: BudgetLimits,
    nowMs: number,
  ) {
    this.frames = limits.framesPerS * limits.burstS;
    this.bytes = limits.bytesPerS * limits.burstS;
    this.lastMs = nowMs;
  }

  private refill(nowMs: number): void {
    const elapsedS = Math.max(0, nowMs - this.lastMs) / 1000;
    this.lastMs = nowMs;
    const { framesPerS, bytesPerS, burstS } = this.limits;
    this.frames = Math.min(framesPerS * burstS, this.frames + elapsedS * framesPerS);
    this.bytes = Math.min(bytesPerS * burstS, this.bytes + elapsedS * bytesPerS);
  }

  /** Whether the connection may be read now; a refusal starts the over-budget period. */
  available(nowMs: number): boolean {
    this.refill(nowMs);
    const ok = this.frames > 0 && this.bytes > 0;
    if (!ok) this.overBudgetSinceMs ??= nowMs;
    return ok;
  }

  /** Everything the device sent has been read: it is within its budget again. */
  caughtUp(): void {
    this.overBudgetSinceMs = undefined;
  }

  /** Spends tokens (the balance may go below zero: the debt is paid before the next read). */
  spend(frames: number, bytes: number): void {
    this.frames -= frames;
    this.bytes -= bytes;
  }

  /** Milliseconds until both balances are above zero again. */
  waitMs(): number {
    const { framesPerS, bytesPerS } = this.limits;
    const framesWait = this.frames > 0 ? 0 : ((1 - this.frames) / framesPerS) * 1000;
    const bytesWait = this.bytes > 0 ? 0 : ((1 - this.bytes) / bytesPerS) * 1000;
    return Math.ceil(Math.max(framesWait, bytesWait));
  }
}
