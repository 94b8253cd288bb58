/**
 * Slows password guessing: after a few failures for one username or from one address, further
 * attempts must wait, and the wait doubles with each failure (up to a cap). A throttled attempt is
 * refused before its password is checked, so waiting is the only way on. Memory is bounded: entries
 * expire after a quiet day and the oldest go first when the table is full.
 */
import { usernameKey } from "../../core/identity/username.js";

export interface ThrottleOptions {
  /** Failures allowed for one username before waits begin. */
  readonly freeUserFailures?: number;
  /** Failures allowed from one address (many users behind one NAT) before waits begin. */
  readonly freeAddressFailures?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly maxEntries?: number;
}

interface Entry {
  failures: number;
  lastFailureMs: number;
}

const FORGET_AFTER_MS = 24 * 3_600_000;

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly freeUser: number;
  private readonly freeAddress: number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly maxEntries: number;

  constructor(options: ThrottleOptions = {}) {
    this.freeUser = options.freeUserFailures ?? 3;
    this.freeAddress = options.freeAddressFailures ?? 10;
    this.baseMs = options.baseDelayMs ?? 1000;
    this.maxMs = options.maxDelayMs ?? 15 * 60_000;
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  /** Milliseconds the attempt must still wait (0 when it may go ahead). */
  waitMs(username: string, address: string, nowMs: number): number {
    return Math.max(
      this.wait(userKey(username), this.freeUser, nowMs),
      this.wait(addressKey(address), this.freeAddress, nowMs),
    );
  }

  /** Records a failed attempt; returns the failure counts for the log. */
  failed(username: string, address: string, nowMs: number): { user: number; address: number } {
    return { user: this.bump(userKey(username), nowMs), address: this.bump(addressKey(address), nowMs) };
  }

  /** A successful login clears the username's failures (the address keeps its own). */
  succeeded(username: string): void {
    this.entries.delete(userKey(username));
  }

  private wait(key: string, free: number, nowMs: number): number {
    const entry = this.entries.get(key);
    if (entry === undefined) return 0;
    if (nowMs - entry.lastFailureMs > FORGET_AFTER_MS) {
      this.entries.delete(key);
      return 0;
    }
    if (entry.failures < free) return 0;
    const delay = Math.min(this.maxMs, this.baseMs * 2 ** Math.min(30, entry.failures - free));
    return Math.max(0, entry.lastFailureMs + delay - nowMs);
  }

  private bump(key: string, nowMs: number): number {
    const entry = this.entries.get(key) ?? { failures: 0, lastFailureMs: nowMs };
    this.entries.delete(key);
    entry.failures++;
    entry.lastFailureMs = nowMs;
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return entry.failures;
  }
}

/** Keyed by the one username comparison form, so a look-alike spelling is the same user. */
function userKey(username: string): string {
  return `u:${usernameKey(username)}`;
}

function addressKey(address: string): string {
  return `a:${address}`;
}
