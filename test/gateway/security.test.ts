/**
 * Device security pieces on their own: the master key file, sealing device keys at rest, the key
 * vault (issue, rotate, retire), the envelope (signed and encrypted), the replay guard, and the
 * device directory's cache.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeviceDirectory } from "../../src/gateway/device-directory.js";
import { checkEnvelope, checkReading, type JsonEnvelope } from "../../src/gateway/json/validate.js";
import { silentGatewayLogger } from "../../src/gateway/logger.js";
import {
  encryptEnvelope,
  macInput,
  openEnvelope,
  signEnvelope,
} from "../../src/gateway/security/envelope.js";
import { DeviceKeyVault, type DeviceKey } from "../../src/gateway/security/key-vault.js";
import { loadMasterKey } from "../../src/gateway/security/master-key.js";
import { ReplayGuard } from "../../src/gateway/security/replay-guard.js";
import { sealKey, unsealKey } from "../../src/gateway/security/sealing.js";
import type { DeviceKeyRecord, DeviceRecord } from "../../src/store/ports.js";
import { device } from "./support.js";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "sealwatch-keys-"));
}

describe("master key", () => {
  it("is generated once into dataDir/master.key with mode 0600, then read back", () => {
    const dir = tempDir();
    try {
      const first = loadMasterKey({ dataDir: dir });
      assert.equal(first.created, true);
      assert.equal(first.key.length, 32);
      assert.equal(statSync(join(dir, "master.key")).mode & 0o777, 0o600);
      const second = loadMasterKey({ dataDir: dir });
      assert.equal(second.created, false);
      assert.deepEqual(second.key, first.key);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a key file others can read, and a configured key that is not 32 bytes of base64", () => {
    const dir = tempDir();
    try {
      loadMasterKey({ dataDir: dir });
      chmodSync(join(dir, "master.key"), 0o644);
      assert.throws(() => loadMasterKey({ dataDir: dir }), /readable by others/);
      assert.throws(() => loadMasterKey({ dataDir: dir, masterKey: "c2hvcnQ=" }), /32 bytes/);
      const configured = randomBytes(32);
      assert.deepEqual(
        loadMasterKey({ dataDir: dir, masterKey: configured.toString("base64") }).key,
        configured,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a corrupted key file is refused, not silently replaced", () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir, "master.key"), "not a key\n", { mode: 0o600 });
      assert.throws(() => loadMasterKey({ dataDir: dir }), /32 bytes/);
      assert.equal(readFileSync(join(dir, "master.key"), "utf8"), "not a key\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("sealed device keys", () => {
  const master = randomBytes(32);
  const secret = randomBytes(32);
  const binding = { deviceId: "MQ-1", keyId: "k1", algorithm: "hmac-sha256" };

  it("never holds the key in clear, and opens only with the same master key and binding", () => {
    const sealed = sealKey(master, secret, binding);
    assert.equal(Buffer.from(sealed).includes(secret), false);
    assert.deepEqual(unsealKey(master, sealed, binding), secret);
    assert.equal(unsealKey(randomBytes(32), sealed, binding), undefined);
    assert.equal(unsealKey(master, sealed, { ...binding, deviceId: "MQ-2" }), undefined);
    assert.equal(unsealKey(master, sealed, { ...binding, algorithm: "aes-256-gcm" }), undefined);
    const damaged = Uint8Array.from(sealed);
    damaged[damaged.length - 1] = damaged[damaged.length - 1]! ^ 1;
    assert.equal(unsealKey(master, damaged, binding), undefined);
  });
});

/** An in-memory DeviceStore slice for the vault and the guard. */
function memoryDevices(devices: DeviceRecord[]) {
  const keys = new Map<string, DeviceKeyRecord>();
  const advanced: [string, string, number][] = [];
  return {
    keysMap: keys,
    advanced,
    get: (id: string) => Promise.resolve(devices.find((d) => d.id === id)),
    byIdentifier: (identifier: string) =>
      Promise.resolve(devices.find((d) => d.identifiers.includes(identifier))),
    putKey: (key: DeviceKeyRecord) => {
      keys.set(`${key.deviceId}/${key.keyId}`, key);
      return Promise.resolve();
    },
    keys: (deviceId: string) => Promise.resolve([...keys.values()].filter((k) => k.deviceId === deviceId)),
    advanceCounter: (deviceId: string, keyId: string, counter: number) => {
      advanced.push([deviceId, keyId, counter]);
      const key = keys.get(`${deviceId}/${keyId}`);
      if (key === undefined || key.lastCounter >= counter) return Promise.resolve(false);
      keys.set(`${deviceId}/${keyId}`, { ...key, lastCounter: counter });
      return Promise.resolve(true);
    },
  };
}

