/**
 * The sending side of a handover, Kenya to Uganda over real HTTP (Uganda's API listens on a port):
 * a trip declared with Uganda's border office is handed over when it reports from inside that
 * office, through the outbox; Uganda's receipt is verified, stored and shown, and the Kenyan leg
 * closes. A partner that cannot be reached is tried again until it answers; a refusal is stored
 * with its code and the trip stays under monitoring here; roles and tenancy hold on the new routes.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { HANDOVER_KIND } from "../../src/federation/handover-sender.js";
import { PartnerDeliveryHandler } from "../../src/federation/partner-delivery.js";
import { OutboxDispatcher } from "../../src/outbox/dispatcher.js";
import type { HandoverRecord } from "../../src/store/federation-ports.js";
import { MIDWAY, ORIGIN, DESTINATION, type ErrorJson, type Harness } from "../api/support.js";
import { declareKenyanTrip, twoAdministrations, type TwoAdministrations } from "./two-administrations.js";

interface HandoverJson {
  readonly id: string;
  readonly status: string;
  readonly recognition?: string;
  readonly partnerTripId?: string;
  readonly receipt?: string;
  readonly refusalCode?: string;
  readonly reason?: string;
}

describe("handover: the sending side", () => {
  let two: TwoAdministrations;
  let ke: Harness;
  let ug: Harness;
  let ugUrl: string;
  let dispatcher: OutboxDispatcher;
  /** How far the dispatcher's clock runs ahead of Kenya's (to make a retry due without moving the signing clock). */
  let aheadMs = 0;
  let trips = 0;

  before(async () => {
    two = await twoAdministrations({ ke: ["supervisor", "officer", "officer2", "trader"] });
    ({ ke, ug } = two);
    await ug.app.listen({ host: "127.0.0.1", port: 0 });
    const address = ug.app.server.address();
    assert.ok(typeof address === "object" && address !== null);
    ugUrl = `http://127.0.0.1:${address.port}`;
    dispatcher = new OutboxDispatcher(
      ke.store.outbox,
      { [HANDOVER_KIND]: new PartnerDeliveryHandler(ke.federation, ke.context.handoverSender!) },
      { now: () => ke.clock.nowMs() + aheadMs, random: () => 0.5 },
    );
  });
  after(() => two?.close());

  async function deliver(): Promise<number> {
    const started = await dispatcher.dispatchDue();
    await dispatcher.drain();
    return started;
  }

  async function declare(body: object = {}): Promise<{ tripId: string; deviceId: string }> {
    trips++;
    return declareKenyanTrip(ke, `KE-OUT-${trips}`, `KRA-OUT-${trips}`, body);
  }

  async function onTheRoad(body: object = {}): Promise<{ tripId: string; deviceId: string }> {
    const trip = await declare(body);
    await ke.reading(trip.deviceId, ORIGIN);
    const armed = await ke.host.command({ tripId: trip.tripId, command: "arm", actor: "user:test" });
    assert.ok(armed.accepted, armed.refusal);
    await ke.reading(trip.deviceId, [37.1, -1.38]);
    return trip;
  }

  const handoversOf = async (tripId: string, as: "supervisor" | "trader" = "supervisor") => {
    const r = await ke.request("GET", `/api/v1/trips/${tripId}/handovers`, { as });
    assert.equal(r.statusCode, 200, r.body);
    return r.json<{ items: HandoverJson[] }>().items;
  };

  it("refuses a declared handover office that is no partner's", async () => {
    const r = await ke.request("POST", "/api/v1/trips", {
      as: "admin",
      body: {
        origin: "OFF-ORIGIN",
        destination: "OFF-DEST",
        route: { type: "LineString", coordinates: [ORIGIN, DESTINATION] },
        deadline: new Date(ke.clock.nowMs() + 86_400_000).toISOString(),
        devices: [await ke.newDevice()],
        handoverOffice: "TZ000001",
      },
    });
    assert.equal(r.statusCode, 422, r.body);
    assert.equal(r.json<ErrorJson>().code, "OFFICE_NOT_PARTNERS");
  });

  it("retries while the partner cannot be reached, then hands over on arrival at the border office: receipt stored, our leg closed", async () => {
    const { tripId } = await onTheRoad({ handoverOffice: "UG000001" });
    const stored = await ke.store.trips.get(tripId);
    assert.deepEqual((stored?.declaration as { handover: unknown }).handover, {
      office: "UG000001",
      partner: "UG-URA",
    });
    assert.deepEqual(await handoversOf(tripId), [], "not before the border");
    const trip = await ke.store.trips.get(tripId);
    await ke.reading(trip!.devices[0]!, MIDWAY);
    await ke.context.handoversIdle();
    const [sending] = await handoversOf(tripId);
    assert.equal(sending?.status, "sending");
    // An officer asking again while it is on its way: refused.
    const twice = await ke.request("POST", `/api/v1/trips/${tripId}/handover`, { as: "officer", body: {} });
    assert.equal(twice.statusCode, 409, twice.body);
    assert.equal(twice.json<ErrorJson>().code, "HANDOVER_DUPLICATE");

    // Uganda is registered at a dead address: the attempt fails and is due again later.
    assert.equal(await deliver(), 1);
    const [message] = await ke.store.outbox.list({ kind: HANDOVER_KIND });
    assert.equal(message?.status, "pending");
    assert.equal(message?.attempts, 1);
    assert.match(message?.lastError ?? "", /cannot deliver/);
    assert.equal(await deliver(), 0, "not due again at once");

    const patched = await ke.request("PATCH", "/api/v1/federation/partners/UG-URA", {
      as: "admin",
      body: { baseUrl: ugUrl },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    aheadMs = 3_600_000;
    assert.equal(await deliver(), 1);
    assert.equal((await ke.store.outbox.get(message.id))?.status, "delivered");

    const [receipted] = await handoversOf(tripId);
    assert.equal(receipted?.status, "receipted");
    assert.equal(receipted?.recognition, "recognised");
    assert.ok(receipted?.receipt !== undefined);
    const leg = await ug.store.trips.get(receipted.partnerTripId!);
    assert.equal(leg?.state, "declared");
    assert.deepEqual((leg?.declaration as { seals: string[] }).seals, [`KRA-OUT-${trips}`]);
    const closed = await ke.store.trips.get(tripId);
    assert.equal(closed?.state, "closed");
    const commands = await ke.store.commands.forTrip(tripId);
    assert.deepEqual(
      commands.map((c) => [c.command, c.actor, c.force ?? false]),
      [
        ["arm", "user:test", false],
        ["disarm", "federation:handover", true],
      ],
    );
    // The trader sees their trip's handover, a trader of another company does not see the trip.
    assert.equal((await handoversOf(tripId, "trader")).length, 1);
  });

  it("stores a partner's refusal with its code: final, and the trip stays under monitoring here", async () => {
    const { tripId, deviceId } = await onTheRoad();
    // Uganda has the Kenyan device's identifier under another device id.
    const identifier = (await ke.store.devices.get(deviceId))!.identifiers[0]!;
    const clash = await ug.request("POST", "/api/v1/devices", {
      as: "admin",
      body: {
        id: "UG-ELK-1",
        class: "active",
        vendor: "Jointech",
        model: "JT701",
        protocol: "jt701",
        identifiers: [identifier],
      },
    });
    assert.equal(clash.statusCode, 201, clash.body);
    const started = await ke.request("POST", `/api/v1/trips/${tripId}/handover`, {
      as: "officer",
      body: { office: "UG000001" },
    });
    assert.equal(started.statusCode, 202, started.body);
    assert.equal(started.json<HandoverJson>().status, "sending");
    assert.equal(await deliver(), 1);
    const [refused] = await handoversOf(tripId);
    assert.equal(refused?.status, "refused");
    assert.equal(refused?.refusalCode, "SEAL_MISMATCH");
    assert.match(refused?.reason ?? "", /UG-ELK-1/);
    const [message] = await ke.store.outbox.list({ kind: HANDOVER_KIND, orderingKey: tripId });
    assert.equal(message?.status, "dead");
    assert.equal((await ke.store.trips.get(tripId))?.state, "in_transit");
  });

  it("lets officers of the trip's office, supervisors and administrators hand over; not traders, nor officers of other offices", async () => {
    const { tripId } = await onTheRoad();
    const asCaller = (as: "trader" | "officer2") =>
      ke.request("POST", `/api/v1/trips/${tripId}/handover`, { as, body: { office: "UG000001" } });
    assert.equal((await asCaller("trader")).statusCode, 403);
    assert.equal((await asCaller("officer2")).statusCode, 404);
    const elsewhere = await ke.request("POST", `/api/v1/trips/${tripId}/handover`, {
      as: "supervisor",
      body: { office: "KE000002" },
    });
    assert.equal(elsewhere.statusCode, 422, elsewhere.body);
    assert.equal(elsewhere.json<ErrorJson>().code, "OFFICE_NOT_PARTNERS");
    const noOffice = await ke.request("POST", `/api/v1/trips/${tripId}/handover`, {
      as: "supervisor",
      body: {},
    });
    assert.equal(noOffice.statusCode, 400, noOffice.body);
    const declared = await declare();
    const early = await ke.request("POST", `/api/v1/trips/${declared.tripId}/handover`, {
      as: "supervisor",
      body: { office: "UG000001" },
    });
    assert.equal(early.statusCode, 409, early.body);
    assert.equal(early.json<ErrorJson>().code, "COMMAND_REFUSED");
    const records: HandoverRecord[] = await ke.store.federation.handovers({ tripId });
    assert.deepEqual(records, []);
  });
});
