/**
 * When a failed delivery is tried again: exponential backoff with "equal jitter" (half the delay
 * fixed, half random), so that a receiver coming back is not hit by every waiting message at once,
 * and a fixed number of attempts before a message is dead-lettered. Pure: the random source is given.
 */

export interface RetryPolicy {
  /** Attempts before a message becomes dead (the first attempt counts). */
  readonly maxAttempts: number;
  /** The pause after the first failure (before jitter). */
  readonly baseDelayMs: number;
  /** The longest pause. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 12,
  baseDelayMs: 1_000,
  maxDelayMs: 3_600_000,
};

/**
 * The pause before the next attempt after `attempts` failed ones (1 after the first failure), or
 * undefined when the message should become dead. `random` returns a number in [0, 1).
 * `notBeforeMs`, a receiver's own wish (HTTP Retry-After), lengthens the pause up to `maxDelayMs`.
 */
export function retryDelayMs(
  attempts: number,
  random: () => number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  notBeforeMs = 0,
): number | undefined {
  if (attempts >= policy.maxAttempts) return undefined;
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  const jittered = exponential / 2 + random() * (exponential / 2);
  return Math.round(Math.min(policy.maxDelayMs, Math.max(jittered, notBeforeMs)));
}
