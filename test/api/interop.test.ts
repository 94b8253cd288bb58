/**
 * Open data out through the API: a trip in each format within the caller's tenancy, the EPCIS query
 * (filters, pages, tenancy), and webhook subscriptions (callback URL policy, a trader bound to its
 * own company, each caller seeing its own), on the in-process app.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { checkDcsaEvent } from "../../src/interop/dcsa-checks.js";
import { validateEpcisDocument } from "../../src/protocols/epcis/validate.js";
import { createHarness, type Harness } from "./support.js";

let h: Harness;
let acme: { tripId: string; deviceId: string; alarmId: string };
let other: { tripId: string };

before(async () => {
  h = await createHarness();
  const a = await h.newAlarm("ACME");
  acme = { tripId: a.tripId, deviceId: a.deviceId, alarmId: a.alarm.id };
  other = await h.newTrip({ companyId: "OTHER", stage: "in_transit" });
  await h.host.idle();
  // The alarm is confirmed as a breach: an NCTS incident.
  await h.request("POST", `/api/v1/alarms/${acme.alarmId}/acknowledge`, { as: "operator", body: {} });
  const resolved = await h.request("POST", `/api/v1/alarms/${acme.alarmId}/resolve`, {
    as: "operator",
    body: { outcome: "confirmed_breach", notes: "seal found cut at the rest stop" },
  });
  assert.equal(resolved.statusCode, 200, resolved.body);
});
after(() => h.close());

interface QueryDocument {
  type: string;
  epcisBody: {
    queryResults: {
      resultsBody: {
        eventList: { eventID: string; bizStep?: string; epcList: string[]; eventTime: string }[];
      };
    };
  };
}

describe("GET /trips/{id}/export", () => {
  it("gives a trip in every format, each passing its own check", async () => {
    const epcis = await h.request("GET", `/api/v1/trips/${acme.tripId}/export?format=epcis`, {
      as: "trader",
    });
    assert.equal(epcis.statusCode, 200, epcis.body);
    const document = epcis.json();
    assert.ok(validateEpcisDocument(document).ok);
    const events = (document as { epcisBody: { eventList: { bizStep?: string }[] } }).epcisBody.eventList;
    assert.ok(events.some((e) => e.bizStep === "https://w3id.org/sealwatch/epcis/bizstep/sealing"));

    const dcsa = await h.request("GET", `/api/v1/trips/${acme.tripId}/export?format=dcsa`, { as: "trader" });
    assert.equal(dcsa.statusCode, 200, dcsa.body);
    const list = dcsa.json<{ payload: { equipmentEventTypeCode?: string; equipmentReference: string } }[]>();
    assert.ok(list.some((e) => e.payload.equipmentEventTypeCode === "RSEA"));
    assert.ok(list.every((e) => e.payload.equipmentReference === "CSQU3054383"));
    assert.deepEqual(list.flatMap(checkDcsaEvent), []);

    const ncts = await h.request("GET", `/api/v1/trips/${acme.tripId}/export?format=ncts`, { as: "officer" });
    const incidents = ncts.json<{ Consignment: { Incident: { code: string; text: string }[] } }>().Consignment
      .Incident;
    assert.equal(incidents.length, 1);
    assert.equal(incidents[0]!.code, "2");
    assert.match(incidents[0]!.text, /seal found cut/);
    const xml = await h.request("GET", `/api/v1/trips/${acme.tripId}/export?format=ncts&xml=true`, {
      as: "officer",
    });
    assert.match(xml.headers["content-type"] as string, /xml/);
    assert.match(xml.body, /<ncts:CC182C xmlns:ncts="http:\/\/ncts.dgtaxud.ec" PhaseID="NCTS5.0">/);
    assert.match(xml.body, /<code>2<\/code>/);

    const eaeu = await h.request("GET", `/api/v1/trips/${acme.tripId}/export?format=eaeu`, {
      as: "supervisor",
    });
    const alarms = eaeu.json<{ alarms: { type: string; eaeuCode: string; outcome?: string }[] }>().alarms;
    assert.deepEqual(
      alarms.map((a) => [a.type, a.eaeuCode, a.outcome]),
      [["tamper", "02", "confirmed_breach"]],
    );
  });

  it("keeps a trader to its own cargo and refuses bad parameters by name", async () => {
    const foreign = await h.request("GET", `/api/v1/trips/${other.tripId}/export?format=epcis`, {
      as: "trader",
    });
    assert.equal(foreign.statusCode, 404);
    const bad = await h.request("GET", `/api/v1/trips/${acme.tripId}/export?format=xls`, { as: "admin" });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /format/);
    const period = await h.request(
      "GET",
      `/api/v1/trips/${acme.tripId}/export?format=eaeu&from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z`,
      { as: "admin" },
    );
    assert.equal(period.statusCode, 400);
    assert.match(period.body, /after from/);
    const xml = await h.request("GET", `/api/v1/trips/${acme.tripId}/export?format=epcis&xml=true`, {
      as: "admin",
    });
    assert.equal(xml.statusCode, 400);
  });
});

describe("GET /epcis/events", () => {
  const all = async (
    as: "admin" | "trader" | "trader2",
    query = "",
  ): Promise<QueryDocument["epcisBody"]["queryResults"]["resultsBody"]["eventList"]> => {
    const r = await h.request("GET", `/api/v1/epcis/events?perPage=1000${query}`, { as });
    assert.equal(r.statusCode, 200, r.body);
    return r.json<QueryDocument>().epcisBody.queryResults.resultsBody.eventList;
  };

  it("answers an EPCISQueryDocument of the caller's trips only", async () => {
    const admin = await all("admin");
    const trader = await all("trader");
    const trader2 = await all("trader2");
    assert.ok(trader.length > 0 && trader2.length > 0);
    assert.equal(admin.length, trader.length + trader2.length);
    const ids = new Set(trader.map((e) => e.eventID));
    assert.ok(trader2.every((e) => !ids.has(e.eventID)));
  });

  it("filters by bizStep, disposition, time and EPC (container or seal), CBV URIs accepted", async () => {
    const departing = await all("admin", "&EQ_bizStep=https://ref.gs1.org/cbv/BizStep-departing");
    assert.ok(departing.length >= 2 && departing.every((e) => e.bizStep === "departing"));
    const closed = await all("admin", "&EQ_disposition=container_closed|container_open");
    assert.ok(closed.length > 0);
    const byContainer = await all("trader", "&MATCH_epc=urn:epc:id:bic:CSQU3054383");
    assert.equal(byContainer.length, (await all("trader")).length);
    const nothing = await all("admin", "&MATCH_epc=urn:epc:id:bic:APZU4812090");
    assert.deepEqual(nothing, []);
    const everything = await all("admin");
    const cut = everything[Math.floor(everything.length / 2)]!.eventTime;
    const before = await all("admin", `&LT_eventTime=${encodeURIComponent(cut)}`);
    const since = await all("admin", `&GE_eventTime=${encodeURIComponent(cut)}`);
    assert.equal(before.length + since.length, everything.length);
    assert.ok(before.every((e) => e.eventTime < cut) && since.every((e) => e.eventTime >= cut));
  });

  it("pages with nextPageToken through exactly the whole result, and refuses a token of another query", async () => {
    const everything = await all("admin");
    const seen: string[] = [];
    let url: string | undefined = "/api/v1/epcis/events?perPage=2";
    let token = "";
    while (url !== undefined) {
      const r = await h.request("GET", url, { as: "admin" });
      assert.equal(r.statusCode, 200, r.body);
      seen.push(
        ...r.json<QueryDocument>().epcisBody.queryResults.resultsBody.eventList.map((e) => e.eventID),
      );
      const link = r.headers.link as string | undefined;
      url = link === undefined ? undefined : /^<([^>]+)>; rel="next"$/.exec(link)![1];
      token = (r.headers["gs1-next-page-token"] as string | undefined) ?? token;
    }
    assert.deepEqual(
      seen,
      everything.map((e) => e.eventID),
    );
    const other = await h.request("GET", `/api/v1/epcis/events?EQ_bizStep=departing&nextPageToken=${token}`, {
      as: "admin",
    });
    assert.equal(other.statusCode, 400);
    assert.match(other.body, /nextPageToken/);
    const garbage = await h.request("GET", "/api/v1/epcis/events?nextPageToken=%%%", { as: "admin" });
    assert.equal(garbage.statusCode, 400);
    const time = await h.request("GET", "/api/v1/epcis/events?GE_eventTime=yesterday", { as: "admin" });
    assert.equal(time.statusCode, 400);
    assert.match(time.body, /GE_eventTime/);
  });
});

describe("subscriptions", () => {
  const subscribe = (as: "admin" | "trader" | "trader2" | "operator", body: object) =>
    h.request("POST", "/api/v1/subscriptions", { as, body });

  it("refuses callback URLs that are not plain http or https, naming the problem", async () => {
    for (const [url, why] of [
      ["ftp://partner.example/hook", /only http and https/],
      ["https://user:secret@partner.example/hook", /credentials/],
      ["https://partner.example/hook#x", /fragment/],
      ["not a url", /absolute URL/],
      ["javascript:alert(1)", /only http and https/],
    ] as const) {
      const r = await subscribe("admin", { callbackUrl: url, format: "sealwatch" });
      assert.equal(r.statusCode, 400, url);
      assert.match(r.body, /callbackUrl/);
      assert.match(r.body, why);
    }
    const shortSecret = await subscribe("admin", {
      callbackUrl: "https://partner.example/hook",
      format: "epcis",
      secret: Buffer.alloc(16).toString("base64").padEnd(44, "A"),
    });
    assert.equal(shortSecret.statusCode, 400);
    const unknownFormat = await subscribe("admin", {
      callbackUrl: "https://partner.example/hook",
      format: "xml",
    });
    assert.equal(unknownFormat.statusCode, 400);
  });

  it("binds a trader to its own company, shows each caller its own, and ends them", async () => {
    const refused = await subscribe("trader", {
      callbackUrl: "https://trader.example/hook",
      format: "dcsa",
      companyId: "OTHER",
    });
    assert.equal(refused.statusCode, 403);
    const foreignTrip = await subscribe("trader", {
      callbackUrl: "https://trader.example/hook",
      format: "dcsa",
      tripIds: [other.tripId],
    });
    assert.equal(foreignTrip.statusCode, 400);
    const created = await subscribe("trader", { callbackUrl: "https://trader.example/hook", format: "dcsa" });
    assert.equal(created.statusCode, 201, created.body);
    const sub = created.json<{ id: string; companyId: string; secret: string; signature: string }>();
    assert.equal(sub.companyId, "ACME");
    assert.equal(Buffer.from(sub.secret, "base64").length, 32, "the generated secret is shown once");
    assert.equal(sub.signature, "hmac-sha256");
    const ed = await subscribe("operator", {
      callbackUrl: "https://ops.example/hook",
      format: "epcis",
      signature: "ed25519",
    });
    assert.equal(ed.statusCode, 201);
    assert.equal(ed.json<{ secret?: string }>().secret, undefined);

    const mine = await h.request("GET", "/api/v1/subscriptions", { as: "trader" });
    assert.deepEqual(
      mine.json<{ items: { id: string }[] }>().items.map((s) => s.id),
      [sub.id],
    );
    assert.equal(
      (await h.request("GET", `/api/v1/subscriptions/${sub.id}`, { as: "trader2" })).statusCode,
      404,
    );
    assert.equal(
      (await h.request("GET", `/api/v1/subscriptions/${sub.id}`, { as: "trader" })).statusCode,
      200,
    );
    const listed = await h.request("GET", `/api/v1/subscriptions/${sub.id}`, { as: "trader" });
    assert.equal(listed.json<{ secret?: string }>().secret, undefined, "the secret is never shown again");
    assert.equal(
      (await h.request("DELETE", `/api/v1/subscriptions/${sub.id}`, { as: "trader2" })).statusCode,
      404,
    );
    assert.equal(
      (await h.request("DELETE", `/api/v1/subscriptions/${sub.id}`, { as: "trader" })).statusCode,
      204,
    );
    assert.equal(
      (await h.request("GET", `/api/v1/subscriptions/${sub.id}`, { as: "trader" })).statusCode,
      404,
    );
  });
});
