/**
 * The small rules of open data out, each against the cases that break it: the DCSA and NCTS checks
 * catch what the published definitions forbid, the callback URL and SSRF policy, and the EAEU code
 * of every alarm type.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ALARM_TYPES } from "../../src/core/domain/model.js";
import { checkDcsaEvent } from "../../src/interop/dcsa-checks.js";
import { dcsaDegrees } from "../../src/interop/dcsa-out.js";
import { eaeuCode } from "../../src/interop/events.js";
import { checkNctsIncidents } from "../../src/interop/ncts-checks.js";
import type { NctsIncident, NctsIncidentDocument } from "../../src/interop/ncts-out.js";
import { checkCallbackUrl, privateAddressReason } from "../../src/outbox/callback-url.js";

const equipment = () => ({
  metadata: {
    eventID: "3cecb101-7a1a-43a4-9d62-e88a131651e2",
    eventCreatedDateTime: "2025-06-12T04:05:00.000Z",
    eventType: "EQUIPMENT",
    publisher: { partyName: "Thai Customs Department" },
    publisherRole: "SVP",
  },
  payload: {
    eventClassifierCode: "ACT",
    eventDateTime: "2025-06-12T04:05:00.000Z",
    equipmentEventTypeCode: "GTOT",
    equipmentReference: "CSQU3054383",
    emptyIndicatorCode: "LADEN",
    eventLocation: { locationType: "GEOL", latitude: "+13.080000", longitude: "+100.883000" },
    seals: [{ number: "SW000001", source: "CUS", type: "WIR" }],
  },
});

describe("DCSA checks", () => {
  it("pass a conforming EquipmentEvent and catch each broken rule by path", () => {
    assert.deepEqual(checkDcsaEvent(equipment()), []);
    const cases: [(e: ReturnType<typeof equipment>) => void, RegExp][] = [
      [(e) => void ((e.metadata as Record<string, unknown>).eventType = "CUSTOMS"), /\/metadata\/eventType/],
      [
        (e) => void delete (e.metadata as Record<string, unknown>).publisherRole,
        /\/metadata\/publisherRole: is required/,
      ],
      [(e) => void (e.payload.equipmentEventTypeCode = "SEAL"), /equipmentEventTypeCode/],
      [(e) => void (e.payload.equipmentReference = "CSQU3054384"), /check digit|not a valid ISO 6346/],
      [(e) => void (e.payload.equipmentReference = "ABCDEFGHIJKLMNOP"), /longer than 15/],
      [(e) => void (e.payload.seals[0]!.source = "CUSTOMS"), /seals\/0\/source/],
      [(e) => void (e.payload.seals[0]!.number = "SEAL-NUMBER-TOO-LONG"), /seals\/0\/number/],
      [(e) => void (e.payload.eventLocation.latitude = "13.08"), /latitude/],
      [(e) => void (e.payload.eventDateTime = "12/06/2025"), /eventDateTime/],
      [
        (e) => void delete (e.payload as Record<string, unknown>).emptyIndicatorCode,
        /emptyIndicatorCode: is required/,
      ],
    ];
    for (const [breakIt, expected] of cases) {
      const event = equipment();
      breakIt(event);
      const problems = checkDcsaEvent(event);
      assert.ok(
        problems.some((p) => expected.test(p)),
        `${expected}: ${problems.join("; ")}`,
      );
    }
    assert.match(checkDcsaEvent("nope")[0]!, /must be an object/);
  });

  it("check IoT events and write degrees with a sign and six decimals", () => {
    const iot = {
      metadata: { ...equipment().metadata, eventType: "IOT" },
      payload: {
        eventClassifierCode: "ACT",
        eventDateTime: "2025-06-12T11:01:30.000Z",
        iotEventTypeCode: "DETC",
        iotEventCode: "DRO",
        equipmentReference: "MSKU9070323",
        geoLocation: { latitude: dcsaDegrees(-4.05), longitude: dcsaDegrees(39.66) },
      },
    };
    assert.deepEqual(checkDcsaEvent(iot), []);
    assert.equal(dcsaDegrees(-4.05), "-4.050000");
    assert.equal(dcsaDegrees(179.1234567), "+179.123457");
    assert.ok(checkDcsaEvent({ ...iot, payload: { ...iot.payload, eventClassifierCode: "PLN" } }).length > 0);
    assert.ok(checkDcsaEvent({ ...iot, payload: { ...iot.payload, iotEventCode: "DRC" } }).length > 0);
  });
});

describe("NCTS checks", () => {
  const incident = (n: number): NctsIncident => ({
    sequenceNumber: n,
    code: "2",
    text: "Seals broken or tampered with",
    Endorsement: {
      date: "2025-06-12",
      authority: "Thai Customs Department",
      place: "TH000202",
      country: "TH",
    },
    Location: {
      qualifierOfIdentification: "W",
      country: "TH",
      GNSS: { latitude: "13.5", longitude: "101.02" },
    },
    TransportEquipment: [
      {
        sequenceNumber: 1,
        containerIdentificationNumber: "CSQU3054383",
        numberOfSeals: 1,
        Seal: [{ sequenceNumber: 1, identifier: "SW000001" }],
      },
    ],
  });
  const document = (incidents: NctsIncident[]): NctsIncidentDocument => ({
    messageType: "CC182C",
    TransitOperation: { MRN: "22ITZXBZYUTJFLJXK6" },
    Consignment: { Incident: incidents },
  });

  it("pass a conforming document and catch each broken rule", () => {
    assert.deepEqual(checkNctsIncidents(document([incident(1)])), []);
    assert.match(
      checkNctsIncidents(document(Array.from({ length: 10 }, (_, i) => incident(i + 1))))[0]!,
      /at most 9/,
    );
    assert.match(checkNctsIncidents(document([{ ...incident(1), code: "7" as "2" }]))[0]!, /CL019/);
    assert.match(
      checkNctsIncidents(document([{ ...incident(1), text: "x".repeat(513) }]))[0]!,
      /longer than 512/,
    );
    assert.match(checkNctsIncidents(document([incident(2)]))[0]!, /sequenceNumber/);
    const wrongCount = incident(1);
    assert.match(
      checkNctsIncidents(
        document([
          { ...wrongCount, TransportEquipment: [{ ...wrongCount.TransportEquipment[0]!, numberOfSeals: 3 }] },
        ]),
      )[0]!,
      /numberOfSeals/,
    );
    assert.match(
      checkNctsIncidents(
        document([
          {
            ...incident(1),
            Location: {
              qualifierOfIdentification: "W",
              country: "TH",
              GNSS: { latitude: "13,5", longitude: "1" },
            },
          },
        ]),
      )[0]!,
      /latitude/,
    );
    assert.match(checkNctsIncidents({ ...document([]), TransitOperation: { MRN: "NOT-AN-MRN" } })[0]!, /MRN/);
  });
});

describe("callback URLs", () => {
  it("accept plain http and https, refuse other schemes, credentials and fragments", () => {
    assert.ok(checkCallbackUrl("https://partner.example/hooks?x=1").ok);
    assert.ok(checkCallbackUrl("http://10.0.0.5:8080/hook").ok, "the address policy applies at delivery");
    for (const [url, reason] of [
      ["file:///etc/passwd", /scheme file/],
      ["gopher://x/", /scheme gopher/],
      ["https://a:b@partner.example/", /credentials/],
      ["https://a@partner.example/", /credentials/],
      ["https://partner.example/#top", /fragment/],
      ["//partner.example/", /absolute/],
      [`https://partner.example/${"a".repeat(2000)}`, /longer than/],
    ] as const) {
      const r = checkCallbackUrl(url);
      assert.ok(!r.ok && reason.test(r.reason), `${url}: ${JSON.stringify(r)}`);
    }
  });

  it("name every private, loopback, link-local and reserved address, and let public ones through", () => {
    for (const address of [
      "127.0.0.1",
      "127.5.5.5",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
      "::1",
      "::",
      "fe80::1",
      "fd00::1",
      "fc00::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:10.0.0.1",
      "64:ff9b::a00:1",
    ])
      // prettier-ignore
      assert.ok(privateAddressReason(address) !== undefined, address);
    for (const address of ["8.8.8.8", "172.32.0.1", "100.128.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
      assert.equal(privateAddressReason(address), undefined, address);
    assert.equal(privateAddressReason("example.org"), "not an IP address");
  });
});

describe("EAEU codes", () => {
  it("give every alarm type a code 01–07, and 04 to anything resolved as a technical fault", () => {
    const codes = Object.fromEntries(ALARM_TYPES.map((t) => [t, eaeuCode(t)]));
    assert.deepEqual(codes, {
      tamper: "02",
      unauthorized_opening: "01",
      route_deviation: "03",
      unauthorized_stop: "07",
      restricted_zone: "03",
      low_battery: "05",
      signal_loss: "06",
      overdue: "07",
      unexpected_checkpoint: "03",
      seal_mismatch: "01",
    });
    for (const type of ALARM_TYPES) assert.equal(eaeuCode(type, "technical_fault"), "04");
    assert.equal(eaeuCode("tamper", "confirmed_breach"), "02");
  });
});
