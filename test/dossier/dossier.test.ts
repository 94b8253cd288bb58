/**
 * The trip dossier end to end in one instance: exported over the API, verified offline against the
 * published key set, and refused for each kind of forgery with the reason named: a changed byte
 * anywhere, a wrong key, a revoked key, a record removed from the track (naively, and with the
 * proof recomputed), a broken seal history presented as intact (even re-signed with the real key).
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { main } from "../../src/cli/main.js";
import type { CommandIo } from "../../src/cli/command.js";
import { jcs } from "../../src/core/canonical-json.js";
import { recordsRoot, sealDossier } from "../../src/dossier/build.js";
import type { DossierEnvelope } from "../../src/dossier/format.js";
import { jwkThumbprint, publicJwkOf } from "../../src/dossier/jose.js";
import { inclusionPath, rootFromPath } from "../../src/dossier/merkle.js";
import { parseTrustSet, type TrustSet } from "../../src/dossier/trust.js";
import { verifyDossierText, type DossierProblemKind } from "../../src/dossier/verify.js";
import { DESTINATION, MIDWAY, createHarness, type Harness } from "../api/support.js";

function trustOf(set: unknown): TrustSet {
  const parsed = parseTrustSet(set);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return parsed.trust;
}

function kinds(text: string, trust: TrustSet): DossierProblemKind[] {
  const verdict = verifyDossierText(text, (kid) => trust.lookup(kid));
  assert.equal(verdict.ok, verdict.problems.length === 0);
  return verdict.problems.map((p) => p.kind);
}

const textOf = (value: unknown): string => `${jcs(value)}\n`;

describe("trip dossier", () => {
  let h: Harness;
  let intactText: string;
  let brokenText: string;
  let trust: TrustSet;
  before(async () => {
    h = await createHarness({
      administrationId: "KE-KRA",
      administrationName: "Kenya Revenue Authority",
      administrationCountry: "KE",
    });
    const { tripId, deviceId } = await h.newTrip({ stage: "in_transit" });
    for (let i = 0; i < 5; i++) await h.reading(deviceId, MIDWAY);
    await h.reading(deviceId, DESTINATION);
    const intact = await h.request("GET", `/api/v1/trips/${tripId}/dossier`, { as: "supervisor" });
    assert.equal(intact.statusCode, 200, intact.body);
    intactText = intact.body;

    const broken = await h.newTrip({ stage: "in_transit" });
    await h.reading(broken.deviceId, MIDWAY, { seal: "open" });
    await h.reading(broken.deviceId, MIDWAY, { seal: "closed" });
    await h.reading(broken.deviceId, DESTINATION);
    brokenText = (await h.request("GET", `/api/v1/trips/${broken.tripId}/dossier`, { as: "officer" })).body;
    trust = trustOf((await h.request("GET", "/api/v1/federation/keys")).json());
  });
  after(() => h.close());

  it("exports canonical JSON with a detached JWS that verifies offline, and anchors it in the audit chain", async () => {
    assert.equal(intactText, textOf(JSON.parse(intactText)));
    const verdict = verifyDossierText(intactText, (kid) => trust.lookup(kid));
    assert.deepEqual(verdict.problems, []);
    const d = verdict.dossier!;
    assert.equal(d.issuer.id, "KE-KRA");
    assert.equal(d.seal.intact, true);
    assert.deepEqual(d.declaration.containers, ["CSQU3054383"]);
    assert.equal(d.track.mode, "full");
    assert.ok(d.track.points >= 7, `${d.track.points} track points`);
    assert.equal(d.records.filter((r) => r.kind === "command").length, 1);
    const seals = d.records.filter((r) => r.kind === "seal");
    assert.equal(seals.length, 1, "one closed state, reported before arming");
    assert.ok(d.readings.count >= 7);
    const anchor = (await h.store.audit.list({ subjectType: "trip", subjectId: d.trip.id })).find(
      (r) => r.action === "dossier.issue",
    );
    assert.equal(anchor?.hash, d.proof.anchor.hash);
    // One record alone is tied to the anchored root by its inclusion path.
    const path = inclusionPath(d.proof.leaves, 3);
    assert.equal(rootFromPath(d.proof.leaves[3]!, 3, d.proof.leaves.length, path), d.proof.root);
    assert.equal(rootFromPath(d.proof.leaves[2]!, 3, d.proof.leaves.length, path) === d.proof.root, false);
  });

  it("states a seal opened after arming as not intact, and the verifier agrees", () => {
    const verdict = verifyDossierText(brokenText, (kid) => trust.lookup(kid));
    assert.deepEqual(verdict.problems, []);
    assert.equal(verdict.dossier!.seal.intact, false);
    assert.match(verdict.dossier!.seal.reason ?? "", /reported open/);
  });

  it("refuses a changed byte anywhere in the file", () => {
    const positions = 400;
    const step = Math.max(1, Math.floor((intactText.length - 1) / positions));
    let checked = 0;
    for (let i = 0; i < intactText.length - 1; i += step) {
      const c = intactText[i]!;
      const replacement = c === "1" ? "2" : c === "a" ? "b" : c === '"' ? "'" : c === "0" ? "1" : "1";
      const forged = intactText.slice(0, i) + replacement + intactText.slice(i + 1);
      const verdict = verifyDossierText(forged, (kid) => trust.lookup(kid));
      assert.equal(verdict.ok, false, `a change at byte ${i} (${c} → ${replacement}) went unnoticed`);
      checked++;
    }
    assert.ok(checked >= positions);
  });

  it("refuses a record removed from the track, naively or with the proof recomputed", () => {
    const envelope = JSON.parse(intactText) as DossierEnvelope;
    const index = envelope.dossier.records.findIndex((r) => r.kind === "track");
    const records = envelope.dossier.records.filter((_, i) => i !== index);
    const naive = { ...envelope, dossier: { ...envelope.dossier, records } };
    assert.deepEqual(kinds(textOf(naive), trust).sort(), ["bad-signature", "record-removed"]);

    const { leaves, root } = recordsRoot({ records });
    const recomputed = {
      ...envelope,
      dossier: { ...envelope.dossier, records, proof: { ...envelope.dossier.proof, leaves, root } },
    };
    assert.deepEqual(kinds(textOf(recomputed), trust).sort(), ["bad-signature", "proof-broken"]);

    const altered = structuredClone(envelope) as unknown as {
      dossier: { records: { position?: number[] }[] };
    };
    altered.dossier.records[index]!.position = [37.0, -1.0];
    assert.deepEqual(kinds(textOf(altered), trust).sort(), ["bad-signature", "record-altered"]);
  });

  it("refuses a broken seal history presented as intact, even signed with the issuer's own key", async () => {
    const envelope = JSON.parse(brokenText) as DossierEnvelope;
    const claimed = {
      ...envelope,
      dossier: { ...envelope.dossier, seal: { intact: true, armedAt: envelope.dossier.seal.armedAt } },
    };
    assert.deepEqual(kinds(textOf(claimed), trust).sort(), ["bad-signature", "seal-continuity"]);

    // The issuer itself (or whoever holds its key) signs the false claim: the records still tell.
    const signer = await h.federation.keys.signingKey();
    const { proof, ...body } = claimed.dossier;
    const resigned = sealDossier(body, proof, signer);
    const now = trustOf((await h.request("GET", "/api/v1/federation/keys")).json());
    assert.deepEqual(kinds(textOf(resigned), now), ["seal-continuity"]);

    // The opening removed from the history and the proof recomputed: the next record does not follow.
    const records = envelope.dossier.records.filter((r) => !(r.kind === "seal" && r.state === "open"));
    const { leaves, root } = recordsRoot({ records });
    const erased = sealDossier({ ...body, records }, { ...proof, leaves, root }, signer);
    const found = kinds(textOf(erased), now);
    assert.ok(found.includes("seal-continuity") && found.includes("proof-broken"), found.join());
  });

  it("verifies on the command line, offline, naming each failure", async () => {
    const file = join(h.dir, "dossier.json");
    const keys = join(h.dir, "keys.json");
    writeFileSync(file, brokenText);
    writeFileSync(keys, JSON.stringify((await h.request("GET", "/api/v1/federation/keys")).json()));
    const lines: string[] = [];
    const io: CommandIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), progress: () => undefined };
    assert.equal(await main(["dossier", "verify", file, "--trust", keys], io), 0, lines.join("\n"));
    assert.match(lines.join("\n"), /verified: dossier of trip TRIP-2[\s\S]*seal: NOT intact/);
    lines.length = 0;
    writeFileSync(file, brokenText.replace('"intact":false', '"intact":true'));
    assert.equal(await main(["dossier", "verify", file, "--trust", keys], io), 1);
    assert.match(
      lines.join("\n"),
      /NOT VERIFIED[\s\S]*bad-signature[\s\S]*seal-continuity: the dossier presents the seal as intact/,
    );
  });

  it("is exported only for staff who may see the trip", async () => {
    assert.equal(
      (await h.request("GET", "/api/v1/trips/TRIP-1/dossier", { as: "operator" })).statusCode,
      403,
    );
    assert.equal((await h.request("GET", "/api/v1/trips/TRIP-1/dossier", { as: "trader" })).statusCode, 403);
    assert.equal((await h.request("GET", "/api/v1/trips/NOPE/dossier", { as: "admin" })).statusCode, 404);
  });
  // Last: it revokes the key the dossiers above were signed with.
  it("refuses a dossier signed with a key the verifier does not trust, or revoked", async () => {
    const stranger = publicJwkOf(generateKeyPairSync("ed25519").privateKey);
    const other = trustOf({ issuer: "KE-KRA", keys: [{ ...stranger, kid: jwkThumbprint(stranger) }] });
    assert.deepEqual([...new Set(kinds(intactText, other))], ["unknown-key"]);

    const kid = (JSON.parse(intactText) as DossierEnvelope).dossier.proof.head.keyId!;
    await h.request("POST", "/api/v1/federation/keys/rotate", { as: "admin", body: {} });
    const rotated = trustOf((await h.request("GET", "/api/v1/federation/keys")).json());
    assert.deepEqual(kinds(intactText, rotated), [], "a retired key still verifies what it signed");
    const r = await h.request("POST", `/api/v1/federation/keys/${kid}/revoke`, {
      as: "admin",
      body: { reason: "test" },
    });
    assert.equal(r.statusCode, 200);
    const revoked = trustOf((await h.request("GET", "/api/v1/federation/keys")).json());
    assert.deepEqual([...new Set(kinds(intactText, revoked))], ["revoked-key"]);
  });
});
