/**
 * The federation part of the store contract (called from storeContract, so that every Store
 * implementation passes it): instance keys (one active at most, written together), partners, and
 * partner nonces (a replay is seen, an expired nonce forgotten), handovers (one per partner trip
 * coming in, one per trip going out).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_AGREEMENT } from "../../src/dossier/scope.js";
import type { HandoverRecord, InstanceKeyRecord, PartnerRecord } from "../../src/store/federation-ports.js";
import { isStoreError } from "../../src/store/store-error.js";
import type { StoreHarness } from "./contract.js";
import { T0 } from "./records.js";

function key(
  kid: string,
  status: InstanceKeyRecord["status"],
  extra: Partial<InstanceKeyRecord> = {},
): InstanceKeyRecord {
  return {
    kid,
    x: `x-${kid}`,
    sealedPrivateKey: Uint8Array.from([1, 2, 3, kid.length]),
    status,
    createdAtMs: T0 + kid.length,
    ...extra,
  };
}

function partner(id: string, extra: Partial<PartnerRecord> = {}): PartnerRecord {
  return {
    id,
    name: `Administration ${id}`,
    country: "UG",
    baseUrl: "https://partner.example",
    offices: ["UG000101", "UG000202"],
    scope: DEFAULT_AGREEMENT,
    keys: [{ kid: "k1", x: "xx", status: "active", addedAtMs: T0, addedBy: "user:1" }],
    status: "active",
    createdAtMs: T0,
    updatedAtMs: T0,
    ...extra,
  };
}

function handover(id: string, extra: Partial<HandoverRecord> = {}): HandoverRecord {
  return {
    id,
    direction: "incoming",
    partnerId: "KE-KRA",
    tripId: `ours-${id}`,
    partnerTripId: `theirs-${id}`,
    office: "UGMLB001",
    status: "recognised",
    dossierDigest: "ab".repeat(32),
    dossier: '{"dossier":{}}',
    receipt: "h.p.s",
    actor: "partner:KE-KRA",
    createdAtMs: T0,
    updatedAtMs: T0,
    ...extra,
  };
}

export function federationContract(h: StoreHarness): void {
  describe("federation", () => {
    it("keeps instance keys with their sealed bytes, one active at most, a rotation in one write", async () => {
      const store = await h.fresh();
      await store.federation.putInstanceKeys([key("a", "active")]);
      await assert.rejects(store.federation.putInstanceKeys([key("bb", "active")]), (error: unknown) => {
        assert.ok(isStoreError(error) && error.code === "STORE_CONFLICT", String(error));
        return true;
      });
      // The failed write stored nothing.
      assert.deepEqual(
        (await store.federation.instanceKeys()).map((k) => k.kid),
        ["a"],
      );
      await store.federation.putInstanceKeys([
        { ...key("a", "retired"), retiredAtMs: T0 + 10 },
        key("bb", "active", { rotation: "h.p.s" }),
      ]);
      const keys = await store.federation.instanceKeys();
      assert.deepEqual(
        keys.map((k) => [k.kid, k.status]),
        [
          ["a", "retired"],
          ["bb", "active"],
        ],
      );
      assert.deepEqual([...keys[0]!.sealedPrivateKey], [1, 2, 3, 1]);
      assert.equal(keys[0]!.retiredAtMs, T0 + 10);
      assert.equal(keys[1]!.rotation, "h.p.s");
      const reopened = await h.reopen(store);
      assert.deepEqual(await reopened.federation.instanceKeys(), keys);
    });

    it("stores partners whole and lists them by id", async () => {
      const store = await h.fresh();
      await store.federation.putPartner(partner("UG-URA"));
      await store.federation.putPartner(partner("RW-RRA", { country: "RW" }));
      assert.deepEqual(await store.federation.partner("UG-URA"), partner("UG-URA"));
      assert.equal(await store.federation.partner("XX"), undefined);
      const revoked = partner("UG-URA", {
        status: "revoked",
        revokedAtMs: T0 + 5,
        revocationReason: "ended",
        updatedAtMs: T0 + 5,
      });
      await store.federation.putPartner(revoked);
      assert.deepEqual(
        (await store.federation.partners()).map((p) => [p.id, p.status]),
        [
          ["RW-RRA", "active"],
          ["UG-URA", "revoked"],
        ],
      );
      assert.deepEqual(await store.federation.partner("UG-URA"), revoked);
    });

    it("remembers a partner's nonce until it expires: the second use is refused", async () => {
      const store = await h.fresh();
      assert.equal(await store.federation.useNonce("UG", "n1", T0 + 1000, T0), true);
      assert.equal(await store.federation.useNonce("UG", "n1", T0 + 1000, T0 + 10), false);
      assert.equal(await store.federation.useNonce("RW", "n1", T0 + 1000, T0 + 10), true, "per partner");
      // Expired: forgotten (the time window refuses such an old request before its nonce is looked at).
      assert.equal(await store.federation.useNonce("UG", "n1", T0 + 5000, T0 + 2000), true);
    });

    it("keeps handovers: one per partner trip coming in, one per trip going out; found by trip and status", async () => {
      const store = await h.fresh();
      const first = handover("h1");
      assert.equal(await store.federation.insertHandover(first), true);
      assert.deepEqual(await store.federation.handover("incoming", "KE-KRA", "h1"), first);
      // The same id again, or another handover of the same partner trip: nothing stored.
      assert.equal(await store.federation.insertHandover({ ...first, tripId: "other" }), false);
      assert.equal(
        await store.federation.insertHandover(handover("h2", { partnerTripId: "theirs-h1" })),
        false,
      );
      // The same ids from another partner, or going out: other handovers.
      assert.equal(await store.federation.insertHandover(handover("h1", { partnerId: "TZ-TRA" })), true);
      const out = handover("h1", {
        direction: "outgoing",
        tripId: "T9",
        status: "sending",
        outboxId: 7,
        actor: "user:1",
        createdAtMs: T0 + 1,
        updatedAtMs: T0 + 1,
      });
      const { partnerTripId: _none, ...outWithoutPartnerTrip } = out;
      assert.equal(await store.federation.insertHandover(outWithoutPartnerTrip), true);
      assert.equal(
        await store.federation.insertHandover(handover("h3", { direction: "outgoing", tripId: "T9" })),
        false,
      );
      assert.deepEqual(await store.federation.handover("outgoing", "TZ-TRA", "h1"), undefined);

      const receipted: HandoverRecord = {
        ...outWithoutPartnerTrip,
        status: "receipted",
        partnerTripId: "UG-1",
        receipt: "r.r.r",
        updatedAtMs: T0 + 5,
      };
      await store.federation.updateHandover(receipted);
      assert.deepEqual(await store.federation.handover("outgoing", "KE-KRA", "h1"), receipted);
      assert.deepEqual(
        (await store.federation.handovers({ tripId: "T9" })).map((x) => [x.direction, x.status]),
        [["outgoing", "receipted"]],
      );
      assert.deepEqual(
        (await store.federation.handovers({ direction: "incoming", status: ["recognised"] }))
          .map((x) => x.partnerId)
          .sort(),
        ["KE-KRA", "TZ-TRA"],
      );
      assert.deepEqual(await store.federation.handovers({ status: [] }), []);
      assert.equal((await store.federation.handovers()).length, 3);
      assert.equal(
        (await store.federation.handovers({ partnerTripId: "theirs-h1", partnerId: "TZ-TRA" })).length,
        1,
      );
      const reopened = await h.reopen(store);
      assert.deepEqual(await reopened.federation.handover("outgoing", "KE-KRA", "h1"), receipted);
    });
  });
}
