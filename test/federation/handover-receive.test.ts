/**
 * The receiving side of a handover, with two administrations in one process (Kenya hands a trip to
 * Uganda at Malaba): a verified handover opens the continuing leg with the same devices and seals,
 * answered with a receipt signed by Uganda's key; the leg arms itself on the first closed-seal
 * report inside the handover office and not before; a broken seal is accepted as not recognised and
 * never armed by itself; every kind of bad handover is refused with its code and changes nothing.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { envelopeText } from "../../src/dossier/build.js";
import { jwkThumbprint, publicJwkOf, publicKeyOfJwk } from "../../src/dossier/jose.js";
import { issueDossier } from "../../src/federation/dossiers.js";
import { openReceipt, type HandoverBody } from "../../src/federation/handover-message.js";
import type { PublishedKeySet } from "../../src/federation/instance-keys.js";
import { signRequest } from "../../src/federation/signed-request.js";
import { MIDWAY, ORIGIN, type ErrorJson, type Harness, type TripJson } from "../api/support.js";
import { declareKenyanTrip, twoAdministrations } from "./two-administrations.js";

interface Received {
  readonly receipt: string;
  readonly handover: { id: string; status: string; tripId: string; partnerTripId: string; armedAt?: string };
}

describe("handover: the receiving side", () => {
  let ke: Harness;
  let ug: Harness;
  let keKeys: PublishedKeySet;
  let ugKeys: PublishedKeySet;
  let trips = 0;

  before(async () => {
    ({ ke, ug, keKeys, ugKeys } = await twoAdministrations());
  });
  after(async () => {
    await ke?.close();
    await ug?.close();
  });

  /** A Kenyan trip Nairobi-like origin → Kampala, armed and on its way; `broken` opens the seal on the road. */
  async function kenyanTrip(broken = false): Promise<{ tripId: string; deviceId: string }> {
    trips++;
    const { tripId, deviceId } = await declareKenyanTrip(ke, `KE-TRIP-${trips}`, `KRA-${trips}`);
    await ke.reading(deviceId, ORIGIN);
    const armed = await ke.host.command({ tripId, command: "arm", actor: "user:test" });
    assert.ok(armed.accepted, armed.refusal);
    await ke.reading(deviceId, [37.1, -1.38]);
    if (broken) {
      await ke.reading(deviceId, [37.15, -1.4], { seal: "open" });
      await ke.reading(deviceId, [37.2, -1.42], { seal: "closed" });
    }
    await ke.reading(deviceId, MIDWAY);
    return { tripId, deviceId };
  }

  async function handoverBody(tripId: string, handoverId: string): Promise<HandoverBody> {
    const envelope = await issueDossier(ke.federation, tripId, {
      actor: "user:test",
      legEndMs: ke.clock.nowMs(),
      handover: { zone: "UG-MALABA", office: "UG000001", name: "UG-MALABA", partner: "UG-URA" },
    });
    return {
      handoverId,
      tripId,
      office: "UG000001",
      devices: envelope.dossier.devices.map((d) => d.id),
      seals: [...envelope.dossier.declaration.seals],
      dossier: envelopeText(envelope),
    };
  }

  async function signed(body: unknown, fields: { iss?: string; aud?: string } = {}): Promise<string> {
    return signRequest(
      await ke.federation.keys.signingKey(),
      { iss: fields.iss ?? "KE-KRA", aud: fields.aud ?? "UG-URA", type: "handover", body },
      ug.clock.nowMs(),
    );
  }

  const post = (request: string) => ug.request("POST", "/api/v1/federation/handovers", { body: { request } });

  function refused(
    response: { statusCode: number; json<T>(): T },
    status: number,
    code: string,
    pattern?: RegExp,
  ) {
    const error = response.json<ErrorJson>();
    assert.equal(response.statusCode, status, JSON.stringify(error));
    assert.equal(error.code, code, error.message);
    if (pattern !== undefined) assert.match(error.message, pattern);
  }

  const ugTrip = async (id: string) =>
    (await ug.request("GET", `/api/v1/trips/${id}`, { as: "supervisor" })).json<TripJson>();

  /** Lets the arming watch finish what the last reading started. */
  async function settled(): Promise<void> {
    await ug.host.idle();
    await ug.context.handoverArming?.idle();
    await ug.host.idle();
  }

  let recognised: {
    tripId: string;
    deviceId: string;
    legTripId: string;
    body: HandoverBody;
    request: string;
  };

  it("recognises an intact seal: the leg opens with the same devices and seals, and a receipt signed by Uganda comes back", async () => {
    const { tripId, deviceId } = await kenyanTrip();
    const body = await handoverBody(tripId, "0f7a3c1e-4d2b-4a57-9a3e-0d5c6b7a8e91");
    const request = await signed(body);
    const r = await post(request);
    assert.equal(r.statusCode, 201, r.body);
    const received = r.json<Received>();
    assert.equal(received.handover.status, "recognised");
    assert.equal(received.handover.partnerTripId, tripId);

    // The receipt verifies against Uganda's published keys, for this handover, addressed to Kenya.
    const keys = new Map(ugKeys.keys.map((k) => [k.kid, publicKeyOfJwk(k)]));
    const opened = openReceipt(
      received.receipt,
      (kid) => {
        const key = keys.get(kid);
        return key?.ok === true ? key.key : undefined;
      },
      { partnerId: "UG-URA", selfId: "KE-KRA", handoverId: body.handoverId, tripId },
    );
    assert.ok(opened.ok, opened.ok ? "" : opened.problem);
    assert.equal(opened.payload.recognition, "recognised");
    assert.equal(opened.payload.legTripId, received.handover.tripId);
    assert.equal(opened.payload.office, "UG000001");

    const leg = await ugTrip(received.handover.tripId);
    assert.equal(leg.state, "declared");
    assert.deepEqual(leg.devices, [deviceId]);
    assert.equal(leg.origin, "UG-MALABA");
    assert.equal(leg.destination, "UG-KAMPALA");
    const device = await ug.store.devices.get(deviceId);
    assert.deepEqual(device?.identifiers, (await ke.store.devices.get(deviceId))?.identifiers);
    const stored = await ug.store.trips.get(received.handover.tripId);
    assert.deepEqual((stored?.declaration as { seals: string[] }).seals, body.seals);
    const audit = await ug.store.audit.list({ subjectType: "trip", subjectId: received.handover.tripId });
    assert.ok(audit.some((a) => a.action === "federation.handover.receive"));
    recognised = { tripId, deviceId, legTripId: received.handover.tripId, body, request };
  });

  it("arms the recognised leg on the first closed-seal report inside the handover office, not before", async () => {
    const { deviceId, legTripId } = recognised;
    await ug.reading(deviceId, ORIGIN); // closed, but outside Malaba
    await ug.reading(deviceId, MIDWAY, { seal: "open" }); // at Malaba, but open
    await settled();
    assert.equal((await ugTrip(legTripId)).state, "declared");
    await ug.reading(deviceId, MIDWAY); // closed, at Malaba
    await settled();
    const leg = await ugTrip(legTripId);
    assert.equal(leg.state, "armed");
    const commands = await ug.store.commands.forTrip(legTripId);
    assert.deepEqual(
      commands.map((c) => [c.command, c.outcome, c.actor]),
      [["arm", "accepted", "federation:handover"]],
    );
    const listed = await ug.request("GET", `/api/v1/trips/${legTripId}/handovers`, { as: "supervisor" });
    assert.equal(listed.statusCode, 200, listed.body);
    const [handover] = listed.json<{ items: Received["handover"][] }>().items;
    assert.ok(handover?.armedAt !== undefined);
  });

  it("refuses the same request again as a replay, answers the same handover re-signed with the same receipt, and refuses another handover of the trip", async () => {
    refused(await post(recognised.request), 409, "REPLAYED");
    const again = await post(await signed(recognised.body));
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json<Received>().handover.tripId, recognised.legTripId);
    const other = await post(await signed({ ...recognised.body, handoverId: "another-handover" }));
    refused(other, 409, "HANDOVER_DUPLICATE", /already handed over/);
  });

  it("refuses an unknown partner, a forged signature, another audience, an office not ours, other seals and an altered dossier", async () => {
    const { tripId } = await kenyanTrip();
    const body = await handoverBody(tripId, "h-refusals");
    const stranger = generateKeyPairSync("ed25519").privateKey;
    const strangerJwk = publicJwkOf(stranger);
    const foreign = signRequest(
      { kid: jwkThumbprint(strangerJwk), privateKey: stranger },
      { iss: "TZ-TRA", aud: "UG-URA", type: "handover", body },
      ug.clock.nowMs(),
    );
    refused(await post(foreign), 401, "PARTNER_UNKNOWN");
    const good = await signed(body);
    const forged = good.slice(0, -4) + (good.endsWith("AAAA") ? "BBBB" : "AAAA");
    refused(await post(forged), 401, "SIGNATURE_INVALID");
    refused(await post(await signed(body, { aud: "RW-RRA" })), 400, "VALIDATION_FAILED", /not UG-URA/);
    refused(await post(await signed({ ...body, office: "UG000009" })), 422, "OFFICE_NOT_PARTNERS");
    refused(await post(await signed({ ...body, seals: ["SOMEONE-ELSES"] })), 422, "SEAL_MISMATCH");
    const altered = body.dossier.replace('"KRA-', '"KRB-');
    assert.notEqual(altered, body.dossier);
    refused(
      await post(
        await signed({ ...body, dossier: altered, seals: body.seals.map((s) => s.replace("KRA-", "KRB-")) }),
      ),
      422,
      "DOSSIER_INVALID",
      /bad-signature/,
    );
    refused(await post(await signed({ ...body, dossier: "not a dossier" })), 422, "DOSSIER_INVALID");
    refused(await post(await signed({ ...body, extra: 1 })), 400, "VALIDATION_FAILED", /unknown members/);
    refused(await post("x".repeat(10)), 401, "SIGNATURE_INVALID");
    // Nothing was opened for that trip, and the refusals of the known partner are on record.
    assert.deepEqual(await ug.store.federation.handovers({ partnerTripId: tripId }), []);
    const audit = await ug.store.audit.list({ subjectType: "partner", subjectId: "KE-KRA" });
    assert.ok(audit.filter((a) => a.action === "federation.handover.refused").length >= 4);
  });

  it("accepts a broken seal as not recognised: the leg is not armed by a closed report at the office", async () => {
    const { tripId, deviceId } = await kenyanTrip(true);
    const r = await post(await signed(await handoverBody(tripId, "h-broken")));
    assert.equal(r.statusCode, 201, r.body);
    const received = r.json<Received & { handover: { reason: string } }>();
    assert.equal(received.handover.status, "not-recognised");
    assert.match(received.handover.reason, /not intact.*re-seal/);
    await ug.reading(deviceId, MIDWAY);
    await settled();
    assert.equal((await ugTrip(received.handover.tripId)).state, "declared");
  });

  it("shows handovers to staff, officers only for their offices' trips, and to nobody without credentials", async () => {
    const all = await ug.request("GET", "/api/v1/federation/handovers?direction=incoming", {
      as: "supervisor",
    });
    assert.equal(all.statusCode, 200, all.body);
    assert.equal(all.json<{ items: unknown[] }>().items.length, 2);
    // The harness officer's offices are OFF-ORIGIN and OFF-DEST: no Ugandan leg is theirs.
    const officer = await ug.request("GET", "/api/v1/federation/handovers", { as: "officer" });
    assert.equal(officer.statusCode, 200, officer.body);
    assert.equal(officer.json<{ items: unknown[] }>().items.length, 0);
    assert.equal((await ug.request("GET", "/api/v1/federation/handovers", { as: "trader" })).statusCode, 403);
    assert.equal((await ug.request("GET", "/api/v1/federation/handovers")).statusCode, 401);
    const hidden = await ug.request("GET", `/api/v1/trips/${recognised.legTripId}/handovers`, {
      as: "trader",
    });
    assert.equal(hidden.statusCode, 404);
  });

  it("refuses a dossier signed with a key revoked here", async () => {
    const { tripId } = await kenyanTrip();
    const body = await handoverBody(tripId, "h-revoked");
    const kid = keKeys.keys[0]!.kid;
    const revoked = await ug.request("POST", `/api/v1/federation/partners/KE-KRA/keys/${kid}/revoke`, {
      as: "admin",
      body: { reason: "compromised (test)" },
    });
    assert.equal(revoked.statusCode, 200, revoked.body);
    refused(await post(await signed(body)), 401, "PARTNER_KEY_UNTRUSTED", /revoked/);
  });
});