describe("key vault", () => {
  it("issues keys sealed at rest, rotates them with a grace period, and retires them", async () => {
    let now = 1_000_000;
    const store = memoryDevices([device("MQ-1", ["mq-1"], "mqtt")]);
    const vault = new DeviceKeyVault(store, randomBytes(32), { nowMs: () => now, ttlMs: 0 });
    const k1 = await vault.issueKey("MQ-1", "hmac-sha256");
    assert.equal(k1.keyId, "k1");
    const stored = store.keysMap.get("MQ-1/k1")!;
    assert.equal(Buffer.from(stored.sealedKey).includes(Buffer.from(k1.secret, "base64")), false);
    assert.deepEqual((await vault.keysOf("MQ-1"))[0]!.secret, Buffer.from(k1.secret, "base64"));
    const k2 = await vault.rotateKey("MQ-1", { graceMs: 60_000 });
    assert.equal(k2.keyId, "k2");
    assert.equal(await vault.hasLiveKey("MQ-1"), true);
    const keys = await vault.keysOf("MQ-1");
    assert.equal(keys.find((k) => k.keyId === "k1")!.retiredAtMs, now + 60_000);
    assert.equal(keys.find((k) => k.keyId === "k2")!.retiredAtMs, undefined);
    now += 120_000;
    await vault.retireKey("MQ-1", "k2");
    assert.equal(await vault.hasLiveKey("MQ-1"), false);
    await assert.rejects(vault.issueKey("MQ-1", "hmac-sha256", "k1"), /already has a key k1/);
    await assert.rejects(vault.issueKey("NOPE", "hmac-sha256"), /no device NOPE/);
  });
});

describe("envelope", () => {
  const secret = randomBytes(32);
  const key = (algorithm: DeviceKey["algorithm"]): DeviceKey => ({
    deviceId: "MQ-1",
    keyId: "k1",
    algorithm,
    secret,
    createdAtMs: 0,
    lastCounter: 0,
  });
  const reading = { at: "2025-06-17T10:30:00Z", position: { lon: 36.9, lat: -1.3 }, seal: "closed" };
  const header = { deviceId: "mq-1", keyId: "k1", counter: 7 };
  const parse = (value: unknown): JsonEnvelope => {
    const checked = checkEnvelope(value);
    assert.equal(checked.ok, true, JSON.stringify(checked));
    return (checked as { value: JsonEnvelope }).value;
  };

  it("a signed object payload verifies whatever its members' order; a string payload verifies as its bytes", () => {
    const envelope = signEnvelope(secret, header, reading);
    const reordered = {
      ...envelope,
      payload: { seal: "closed", position: { lat: -1.3, lon: 36.9 }, at: "2025-06-17T10:30:00Z" },
    };
    assert.equal(openEnvelope(parse(reordered), key("hmac-sha256")).kind, "opened");
    const text = JSON.stringify(reading);
    const opened = openEnvelope(parse(signEnvelope(secret, header, text)), key("hmac-sha256"));
    assert.deepEqual(opened, { kind: "opened", payload: reading });
    assert.equal(macInput("mq-1", "k1", 7, text).toString("utf8"), `sealwatch-mac-v1\nmq-1\nk1\n7\n${text}`);
  });

  it("any change to the device, key, counter or reading makes a signed message forged", () => {
    const envelope = signEnvelope(secret, header, reading);
    for (const altered of [
      { ...envelope, deviceId: "mq-2" },
      { ...envelope, keyId: "k2" },
      { ...envelope, counter: 8 },
      { ...envelope, payload: { ...reading, seal: "open" } },
    ]) {
      const result = openEnvelope(parse(altered), key("hmac-sha256"));
      assert.equal(result.kind === "refused" && result.reason, "forged", JSON.stringify(altered));
    }
  });

  it("an encrypted message opens with its key and refuses changes to the header or ciphertext", () => {
    const envelope = encryptEnvelope(secret, header, reading, randomBytes(12));
    assert.deepEqual(openEnvelope(parse(envelope), key("aes-256-gcm")), { kind: "opened", payload: reading });
    const result = openEnvelope(parse({ ...envelope, counter: 99 }), key("aes-256-gcm"));
    assert.equal(result.kind === "refused" && result.reason, "forged");
    const wrongKind = openEnvelope(parse(envelope), key("hmac-sha256"));
    assert.equal(wrongKind.kind === "refused" && wrongKind.reason, "forged");
  });

  it("the envelope schema refuses a mix of the signed and encrypted forms and unknown members", () => {
    const signedForm = signEnvelope(secret, header, reading);
    assert.equal(checkEnvelope({ ...signedForm, iv: "AAAAAAAAAAAAAAAA" }).ok, false);
    assert.equal(checkEnvelope({ ...signedForm, extra: 1 }).ok, false);
    assert.equal(checkEnvelope({ ...signedForm, counter: 0 }).ok, false);
    assert.equal(checkReading({ at: "2025-06-17T10:30:00Z", position: { lon: 200, lat: 0 } }).ok, false);
  });
});

