import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import type { ReadInput } from "../../../src/core/engine/inputs.js";
import {
  captureEpcis,
  encodeEpcisDocument,
  formatEventTime,
  observationFromRead,
  validateEpcisDocument,
  type SealObservation,
} from "../../../src/protocols/epcis/index.js";
import {
  AT_0400Z,
  ATH_GEO,
  ELOCK,
  MRK_LINK,
  MSA_SGLN,
  registry,
  SEAL_7101,
  SEAL_7102,
  SEAL_NUMBER_7102,
} from "./support.js";

const CREATED = Date.UTC(2025, 5, 17, 0, 0, 0);

function assertValid(document: unknown): void {
  const result = validateEpcisDocument(JSON.parse(JSON.stringify(document)));
  assert.deepEqual(result.ok ? [] : result.errors, []);
}

describe("encodeEpcisDocument", () => {
  it("writes an intact seal as container_closed, in the read point's local time", () => {
    const document = encodeEpcisDocument(
      [
        {
          epcs: [SEAL_7101],
          atMs: AT_0400Z,
          timeZoneOffset: "+03:00",
          seal: "closed",
          readPoint: MSA_SGLN,
          bizStep: "inspecting",
        },
      ],
      { creationDateMs: CREATED, sender: "urn:epc:id:sgln:0614141.00001.0" },
    );
    assert.deepEqual(document, {
      "@context": [
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        { sw: "https://w3id.org/sealwatch/epcis/" },
      ],
      type: "EPCISDocument",
      schemaVersion: "2.0",
      creationDate: "2025-06-17T00:00:00Z",
      sender: "urn:epc:id:sgln:0614141.00001.0",
      epcisBody: {
        eventList: [
          {
            type: "ObjectEvent",
            eventTime: "2025-06-16T07:00:00+03:00",
            eventTimeZoneOffset: "+03:00",
            epcList: [SEAL_7101],
            action: "OBSERVE",
            bizStep: "inspecting",
            disposition: "container_closed",
            readPoint: { id: MSA_SGLN },
          },
        ],
      },
    });
    assertValid(document);
  });

  it("writes a tampered, opened e-lock with its fix, device and seal number, and it validates", () => {
    const document = encodeEpcisDocument(
      [
        {
          epcs: ["urn:epc:id:bic:CSQU3054383"],
          sealIds: [SEAL_NUMBER_7102],
          atMs: AT_0400Z + 1234,
          seal: "open",
          tamper: true,
          readPoint: "geo:-1.3,36.9",
          bizLocation: MRK_LINK,
          position: { lon: 36.9, lat: -1.3 },
          deviceEpc: ELOCK,
          eventId: "urn:uuid:6f1d3c52-9a1e-4f0e-8a55-2d1f1e0c9b7a",
        },
      ],
      { creationDateMs: CREATED, documentId: "https://sealwatch.example/exchange/1" },
    );
    const event = document.epcisBody.eventList[0];
    assert.equal(event?.disposition, "container_open");
    assert.equal(event?.eventTime, "2025-06-16T04:00:01.234Z");
    assert.equal(event?.["sw:sealId"], SEAL_NUMBER_7102);
    assert.deepEqual(event?.sensorElementList, [
      {
        sensorMetadata: { deviceID: ELOCK },
        sensorReport: [
          {
            type: "https://w3id.org/sealwatch/epcis/Tamper",
            exception: "ALARM_CONDITION",
            booleanValue: true,
          },
          {
            type: "Angle",
            component: "latitude",
            value: -1.3,
            uom: "DD",
            coordinateReferenceSystem: "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
          },
          {
            type: "Angle",
            component: "longitude",
            value: 36.9,
            uom: "DD",
            coordinateReferenceSystem: "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
          },
        ],
      },
    ]);
    assertValid(document);
  });

  it("refuses observations it cannot write", () => {
    const base: SealObservation = { epcs: [SEAL_7101], atMs: AT_0400Z, seal: "closed", readPoint: MSA_SGLN };
    assert.throws(
      () => encodeEpcisDocument([{ ...base, epcs: [] }], { creationDateMs: CREATED }),
      RangeError,
    );
    assert.throws(
      () => encodeEpcisDocument([{ ...base, timeZoneOffset: "+15:00" }], { creationDateMs: CREATED }),
      RangeError,
    );
    assert.throws(
      () => encodeEpcisDocument([{ ...base, atMs: Number.NaN }], { creationDateMs: CREATED }),
      RangeError,
    );
    assert.throws(
      () => encodeEpcisDocument([{ ...base, position: { lon: 200, lat: 0 } }], { creationDateMs: CREATED }),
      RangeError,
    );
  });

  it("formats event times at any offset the schema allows", () => {
    assert.equal(formatEventTime(AT_0400Z, "+00:00"), "2025-06-16T04:00:00Z");
    assert.equal(formatEventTime(AT_0400Z, "-13:59"), "2025-06-15T14:01:00-13:59");
    assert.equal(formatEventTime(AT_0400Z + 5, "+14:00"), "2025-06-16T18:00:00.005+14:00");
  });
});

