/**
 * This instance's identity and key set over the API: public, without credentials; rotation and
 * revocation by an administrator, audited; the audit chain's head signed with the active key and
 * checked against the published key set, as a partner would.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { parseTrustSet } from "../../src/dossier/trust.js";
import { verifySignedHead, type SignedHead } from "../../src/store/audit-signing.js";
import type { PublishedKeySet } from "../../src/federation/instance-keys.js";
import { createHarness, type Harness, type Items, type AuditJson } from "./support.js";

describe("federation identity and keys (API)", () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({
      administrationId: "KE-KRA",
      administrationName: "Kenya Revenue Authority",
      administrationCountry: "KE",
      administrationOffices: "KE000101, KEMLB001",
    });
  });
  after(() => h.close());

  it("says who it is, without credentials", async () => {
    const r = await h.request("GET", "/api/v1/federation/identity");
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), {
      id: "KE-KRA",
      name: "Kenya Revenue Authority",
      country: "KE",
      offices: ["KE000101", "KEMLB001"],
      keys: "/api/v1/federation/keys",
    });
  });

  it("publishes its key set; the audit head it signs verifies against it, and not after the key is revoked", async () => {
    const set = (await h.request("GET", "/api/v1/federation/keys")).json<PublishedKeySet>();
    assert.equal(set.issuer, "KE-KRA");
    assert.equal(set.keys.length, 1);
    assert.equal(set.keys[0]!.status, "active");
    const head = (
      await h.request("GET", "/api/v1/federation/audit-head", { as: "supervisor" })
    ).json<SignedHead>();
    assert.equal(head.keyId, set.keys[0]!.kid);
    const trust = parseTrustSet(set);
    assert.ok(trust.ok);
    assert.deepEqual(verifySignedHead(head, trust.trust.trustedKeys()), { ok: true });
    assert.equal(verifySignedHead({ ...head, seq: head.seq + 1 }, trust.trust.trustedKeys()).ok, false);

    // Rotate: the old head still verifies (its key is retired, still published).
    const rotated = await h.request("POST", "/api/v1/federation/keys/rotate", { as: "admin", body: {} });
    assert.equal(rotated.statusCode, 200);
    const after = (await h.request("GET", "/api/v1/federation/keys")).json<PublishedKeySet>();
    const trustAfter = parseTrustSet(after);
    assert.ok(trustAfter.ok);
    assert.deepEqual(verifySignedHead(head, trustAfter.trust.trustedKeys()), { ok: true });

    // Revoke the old key: the head signed with it no longer verifies against the key set.
    const revoked = await h.request("POST", `/api/v1/federation/keys/${head.keyId}/revoke`, {
      as: "admin",
      body: { reason: "test of revocation" },
    });
    assert.equal(revoked.statusCode, 200);
    const last = parseTrustSet((await h.request("GET", "/api/v1/federation/keys")).json());
    assert.ok(last.ok);
    assert.equal(last.trust.lookup(head.keyId).kind, "revoked");
    assert.equal(verifySignedHead(head, last.trust.trustedKeys()).ok, false);

    const audit = (
      await h.request("GET", "/api/v1/audit?subjectType=federation-key&limit=100", { as: "admin" })
    ).json<Items<AuditJson>>();
    assert.deepEqual(
      audit.items.map((r) => r.action),
      ["federation.key.create", "federation.key.rotate", "federation.key.revoke"],
    );
  });

  it("refuses a rotation by a supervisor and a revocation of an unknown or malformed key id", async () => {
    assert.equal(
      (await h.request("POST", "/api/v1/federation/keys/rotate", { as: "supervisor", body: {} })).statusCode,
      403,
    );
    const unknown = await h.request("POST", `/api/v1/federation/keys/${"A".repeat(43)}/revoke`, {
      as: "admin",
      body: { reason: "x" },
    });
    assert.equal(unknown.statusCode, 404);
    const malformed = await h.request("POST", "/api/v1/federation/keys/nope/revoke", {
      as: "admin",
      body: { reason: "x" },
    });
    assert.equal(malformed.json<{ code: string }>().code, "VALIDATION_FAILED");
    const noReason = await h.request("POST", `/api/v1/federation/keys/${"A".repeat(43)}/revoke`, {
      as: "admin",
      body: {},
    });
    assert.equal(noReason.json<{ code: string }>().code, "VALIDATION_FAILED");
  });
});
