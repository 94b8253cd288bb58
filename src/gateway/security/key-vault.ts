/**
 * Device keys: issued (32 random bytes, shown once to whoever provisions the device), stored sealed
 * with the master key, opened on use and cached, rotated (a new key id; the old key keeps verifying
 * until it is retired) and retired. HMAC-SHA256 keys sign messages, AES-256-GCM keys encrypt them.
 */
import { randomBytes } from "node:crypto";
import { SealwatchError } from "../../core/errors.js";
import type { DeviceKeyRecord, DeviceStore } from "../../store/ports.js";
import { sealKey, unsealKey } from "./sealing.js";

export type KeyAlgorithm = DeviceKeyRecord["algorithm"];

export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ["hmac-sha256", "aes-256-gcm"];

/** A device key opened for use. */
export interface DeviceKey {
  readonly deviceId: string;
  readonly keyId: string;
  readonly algorithm: KeyAlgorithm;
  readonly secret: Buffer;
  readonly createdAtMs: number;
  readonly retiredAtMs?: number;
  /** The replay counter as stored when the key was loaded. */
  readonly lastCounter: number;
}

/** A newly issued key: the only time its secret leaves Sealwatch. */
export interface IssuedKey {
  readonly deviceId: string;
  readonly keyId: string;
  readonly algorithm: KeyAlgorithm;
  /** The key, base64 (32 bytes). */
  readonly secret: string;
}

export interface KeyVaultOptions {
  readonly nowMs?: () => number;
  /** How long opened keys are cached (default 30 s). */
  readonly ttlMs?: number;
}

const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export class DeviceKeyVault {
  private readonly cache = new Map<string, { keys: DeviceKey[]; expiresAtMs: number }>();
  private readonly now: () => number;
  private readonly ttlMs: number;

  constructor(
    private readonly devices: Pick<DeviceStore, "get" | "putKey" | "keys">,
    private readonly masterKey: Buffer,
    options: KeyVaultOptions = {},
  ) {
    this.now = options.nowMs ?? Date.now;
    this.ttlMs = options.ttlMs ?? 30_000;
  }

  /**
   * Issues a new key to a registered device. With other keys in place this is a rotation: they keep
   * verifying until `retireKey`, so devices in the field can switch over.
   */
  async issueKey(deviceId: string, algorithm: KeyAlgorithm, keyId?: string): Promise<IssuedKey> {
    if (!KEY_ALGORITHMS.includes(algorithm))
      throw new SealwatchError("INVALID_DEFINITION", `unknown key algorithm ${String(algorithm)}`);
    if ((await this.devices.get(deviceId)) === undefined)
      throw new SealwatchError("UNKNOWN_REFERENCE", `no device ${deviceId}`);
    const existing = await this.devices.keys(deviceId);
    const id = keyId ?? nextKeyId(existing.map((k) => k.keyId));
    if (!KEY_ID.test(id))
      throw new SealwatchError("INVALID_DEFINITION", `key id "${id}": 1–64 of A–Z a–z 0–9 . _ -`);
    if (existing.some((k) => k.keyId === id))
      throw new SealwatchError("DUPLICATE_ID", `device ${deviceId} already has a key ${id}`);
    const secret = randomBytes(KEY_BYTES);
    await this.devices.putKey({
      deviceId,
      keyId: id,
      algorithm,
      sealedKey: sealKey(this.masterKey, secret, { deviceId, keyId: id, algorithm }),
      createdAtMs: this.now(),
      lastCounter: 0,
    });
    this.invalidate(deviceId);
    return { deviceId, keyId: id, algorithm, secret: secret.toString("base64") };
  }

  /**
   * Rotation in one call: issues a new key and retires the device's other live keys at
   * `retireOthersAtMs` (default: now + `graceMs`, default 0 = at once).
   */
  async rotateKey(
    deviceId: string,
    options: { algorithm?: KeyAlgorithm; graceMs?: number; keyId?: string } = {},
  ): Promise<IssuedKey> {
    const before = await this.devices.keys(deviceId);
    const algorithm = options.algorithm ?? before.at(-1)?.algorithm ?? "hmac-sha256";
    const issued = await this.issueKey(deviceId, algorithm, options.keyId);
    const retireAt = this.now() + (options.graceMs ?? 0);
    for (const key of before)
      if (key.retiredAtMs === undefined) await this.retireKey(deviceId, key.keyId, retireAt);
    return issued;
  }

  /** Stops a key from verifying from `atMs` on (default now). */
  async retireKey(deviceId: string, keyId: string, atMs: number = this.now()): Promise<void> {
    const record = (await this.devices.keys(deviceId)).find((k) => k.keyId === keyId);
    if (record === undefined)
      throw new SealwatchError("UNKNOWN_REFERENCE", `device ${deviceId} has no key ${keyId}`);
    await this.devices.putKey({ ...record, retiredAtMs: atMs });
    this.invalidate(deviceId);
  }

  /** The device's keys opened (retired ones included, with their retirement time). */
  async keysOf(deviceId: string): Promise<DeviceKey[]> {
    const cached = this.cache.get(deviceId);
    if (cached !== undefined && cached.expiresAtMs > this.now()) return cached.keys;
    const keys: DeviceKey[] = [];
    for (const record of await this.devices.keys(deviceId)) {
      const secret = unsealKey(this.masterKey, record.sealedKey, record);
      // A key sealed with another master key (or damaged) cannot verify anything: it is left out.
      if (secret === undefined) continue;
      keys.push({
        deviceId,
        keyId: record.keyId,
        algorithm: record.algorithm,
        secret,
        createdAtMs: record.createdAtMs,
        ...(record.retiredAtMs === undefined ? {} : { retiredAtMs: record.retiredAtMs }),
        lastCounter: record.lastCounter,
      });
    }
    this.cache.set(deviceId, { keys, expiresAtMs: this.now() + this.ttlMs });
    return keys;
  }

  /** Whether the device has a key that has not been retired at `atMs`. */
  async hasLiveKey(deviceId: string, atMs: number = this.now()): Promise<boolean> {
    return (await this.keysOf(deviceId)).some((k) => k.retiredAtMs === undefined || k.retiredAtMs > atMs);
  }

  invalidate(deviceId?: string): void {
    if (deviceId === undefined) this.cache.clear();
    else this.cache.delete(deviceId);
  }
}

function nextKeyId(existing: readonly string[]): string {
  let n = existing.length + 1;
  while (existing.includes(`k${n}`)) n++;
  return `k${n}`;
}