describe("replay guard", () => {
  it("takes each counter once, gives a failed one back once, and writes confirmed counters coalesced", async () => {
    const store = memoryDevices([device("MQ-1", ["mq-1"], "mqtt")]);
    await store.putKey({
      deviceId: "MQ-1",
      keyId: "k1",
      algorithm: "hmac-sha256",
      sealedKey: new Uint8Array(1),
      createdAtMs: 0,
      lastCounter: 3,
    });
    const guard = new ReplayGuard(store, silentGatewayLogger, 60_000);
    assert.equal(guard.admit("MQ-1", "k1", 3, 3), undefined, "not above the stored counter");
    const four = guard.admit("MQ-1", "k1", 4, 3)!;
    assert.equal(guard.admit("MQ-1", "k1", 4, 3), undefined, "a copy while the original is being stored");
    const six = guard.admit("MQ-1", "k1", 6, 3)!;
    four.release();
    const again = guard.admit("MQ-1", "k1", 4, 3);
    assert.notEqual(again, undefined, "the device's resend after a failed write");
    assert.equal(guard.admit("MQ-1", "k1", 4, 3), undefined, "but only once");
    again!.confirm();
    six.confirm();
    assert.equal(guard.admit("MQ-1", "k1", 5, 3), undefined, "below a counter already taken");
    assert.deepEqual(store.advanced, []);
    await guard.close();
    assert.deepEqual(store.advanced, [["MQ-1", "k1", 6]]);
    assert.equal(store.keysMap.get("MQ-1/k1")!.lastCounter, 6);
  });
});

describe("device directory", () => {
  it("caches found and unknown identifiers, refuses retired devices, and forgets on invalidation", async () => {
    let lookups = 0;
    let now = 0;
    const devices = [
      device("A", ["id-a"], "jt701"),
      device("B", ["id-b"], "jt701", { lifecycle: "retired" }),
    ];
    const directory = new DeviceDirectory(
      {
        byIdentifier: (identifier) => {
          lookups++;
          return Promise.resolve(devices.find((d) => d.identifiers.includes(identifier)));
        },
      },
      { nowMs: () => now, ttlMs: 1_000, negativeTtlMs: 100 },
    );
    assert.equal((await directory.resolve("id-a")).kind, "accepted");
    assert.equal((await directory.resolve("id-a")).kind, "accepted");
    assert.equal(lookups, 1);
    const retired = await directory.resolve("id-b");
    assert.equal(retired.kind === "refused" && retired.reason, "retired_device");
    const unknown = await directory.resolve("id-x");
    assert.equal(unknown.kind === "refused" && unknown.reason, "unknown_device");
    await directory.resolve("id-x");
    assert.equal(lookups, 3);
    now = 200;
    await directory.resolve("id-x");
    assert.equal(lookups, 4, "an unknown identifier is asked again after the negative TTL");
    directory.invalidateDevice("A");
    await directory.resolve("id-a");
    assert.equal(lookups, 5);
    assert.equal(directory.cached("id-a")?.kind, "accepted");
  });
});
