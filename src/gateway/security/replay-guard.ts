/**
 * Replay protection: every signed or encrypted message carries a counter that must rise with each
 * message of a key. A counter is reserved when the message is admitted (so a copy arriving while the
 * original is being stored is refused at once), confirmed when the reading is durable, and given
 * back when storing failed (so that the device's retransmission is accepted, not taken for a
 * replay). Confirmed counters reach the store (`advanceCounter`) in coalesced writes every
 * `flushIntervalMs` and at stop: a replay that arrives after a crash, before the counter reached the
 * store, is still stored only once, because the reading store deduplicates identical readings.
 */
import type { DeviceStore } from "../../store/ports.js";
import type { GatewayLogger } from "../logger.js";

interface KeyState {
  readonly deviceId: string;
  readonly keyId: string;
  /** Highest counter admitted (in flight or durable). */
  highest: number;
  /** Highest counter whose reading is durable. */
  durable: number;
  /** Highest counter written to the store. */
  persisted: number;
  /** Counters below `highest` whose write failed: their retransmission is welcome once. */
  readonly failed: Set<number>;
}

export interface CounterTicket {
  /** The reading is durable: the counter is used for good. */
  confirm(): void;
  /** The reading could not be stored: the counter may come again. */
  release(): void;
}

const MAX_FAILED_REMEMBERED = 4096;

export class ReplayGuard {
  private readonly states = new Map<string, KeyState>();
  private readonly dirty = new Set<KeyState>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly devices: Pick<DeviceStore, "advanceCounter">,
    private readonly logger: GatewayLogger,
    private readonly flushIntervalMs = 1_000,
  ) {}

  /**
   * Reserves `counter` for a key whose stored counter is `storedCounter`; undefined when the counter
   * is not above every counter already admitted (a replay).
   */
  admit(deviceId: string, keyId: string, counter: number, storedCounter: number): CounterTicket | undefined {
    const id = `${deviceId}\u0000${keyId}`;
    let state = this.states.get(id);
    if (state === undefined) {
      state = {
        deviceId,
        keyId,
        highest: storedCounter,
        durable: storedCounter,
        persisted: storedCounter,
        failed: new Set(),
      };
      this.states.set(id, state);
    }
    if (counter <= state.highest && !state.failed.delete(counter)) return undefined;
    state.highest = Math.max(state.highest, counter);
    const s = state;
    let settled = false;
    return {
      confirm: () => {
        if (settled) return;
        settled = true;
        if (counter > s.durable) {
          s.durable = counter;
          this.dirty.add(s);
          this.schedule();
        }
      },
      release: () => {
        if (settled) return;
        settled = true;
        if (s.failed.size < MAX_FAILED_REMEMBERED) s.failed.add(counter);
      },
    };
  }

  /** Writes the confirmed counters that have not reached the store yet. */
  async flush(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
    if (this.dirty.size === 0) return;
    const batch = [...this.dirty];
    this.dirty.clear();
    this.flushing = (async () => {
      for (const state of batch) {
        const target = state.durable;
        if (target <= state.persisted) continue;
        try {
          await this.devices.advanceCounter(state.deviceId, state.keyId, target);
          state.persisted = Math.max(state.persisted, target);
        } catch (error) {
          this.dirty.add(state);
          this.logger.warn(
            { deviceId: state.deviceId, keyId: state.keyId, err: String(error) },
            "could not store a device's replay counter; will retry",
          );
        }
      }
    })();
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  /** Forgets what it knows of a device's keys (after a key was issued, rotated or retired). */
  forget(deviceId: string): void {
    for (const [id, state] of this.states)
      if (state.deviceId === deviceId && !this.dirty.has(state)) this.states.delete(id);
  }

  /** Stops the periodic writes after a last one. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushIntervalMs);
    this.timer.unref();
  }
}
