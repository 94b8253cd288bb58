/**
 * This instance's signing keys: created once and sealed at rest with the master key (the stored
 * bytes are not the key; another master key cannot open them), rotated with an endorsement the
 * previous key signed, published as a key set with retired keys kept for the retention period,
 * revoked at once.
 */
import assert from "node:assert/strict";
import { createPublicKey, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { SealwatchError } from "../../src/core/errors.js";
import { jwsPayload, parseJws, publicKeyOfJwk, verifyJws } from "../../src/dossier/jose.js";
import { InstanceKeys, ROTATION_TYP, type RotationStatement } from "../../src/federation/instance-keys.js";
import { openStore, type OpenedStore } from "../../src/store/open.js";

const dir = mkdtempSync(join(tmpdir(), "sealwatch-keys-"));
const stores: OpenedStore[] = [];
after(async () => {
  for (const store of stores) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
async function fresh(): Promise<OpenedStore> {
  const store = await openStore({ url: join(dir, `s${++n}.db`) });
  stores.push(store);
  return store;
}

const DAY = 86_400_000;

describe("instance signing keys", () => {
  it("creates one key, once, sealed: the stored bytes are not the key and only this master key opens them", async () => {
    const store = await fresh();
    const master = randomBytes(32);
    let now = 1_000_000;
    const keys = new InstanceKeys(store, master, { issuer: "KE-KRA", nowMs: () => now });
    const first = await keys.ensureKey();
    assert.equal(first.created, true);
    assert.deepEqual(await keys.ensureKey(), { kid: first.kid, created: false });
    const signer = await keys.signingKey();
    assert.equal(signer.kid, first.kid);
    const der = signer.privateKey.export({ format: "der", type: "pkcs8" });
    const [record] = await store.federation.instanceKeys();
    assert.ok(record !== undefined);
    assert.equal(
      Buffer.from(record.sealedPrivateKey).includes(der.subarray(-32)),
      false,
      "the raw key is not stored",
    );
    const stranger = new InstanceKeys(store, randomBytes(32), { issuer: "KE-KRA", nowMs: () => now });
    await assert.rejects(stranger.signingKey(), (error: unknown) => {
      assert.ok(error instanceof SealwatchError);
      assert.equal(error.code, "INVALID_CONFIG");
      assert.match(error.message, /does not open with this master key/);
      return true;
    });
    now += 1;
  });

  it("rotates: the new key signs, the old one endorsed it and stays published until the retention ends", async () => {
    const store = await fresh();
    let now = 10 * DAY;
    const keys = new InstanceKeys(store, randomBytes(32), {
      issuer: "KE-KRA",
      nowMs: () => now,
      retentionMs: 30 * DAY,
    });
    const { kid: oldKid } = await keys.ensureKey();
    now += DAY;
    const { retired, activated } = await keys.rotate();
    assert.equal(retired, oldKid);
    assert.equal((await keys.signingKey()).kid, activated);
    const set = await keys.keySet(now);
    assert.equal(set.issuer, "KE-KRA");
    assert.deepEqual(
      set.keys.map((k) => [k.kid, k.status]),
      [
        [oldKid, "retired"],
        [activated, "active"],
      ],
    );
    assert.equal(set.keys[0]!.publishedUntil, new Date(now + 30 * DAY).toISOString());
    // The endorsement: a JWS by the old key naming the new one.
    const rotation = parseJws(set.keys[1]!.rotation);
    assert.ok(rotation.ok);
    assert.equal(rotation.header.kid, oldKid);
    assert.equal(rotation.header.typ, ROTATION_TYP);
    const oldKey = publicKeyOfJwk(set.keys[0]);
    assert.ok(oldKey.ok);
    assert.equal(verifyJws(rotation, oldKey.key), true);
    const statement = JSON.parse(jwsPayload(rotation).toString()) as RotationStatement;
    assert.equal(statement.key.kid, activated);
    assert.equal(statement.previousKid, oldKid);
    assert.equal(statement.iss, "KE-KRA");
    // Every published kid is its key's thumbprint.
    for (const key of set.keys) assert.equal(publicKeyOfJwk(key).ok, true);
    // Past the retention the retired key is no longer published.
    assert.deepEqual(
      (await keys.keySet(now + 31 * DAY)).keys.map((k) => k.kid),
      [activated],
    );
  });

  it("revokes at once: a revoked retired key leaves the key set; revoking the active key activates a new one", async () => {
    const store = await fresh();
    const now = 5 * DAY;
    const keys = new InstanceKeys(store, randomBytes(32), { issuer: "KE-KRA", nowMs: () => now });
    const { kid: a } = await keys.ensureKey();
    const { activated: b } = await keys.rotate();
    assert.deepEqual(await keys.revoke(a, "backup tape lost"), {});
    let set = await keys.keySet(now);
    assert.deepEqual(
      set.keys.map((k) => k.kid),
      [b],
    );
    assert.deepEqual(
      set.revoked.map((r) => [r.kid, r.reason]),
      [[a, "backup tape lost"]],
    );
    const { activated: c } = await keys.revoke(b, "server compromised");
    assert.ok(c !== undefined && c !== b);
    set = await keys.keySet(now);
    assert.deepEqual(
      set.keys.map((k) => [k.kid, k.status]),
      [[c, "active"]],
    );
    assert.equal(set.keys[0]!.rotation, undefined, "a compromised key endorses nothing");
    await assert.rejects(keys.revoke(a, "again"), /already revoked/);
    await assert.rejects(keys.revoke("nope", "x"), /no key nope/);
    // The published x is the key that signs.
    const signer = await keys.signingKey();
    assert.equal(
      (createPublicKey(signer.privateKey).export({ format: "jwk" }) as { x: string }).x,
      set.keys[0]!.x,
    );
  });
});
