/**
 * Signed requests between partners: accepted once from a pinned key of an active partner within the
 * time window; refused, with the reason named, when forged, from an unknown partner or an unpinned
 * or revoked key, addressed to someone else, too old, or replayed.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SealwatchError } from "../../src/core/errors.js";
import { jwkThumbprint, publicJwkOf } from "../../src/dossier/jose.js";
import { PartnerRegistry } from "../../src/federation/partners.js";
import { openRequest, signRequest } from "../../src/federation/signed-request.js";
import { openStore, type OpenedStore } from "../../src/store/open.js";

const dir = mkdtempSync(join(tmpdir(), "sealwatch-signed-request-"));
const T = Date.UTC(2025, 5, 10, 8);

function signer() {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = publicJwkOf(privateKey);
  return { privateKey, jwk, kid: jwkThumbprint(jwk) };
}

function refused(code: string, pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof SealwatchError, String(error));
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

describe("signed partner requests", () => {
  let store: OpenedStore;
  let registry: PartnerRegistry;
  const kenya = signer();
  const now = T;
  before(async () => {
    store = await openStore({ url: join(dir, "ug.db") });
    registry = new PartnerRegistry(store, { selfId: "UG-URA", nowMs: () => now });
    await registry.add(
      {
        id: "KE-KRA",
        name: "Kenya",
        country: "KE",
        baseUrl: "https://kra.example",
        offices: ["KEMBA001"],
        keys: [kenya.jwk],
      },
      "user:1",
    );
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (text: string, at = now) =>
    openRequest(text, { registry, store, selfId: "UG-URA", nowMs: at, expectedType: "handover" });
  const request = (by = kenya, fields: { iss?: string; aud?: string; type?: string } = {}, at = now) =>
    signRequest(
      by,
      {
        iss: fields.iss ?? "KE-KRA",
        aud: fields.aud ?? "UG-URA",
        type: fields.type ?? "handover",
        body: { tripId: "T1" },
      },
      at,
    );

  it("accepts a request once, and refuses its replay", async () => {
    const text = request();
    const opened = await open(text);
    assert.equal(opened.partner.id, "KE-KRA");
    assert.deepEqual(opened.payload.body, { tripId: "T1" });
    await assert.rejects(open(text), refused("REPLAYED", /before: a replay/));
  });

  it("refuses a forged, misaddressed or stale request, and one from a stranger", async () => {
    const text = request();
    const [h, p, s] = text.split(".") as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, "base64url").toString()) as { body: { tripId: string } };
    payload.body.tripId = "T2";
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${s}`;
    await assert.rejects(open(forged), refused("SIGNATURE_INVALID", /forged or altered/));
    await assert.rejects(open(request(signer())), refused("PARTNER_KEY_UNTRUSTED", /not pinned/));
    await assert.rejects(
      open(request(kenya, { iss: "TZ-TRA" })),
      refused("PARTNER_UNKNOWN", /not a partner/),
    );
    await assert.rejects(
      open(request(kenya, { aud: "RW-RRA" })),
      refused("VALIDATION_FAILED", /for "RW-RRA"/),
    );
    await assert.rejects(
      open(request(kenya, { type: "alarm" })),
      refused("VALIDATION_FAILED", /not a handover/),
    );
    await assert.rejects(
      open(request(kenya, {}, now - 10 * 60_000)),
      refused("REQUEST_EXPIRED", /600 s from/),
    );
    await assert.rejects(open("not a jws"), refused("SIGNATURE_INVALID", /three parts/));
  });

  it("refuses everything at once after the key or the partner is revoked", async () => {
    const text = request();
    await registry.revokeKey("KE-KRA", kenya.kid, "compromised", "user:1");
    await assert.rejects(open(text), refused("PARTNER_KEY_UNTRUSTED", /revoked/));
    await registry.revoke("KE-KRA", "ended", "user:1");
    await assert.rejects(open(request()), refused("PARTNER_UNKNOWN", /revoked/));
  });
});
