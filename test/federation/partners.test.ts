/**
 * The partner registry on SQLite and on PostgreSQL: a partner registered with checked fields and a
 * pinned key; a new key accepted only on a rotation statement signed by a pinned key (and refused
 * for every other kind of statement); revocation of a key or of the partnership effective at the
 * next lookup; every change in the audit chain.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { jcs } from "../../src/core/canonical-json.js";
import { SealwatchError } from "../../src/core/errors.js";
import { jwkThumbprint, publicJwkOf, signCompact } from "../../src/dossier/jose.js";
import { ROTATION_TYP } from "../../src/federation/instance-keys.js";
import { PartnerRegistry, type PartnerInput } from "../../src/federation/partners.js";
import { openStore, type OpenedStore } from "../../src/store/open.js";
import { createThrowawayDatabase, dropDatabase, probePostgres } from "../store/pg-support.js";

function keyPair(): { privateKey: KeyObject; jwk: { kty: "OKP"; crv: "Ed25519"; x: string }; kid: string } {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = publicJwkOf(privateKey);
  return { privateKey, jwk, kid: jwkThumbprint(jwk) };
}

function rotation(
  signer: { privateKey: KeyObject; kid: string },
  fresh: { jwk: object; kid: string },
  extra: { iss?: string; previousKid?: string; typ?: string } = {},
): string {
  return signCompact(
    { alg: "EdDSA", kid: signer.kid, typ: extra.typ ?? ROTATION_TYP },
    jcs({
      iss: extra.iss ?? "UG-URA",
      previousKid: extra.previousKid ?? signer.kid,
      key: { ...fresh.jwk, kid: fresh.kid },
      at: "2025-06-10T08:00:00.000Z",
    }),
    signer.privateKey,
  );
}

function refusedWith(code: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof SealwatchError, String(error));
    assert.equal(error.code, code, error.message);
    if (pattern !== undefined) assert.match(error.message, pattern);
    return true;
  };
}

const probe = await probePostgres();
const dir = mkdtempSync(join(tmpdir(), "sealwatch-partners-"));
const databases: string[] = [];

const engines: { name: string; open: () => Promise<OpenedStore>; skip?: string }[] = [
  { name: "SQLite", open: () => openStore({ url: join(dir, `p${Math.random().toString(36).slice(2)}.db`) }) },
  {
    name: "PostgreSQL",
    open: async () => {
      const db = await createThrowawayDatabase("sealwatch_partners");
      databases.push(db.name);
      return openStore({ url: db.url });
    },
    ...(probe.ok || process.env.CI !== undefined
      ? {}
      : { skip: `PostgreSQL is not reachable (${probe.reason})` }),
  },
];

after(async () => {
  for (const name of databases) await dropDatabase(name);
  rmSync(dir, { recursive: true, force: true });
});

for (const engine of engines) {
  describe(
    `partner registry (${engine.name})`,
    { ...(engine.skip === undefined ? {} : { skip: engine.skip }) },
    () => {
      let store: OpenedStore;
      let registry: PartnerRegistry;
      let now = Date.UTC(2025, 5, 10, 8);
      const first = keyPair();
      const input = (extra: Partial<PartnerInput> = {}): PartnerInput => ({
        id: "UG-URA",
        name: "Uganda Revenue Authority",
        country: "ug",
        baseUrl: "https://customs.ura.example/",
        offices: ["UG000101", "UGMLB001"],
        keys: [first.jwk],
        ...extra,
      });
      before(async () => {
        store = await engine.open();
        registry = new PartnerRegistry(store, { selfId: "KE-KRA", nowMs: () => now });
      });
      after(() => store?.close());

      it("refuses a partner with bad fields, naming every problem, and stores nothing", async () => {
        await assert.rejects(
          registry.add(
            input({
              id: "KE-KRA",
              baseUrl: "http://customs.ura.example",
              offices: ["KE000101", "UG1"],
              keys: [{ kty: "RSA", n: "x", e: "AQAB" }],
            }),
            "user:1",
          ),
          refusedWith(
            "INVALID_DEFINITION",
            /own id[\s\S]*https[\s\S]*not an office of UG[\s\S]*8 characters[\s\S]*Ed25519/,
          ),
        );
        assert.deepEqual(await registry.list(), []);
      });

      it("registers a partner with its pinned key, audited, and finds the key for a signature", async () => {
        const partner = await registry.add(input(), "user:1");
        assert.equal(partner.country, "UG");
        assert.equal(partner.baseUrl, "https://customs.ura.example");
        assert.deepEqual(
          partner.keys.map((k) => [k.kid, k.status]),
          [[first.kid, "active"]],
        );
        const found = await registry.keyFor("UG-URA", first.kid);
        assert.ok(found.ok);
        await assert.rejects(registry.add(input(), "user:1"), refusedWith("DUPLICATE_ID"));
        const [entry] = await store.audit.list({ subjectType: "partner", subjectId: "UG-URA" });
        assert.equal(entry?.action, "federation.partner.add");
        assert.equal(entry?.actor, "user:1");
      });

      it("accepts a new key only on a rotation signed by a pinned key, then retires the endorsing key", async () => {
        const second = keyPair();
        const stranger = keyPair();
        await assert.rejects(
          registry.acceptRotation("UG-URA", rotation(stranger, second), "user:1"),
          refusedWith("KEY_ROTATION_REFUSED", /not pinned/),
        );
        await assert.rejects(
          registry.acceptRotation("UG-URA", rotation(first, second, { iss: "TZ-TRA" }), "user:1"),
          refusedWith("KEY_ROTATION_REFUSED", /issued by "TZ-TRA"/),
        );
        await assert.rejects(
          registry.acceptRotation("UG-URA", rotation(first, second, { typ: "JWT" }), "user:1"),
          refusedWith("KEY_ROTATION_REFUSED", /typ/),
        );
        await assert.rejects(
          registry.acceptRotation("UG-URA", rotation(first, second, { previousKid: stranger.kid }), "user:1"),
          refusedWith("KEY_ROTATION_REFUSED", /previousKid/),
        );
        // A statement whose signature was made over other bytes (a changed character).
        const good = rotation(first, second);
        const [h, p, s] = good.split(".") as [string, string, string];
        const flipped = `${h}.${p}.${s.slice(0, 10)}${s[10] === "A" ? "B" : "A"}${s.slice(11)}`;
        await assert.rejects(
          registry.acceptRotation("UG-URA", flipped, "user:1"),
          refusedWith("KEY_ROTATION_REFUSED", /does not verify|base64url/),
        );
        assert.equal((await registry.keyFor("UG-URA", second.kid)).ok, false);

        now += 1000;
        const accepted = await registry.acceptRotation("UG-URA", good, "partner:UG-URA");
        assert.equal(accepted.kid, second.kid);
        const keys = (await registry.get("UG-URA")).keys;
        assert.deepEqual(
          keys.map((k) => [k.kid, k.status, k.endorsedBy]),
          [
            [first.kid, "retired", undefined],
            [second.kid, "active", first.kid],
          ],
        );
        // A retired key still verifies what it signed.
        assert.ok((await registry.keyFor("UG-URA", first.kid)).ok);
        const actions = (await store.audit.list({ subjectType: "partner" })).map((r) => r.action);
        assert.ok(actions.includes("federation.partner.key.rotate"));
      });

      it("revokes a key and the partnership at once; a revoked key is never pinned again", async () => {
        const { keys } = await registry.get("UG-URA");
        const retired = keys.find((k) => k.status === "retired")!;
        await registry.revokeKey("UG-URA", retired.kid, "compromised", "user:1");
        const gone = await registry.keyFor("UG-URA", retired.kid);
        assert.deepEqual(gone, {
          ok: false,
          code: "PARTNER_KEY_UNTRUSTED",
          reason: `key ${retired.kid} of UG-URA is revoked`,
        });
        await assert.rejects(
          registry.pinKey("UG-URA", { kty: "OKP", crv: "Ed25519", x: retired.x }, "user:1"),
          refusedWith("PARTNER_KEY_UNTRUSTED"),
        );
        const set = await registry.keySet("UG-URA");
        assert.deepEqual(
          set.revoked.map((k) => k.kid),
          [retired.kid],
        );

        const active = keys.find((k) => k.status === "active")!;
        assert.ok((await registry.keyFor("UG-URA", active.kid)).ok);
        await registry.revoke("UG-URA", "agreement ended", "user:1");
        const lookup = await registry.keyFor("UG-URA", active.kid);
        assert.equal(lookup.ok, false);
        assert.equal(!lookup.ok && lookup.code, "PARTNER_UNKNOWN");
        assert.equal((await registry.keyFor("TZ-TRA", active.kid)).ok, false);
        const actions = (await store.audit.list({ subjectType: "partner" })).map((r) => r.action);
        assert.ok(actions.includes("federation.partner.key.revoke"));
        assert.ok(actions.includes("federation.partner.revoke"));
        assert.equal((await store.audit.verify()).ok, true);
      });

      it("changes offices and scope with the same checks", async () => {
        await assert.rejects(
          registry.update(
            "UG-URA",
            {
              scope: {
                outgoing: {
                  sealEvents: false,
                  alarms: false,
                  alarmResolution: true,
                  track: true,
                  trackResolutionS: 60,
                  declaration: true,
                },
                incoming: {
                  sealEvents: true,
                  alarms: true,
                  alarmResolution: true,
                  track: true,
                  trackResolutionS: 0,
                  declaration: false,
                },
              },
            },
            "user:1",
          ),
          refusedWith("INVALID_DEFINITION", /sealEvents[\s\S]*alarmResolution/),
        );
        const updated = await registry.update("UG-URA", { offices: ["UGKLA001"] }, "user:2");
        assert.deepEqual(updated.offices, ["UGKLA001"]);
      });
    },
  );
}
