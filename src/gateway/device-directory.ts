/**
 * Device identity: frames and messages carry the device's own identifier (lock id, IMEI, EPC,
 * seal number); the directory turns it into the registry's device, or a refusal. Lookups are cached
 * (a connected device sends every few seconds) and the cache can be invalidated when the registry
 * changes; unknown identifiers are cached briefly too, so that a flood of frames from an
 * unregistered device does not become a flood of queries.
 */
import type { DeviceRecord, DeviceStore } from "../store/ports.js";

export type DeviceResolution =
  | { readonly kind: "accepted"; readonly device: DeviceRecord }
  | {
      readonly kind: "refused";
      readonly reason: "unknown_device" | "retired_device";
      readonly detail: string;
    };

export interface DeviceDirectoryOptions {
  /** How long a found device is trusted before it is looked up again (default 30 s). */
  readonly ttlMs?: number;
  /** How long "no such device" is remembered (default 5 s). */
  readonly negativeTtlMs?: number;
  /** Most identifiers cached; the oldest go first (default 100,000). */
  readonly maxEntries?: number;
  /** Where "now" comes from (tests). */
  readonly nowMs?: () => number;
}

interface Entry {
  readonly device: DeviceRecord | undefined;
  readonly expiresAtMs: number;
}

export class DeviceDirectory {
  private readonly cache = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<DeviceRecord | undefined>>();
  private readonly ttlMs: number;
  private readonly negativeTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Bumped by every invalidation, so that a lookup started before it is not cached after it. */
  private generation = 0;

  constructor(
    private readonly devices: Pick<DeviceStore, "byIdentifier">,
    options: DeviceDirectoryOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.negativeTtlMs = options.negativeTtlMs ?? 5_000;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.nowMs ?? Date.now;
  }

  /** The registered device carrying `identifier`, or why it is refused. */
  async resolve(identifier: string): Promise<DeviceResolution> {
    const device = await this.lookup(identifier);
    if (device === undefined)
      return {
        kind: "refused",
        reason: "unknown_device",
        detail: `no registered device has identifier ${identifier}`,
      };
    if (device.lifecycle === "retired")
      return { kind: "refused", reason: "retired_device", detail: `device ${device.id} is retired` };
    return { kind: "accepted", device };
  }

  /** The cached answer for `identifier` without a lookup, if it is fresh (the hot path of TCP). */
  cached(identifier: string): DeviceResolution | undefined {
    const entry = this.cache.get(identifier);
    if (entry === undefined || entry.expiresAtMs <= this.now()) return undefined;
    const device = entry.device;
    if (device === undefined)
      return {
        kind: "refused",
        reason: "unknown_device",
        detail: `no registered device has identifier ${identifier}`,
      };
    if (device.lifecycle === "retired")
      return { kind: "refused", reason: "retired_device", detail: `device ${device.id} is retired` };
    return { kind: "accepted", device };
  }

  /** Forgets one identifier, or every cached answer when none is given. */
  invalidate(identifier?: string): void {
    this.generation++;
    if (identifier === undefined) this.cache.clear();
    else this.cache.delete(identifier);
  }

  /** Forgets every identifier of a registry device (after it was updated, retired or re-keyed). */
  invalidateDevice(deviceId: string): void {
    this.generation++;
    for (const [identifier, entry] of this.cache)
      if (entry.device?.id === deviceId) this.cache.delete(identifier);
  }

  private async lookup(identifier: string): Promise<DeviceRecord | undefined> {
    const entry = this.cache.get(identifier);
    if (entry !== undefined && entry.expiresAtMs > this.now()) return entry.device;
    const pending = this.inFlight.get(identifier);
    if (pending !== undefined) return pending;
    const generation = this.generation;
    const promise = this.devices.byIdentifier(identifier).then(
      (device) => {
        this.inFlight.delete(identifier);
        if (generation === this.generation) this.remember(identifier, device);
        return device;
      },
      (error: unknown) => {
        this.inFlight.delete(identifier);
        throw error;
      },
    );
    this.inFlight.set(identifier, promise);
    return promise;
  }

  private remember(identifier: string, device: DeviceRecord | undefined): void {
    this.cache.delete(identifier);
    if (this.cache.size >= this.maxEntries) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
    const ttl = device === undefined ? this.negativeTtlMs : this.ttlMs;
    this.cache.set(identifier, { device, expiresAtMs: this.now() + ttl });
  }
}