describe("EPCIS round trip: encode → validate → capture", () => {
  it("gives back the passive reads it was built from", () => {
    const reads: ReadInput[] = [
      {
        type: "read",
        device: "RFS-KE-7101",
        office: "KE-MSA",
        status: "intact",
        atMs: AT_0400Z,
        content: {},
      },
      {
        type: "read",
        device: "RFS-KE-7102",
        office: "KE-MRK",
        status: "broken",
        atMs: AT_0400Z + 20_000,
        content: {},
      },
      {
        type: "read",
        device: "RFS-KE-7101",
        office: "KE-ATH",
        status: "intact",
        atMs: AT_0400Z + 60_500,
        content: {},
      },
    ];
    const where = [
      { epcs: [SEAL_7101], readPoint: MSA_SGLN, timeZoneOffset: "+03:00" },
      { epcs: [], sealIds: [SEAL_NUMBER_7102], readPoint: MRK_LINK, timeZoneOffset: "-05:30" },
      { epcs: [SEAL_7101], readPoint: ATH_GEO },
    ];
    const document = encodeEpcisDocument(
      reads.map((read, index) => observationFromRead(read, where[index] ?? where[0]!)),
      { creationDateMs: CREATED },
    );
    assertValid(document);
    const outcome = captureEpcis(JSON.stringify(document), registry());
    assert.equal(outcome.kind, "accepted");
    if (outcome.kind !== "accepted") return;
    assert.deepEqual(outcome.notices, []);
    assert.deepEqual(
      outcome.reads.map(({ device, office, status, atMs }) => ({ device, office, status, atMs })),
      reads.map(({ device, office, status, atMs }) => ({ device, office, status, atMs })),
    );
  });

  it("holds for random observations (property)", () => {
    const passive = [
      { epcs: [SEAL_7101], device: "RFS-KE-7101" },
      { epcs: [SEAL_7102], device: "RFS-KE-7102" },
    ];
    const offices = [
      { readPoint: MSA_SGLN, office: "KE-MSA" },
      { readPoint: MRK_LINK, office: "KE-MRK" },
      { readPoint: ATH_GEO, office: "KE-ATH" },
    ];
    const offsetArb = fc
      .tuple(fc.constantFrom("+", "-"), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 59 }))
      .map(([sign, h, m]) => `${sign}${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
    const observationArb = fc.record({
      seal: fc.constantFrom(0, 1),
      office: fc.constantFrom(0, 1, 2),
      atMs: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }),
      offset: offsetArb,
      tamper: fc.boolean(),
      closed: fc.boolean(),
      active: fc.boolean(),
      // + 0 turns -0 into 0, which is what JSON gives back.
      lon: fc.double({ min: -180, max: 180, noNaN: true }).map((value) => value + 0),
      lat: fc.double({ min: -90, max: 90, noNaN: true }).map((value) => value + 0),
    });
    fc.assert(
      fc.property(fc.array(observationArb, { minLength: 1, maxLength: 8 }), (plans) => {
        const observations: SealObservation[] = plans.map((plan) => ({
          epcs: plan.active ? [ELOCK] : passive[plan.seal]!.epcs,
          atMs: plan.atMs,
          timeZoneOffset: plan.offset,
          seal: plan.closed ? "closed" : "open",
          tamper: plan.tamper,
          readPoint: offices[plan.office]!.readPoint,
          ...(plan.active ? { position: { lon: plan.lon, lat: plan.lat } } : {}),
        }));
        const document = encodeEpcisDocument(observations, { creationDateMs: CREATED });
        assertValid(document);
        const outcome = captureEpcis(JSON.stringify(document), registry());
        assert.equal(outcome.kind, "accepted");
        if (outcome.kind !== "accepted") return;
        assert.deepEqual(outcome.notices, []);
        const expectedReads = plans
          .filter((plan) => !plan.active)
          .map((plan) => ({
            device: passive[plan.seal]!.device,
            office: offices[plan.office]!.office,
            status: plan.closed && !plan.tamper ? "intact" : "broken",
            atMs: plan.atMs,
          }));
        assert.deepEqual(
          outcome.reads.map(({ device, office, status, atMs }) => ({ device, office, status, atMs })),
          expectedReads,
        );
        const expectedReadings = plans
          .filter((plan) => plan.active)
          .map((plan) => ({
            deviceId: "ELOCK-900",
            atMs: plan.atMs,
            lon: plan.lon,
            lat: plan.lat,
            seal: plan.closed ? "closed" : "open",
            tamper: plan.tamper ? true : undefined,
          }));
        assert.deepEqual(
          outcome.readings.map((reading) => ({
            deviceId: reading.deviceId,
            atMs: reading.atMs,
            lon: reading.position?.lon,
            lat: reading.position?.lat,
            seal: reading.seal,
            tamper: reading.tamper,
          })),
          expectedReadings,
        );
      }),
      { numRuns: 200 },
    );
  });
});
