/**
 * A simulated device's way to the gateway. Each transport is the real one: Jointech `$` frames and
 * Teltonika AVL packets over TCP, signed JSON envelopes over MQTT (QoS 1) and over HTTP. `send`
 * resolves only when the gateway has acknowledged every reading of the batch (the protocol's own
 * acknowledgement), which is when a real device drops them from its store-and-forward memory.
 */

/** One observation of a simulated device. */
export interface SimReading {
  readonly atMs: number;
  readonly lon: number;
  readonly lat: number;
  readonly speedKmh: number;
  readonly courseDeg: number;
  /** False when the device has no GNSS fix. */
  readonly valid: boolean;
  readonly seal: "closed" | "open";
  readonly tamper: boolean;
  readonly batteryPct: number;
}

export interface DeviceLink {
  /** Most readings one message carries (a JT701 frame holds 7 records; a JSON batch more). */
  readonly maxBatch: number;
  /**
   * Sends a batch; resolves once the gateway acknowledged it, rejects when it did not (connection
   * lost, timeout, refused): the caller keeps the readings and sends them again later.
   */
  send(readings: readonly SimReading[]): Promise<void>;
  close(): void;
}

/** Why a link gave up on a batch (kept short: it goes into the simulator's log line). */
export class LinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LinkError";
  }
}

/** Rejects with a LinkError after `ms` unless `promise` settles first. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new LinkError(`${what}: no answer within ${ms} ms`)), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new LinkError(String(error)));
      },
    );
  });
}
