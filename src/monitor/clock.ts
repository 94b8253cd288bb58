/** Where "now" comes from: the wall clock in the server, a manual clock in tests and replays. */

export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  constructor(private timeMs = 0) {}

  nowMs(): number {
    return this.timeMs;
  }

  set(timeMs: number): void {
    this.timeMs = timeMs;
  }

  advance(byMs: number): void {
    this.timeMs += byMs;
  }
}

/** Wraps a clock so that it never goes backwards (a wall clock stepped back by NTP). */
export function monotonic(clock: Clock): Clock {
  let last = -Infinity;
  return {
    nowMs() {
      last = Math.max(last, clock.nowMs());
      return last;
    },
  };
}
