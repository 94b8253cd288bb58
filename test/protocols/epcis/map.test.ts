import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  captureEpcis,
  TAMPER_SENSOR_TYPE,
  type CaptureOutcome,
  type EventNotice,
  type MappingContext,
} from "../../../src/protocols/epcis/index.js";
import {
  ATH_GEO,
  AT_0400Z,
  body,
  CONTAINER,
  documentWith,
  ELOCK,
  ELOCK_LINK,
  example,
  MRK_LINK,
  MSA_SGLN,
  registry,
  SEAL_7101,
  SEAL_7102,
  SEAL_NUMBER_7102,
  sealEvent,
  UNKNOWN_SEAL,
  UNMAPPED_SGLN,
  WAGON_SEAL,
} from "./support.js";

type Accepted = Extract<CaptureOutcome, { kind: "accepted" }>;

function capture(
  events: readonly unknown[],
  context: MappingContext = registry(),
  atContext?: unknown,
): Accepted {
  const document = atContext === undefined ? documentWith(events) : documentWith(events, atContext);
  const outcome = captureEpcis(body(document), context);
  assert.equal(outcome.kind, "accepted", JSON.stringify(outcome));
  return outcome;
}

function reasons(notices: readonly EventNotice[]): string[] {
  return notices.map(
    (notice) => `${notice.eventIndex} ${notice.reason}${notice.subject ? ` ${notice.subject}` : ""}`,
  );
}

const ALARM = { type: TAMPER_SENSOR_TYPE, exception: "ALARM_CONDITION", booleanValue: true };

describe("EPCIS mapping: passive seal reads", () => {
  it("maps container_closed at a known read point to an intact read at that office", () => {
    const out = capture([sealEvent()]);
    assert.deepEqual(out.reads, [
      {
        type: "read",
        device: "RFS-KE-7101",
        office: "KE-MSA",
        status: "intact",
        atMs: AT_0400Z,
        content: { type: "read", device: "RFS-KE-7101", office: "KE-MSA", status: "intact" },
      },
    ]);
    assert.deepEqual(out.readings, []);
    assert.deepEqual(out.notices, []);
    assert.equal(out.eventCount, 1);
  });

  const table: readonly {
    name: string;
    event: Record<string, unknown>;
    status: "intact" | "broken" | undefined;
  }[] = [
    { name: "container_closed", event: { disposition: "container_closed" }, status: "intact" },
    { name: "container_open", event: { disposition: "container_open" }, status: "broken" },
    { name: "inspecting + conformant", event: { disposition: "conformant" }, status: "intact" },
    { name: "inspecting + non_conformant", event: { disposition: "non_conformant" }, status: "broken" },
    {
      name: "container_closed with an ALARM_CONDITION report",
      event: { disposition: "container_closed", sensorElementList: [{ sensorReport: [ALARM] }] },
      status: "broken",
    },
    {
      name: "an ALARM_CONDITION report of any measurement type and no disposition",
      event: {
        disposition: undefined,
        sensorElementList: [{ sensorReport: [{ type: "Dimensionless", exception: "ALARM_CONDITION" }] }],
      },
      status: "broken",
    },
    {
      name: "ERROR_CONDITION (a sensor fault) beside container_closed",
      event: {
        disposition: "container_closed",
        sensorElementList: [{ sensorReport: [{ type: "Temperature", exception: "ERROR_CONDITION" }] }],
      },
      status: "intact",
    },
    {
      name: "conformant outside an inspection",
      event: { bizStep: "shipping", disposition: "conformant" },
      status: undefined,
    },
    { name: "in_transit", event: { disposition: "in_transit" }, status: undefined },
    { name: "no disposition", event: { disposition: undefined }, status: undefined },
  ];
  for (const { name, event, status } of table) {
    it(`${name} → ${status ?? "no status (notice)"}`, () => {
      const out = capture([sealEvent(event)]);
      if (status === undefined) {
        assert.deepEqual(out.reads, []);
        assert.deepEqual(reasons(out.notices), [`0 no_seal_status ${SEAL_7101}`]);
      } else {
        assert.deepEqual(
          out.reads.map((read) => read.status),
          [status],
        );
        assert.deepEqual(out.notices, []);
      }
    });
  }

  it("honours the offset written in eventTime, whatever eventTimeZoneOffset says", () => {
    const times = [
      "2025-06-16T07:00:00+03:00",
      "2025-06-16T04:00:00Z",
      "2025-06-16T04:00:00.000000Z",
      "2025-06-15T23:00:00-05:00",
    ];
    for (const eventTime of times) {
      const out = capture([sealEvent({ eventTime, eventTimeZoneOffset: "+03:00" })]);
      assert.equal(out.reads[0]?.atMs, AT_0400Z, eventTime);
    }
  });

  it("resolves the office from readPoint, then bizLocation, and passes geo positions to the resolver", () => {
    const context = registry();
    const out = capture(
      [
        sealEvent({ readPoint: { id: MRK_LINK } }),
        sealEvent({ readPoint: { id: UNMAPPED_SGLN }, bizLocation: { id: MSA_SGLN } }),
        sealEvent({ readPoint: { id: ATH_GEO } }),
      ],
      context,
    );
    assert.deepEqual(
      out.reads.map((read) => read.office),
      ["KE-MRK", "KE-MSA", "KE-ATH"],
    );
    assert.deepEqual(
      context.resolved.map((location) => `${location.role} ${location.kind}`),
      ["readPoint digital-link", "readPoint sgln", "bizLocation sgln", "readPoint geo"],
    );
    assert.deepEqual(context.resolved[3]?.geo, { lon: 36.98, lat: -1.45 });
  });

  it("reports a read point that is no office, and an event without any location", () => {
    const out = capture([
      sealEvent({ readPoint: { id: UNMAPPED_SGLN } }),
      sealEvent({ readPoint: undefined }),
    ]);
    assert.deepEqual(out.reads, []);
    assert.deepEqual(reasons(out.notices), [`0 unknown_location ${SEAL_7101}`, `1 no_location ${SEAL_7101}`]);
    assert.match(out.notices[0]?.detail ?? "", /readPoint urn:epc:id:sgln:0614141.00009.0/);
  });

  it("produces one read per device: container and seal EPCs of the same device count once", () => {
    const out = capture([sealEvent({ epcList: [CONTAINER, SEAL_7101, SEAL_7102] })]);
    assert.deepEqual(
      out.reads.map((read) => read.device),
      ["RFS-KE-7101", "RFS-KE-7102"],
    );
  });

  it("reads seal numbers from sw:sealId, a string or an array, with the prefix bound in @context", () => {
    const context = registry();
    const out = capture(
      [
        sealEvent({ epcList: [], "sw:sealId": SEAL_NUMBER_7102 }),
        sealEvent({ epcList: [], "sw:sealId": [` ${SEAL_NUMBER_7102} `] }),
      ],
      context,
    );
    assert.deepEqual(
      out.reads.map((read) => read.device),
      ["RFS-KE-7102", "RFS-KE-7102"],
    );
    assert.deepEqual(context.lookups, [`sealId ${SEAL_NUMBER_7102}`, `sealId ${SEAL_NUMBER_7102}`]);
  });

  it("accepts any prefix bound to the Sealwatch namespace, and the full IRI", () => {
    const ns = "https://w3id.org/sealwatch/epcis/";
    const out = capture(
      [
        sealEvent({ epcList: [], "seals:sealId": SEAL_NUMBER_7102 }),
        sealEvent({ epcList: [], [`${ns}sealId`]: SEAL_NUMBER_7102 }),
      ],
      registry(),
      ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", { seals: { "@id": ns } }],
    );
    assert.equal(out.reads.length, 2);
  });

  it("ignores sw:sealId when @context does not bind sw to the Sealwatch namespace, and says so", () => {
    const out = capture([sealEvent({ epcList: [], "sw:sealId": SEAL_NUMBER_7102 })], registry(), [
      "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
      { sw: "https://example.org/other/" },
    ]);
    assert.deepEqual(out.reads, []);
    assert.deepEqual(reasons(out.notices), ["0 unbound_extension", "0 no_identifiers"]);
  });

  it("reports malformed seal numbers and EPCs, unsupported schemes and unknown EPCs per identifier", () => {
    const out = capture([
      sealEvent({
        epcList: [
          UNKNOWN_SEAL,
          "urn:epc:id:bic:CSQU3054384",
          "urn:epc:id:sscc:0614141.1234567890",
          "urn:epc:id:sgtin:1.2.3",
          SEAL_7101,
        ],
        "sw:sealId": "A".repeat(36),
      }),
    ]);
    assert.deepEqual(
      out.reads.map((read) => read.device),
      ["RFS-KE-7101"],
    );
    // In the order the identifiers appear: epcList, then seal numbers.
    assert.deepEqual(reasons(out.notices), [
      `0 unknown_epc ${UNKNOWN_SEAL}`,
      "0 malformed_identifier urn:epc:id:bic:CSQU3054384",
      "0 unsupported_epc urn:epc:id:sscc:0614141.1234567890",
      "0 malformed_identifier urn:epc:id:sgtin:1.2.3",
      `0 malformed_identifier ${"A".repeat(36)}`,
    ]);
  });
});

describe("EPCIS mapping: events that give no input", () => {
  it("reports non-ObjectEvents, DELETE, error declarations and class-level events, one notice each", () => {
    const out = capture([
      {
        type: "AssociationEvent",
        eventTime: "2025-06-16T04:00:00Z",
        eventTimeZoneOffset: "+00:00",
        parentID: CONTAINER,
        childEPCs: [ELOCK],
        action: "ADD",
      },
      sealEvent({ action: "DELETE" }),
      sealEvent({ errorDeclaration: { declarationTime: "2025-06-16T05:00:00Z", reason: "incorrect_data" } }),
      sealEvent({
        epcList: undefined,
        quantityList: [{ epcClass: "urn:epc:idpat:sgtin:4012345.098765.*", quantity: 10 }],
      }),
      sealEvent(),
    ]);
    assert.deepEqual(reasons(out.notices), [
      "0 not_object_event",
      "1 delete_action",
      "2 error_declaration",
      "3 no_identifiers",
    ]);
    assert.equal(out.reads.length, 1);
    assert.equal(out.eventCount, 5);
  });

  it("carries the eventID on notices", () => {
    const out = capture([
      sealEvent({ eventID: "urn:uuid:0b6c1c5e-4f57-4e8c-9a66-0d3f3b2a7c11", action: "DELETE" }),
    ]);
    assert.equal(out.notices[0]?.eventId, "urn:uuid:0b6c1c5e-4f57-4e8c-9a66-0d3f3b2a7c11");
  });

  it("maps the official error-declaration example to notices, not reads", () => {
    const outcome = captureEpcis(
      body(example("Example_9.6.1-ObjectEvent-with-error-declaration.jsonld")),
      registry(),
    );
    assert.equal(outcome.kind, "accepted");
    if (outcome.kind !== "accepted") return;
    assert.deepEqual(reasons(outcome.notices), [
      "0 error_declaration",
      "1 unknown_epc urn:epc:id:sgtin:0614141.107346.2018",
    ]);
  });
});

describe("EPCIS mapping: active and semi-active devices", () => {
  it("takes the position from a geo: read point (SensorDataExample16)", () => {
    const document = example("SensorDataExample16.jsonld");
    const context: MappingContext = {
      lookupDevice: (id) =>
        id === "https://id.example.com/8003/040123450007718765"
          ? { deviceId: "TRK-1", class: "active" }
          : undefined,
      resolveOffice: () => undefined,
    };
    const outcome = captureEpcis(body(document), context);
    assert.equal(outcome.kind, "accepted");
    if (outcome.kind !== "accepted") return;
    const reading = outcome.readings[0];
    assert.equal(reading?.deviceId, "TRK-1");
    assert.equal(reading?.atMs, Date.UTC(2021, 4, 27, 10, 0, 0));
    assert.deepEqual(reading?.position, {
      lon: 23.319941,
      lat: 42.698334,
      speedKmh: 0,
      courseDeg: 0,
      valid: true,
    });
    assert.equal(reading?.seal, undefined);
    assert.deepEqual(reading?.vendor, {
      vendor: "epcis",
      bizStep: "sensor_reporting",
      readPoint: "geo:42.698334,23.319941",
    });
    assert.deepEqual(
      JSON.parse(new TextDecoder().decode(reading?.raw)),
      (document.epcisBody as { eventList: unknown[] }).eventList[0],
    );
  });

  it("takes the position from latitude/longitude Angle reports (SensorDataExample14)", () => {
    const context: MappingContext = {
      lookupDevice: () => ({ deviceId: "TRK-1", class: "semi-active" }),
      resolveOffice: () => undefined,
    };
    const outcome = captureEpcis(body(example("SensorDataExample14.jsonld")), context);
    assert.equal(outcome.kind, "accepted");
    if (outcome.kind !== "accepted") return;
    assert.deepEqual(outcome.readings[0]?.position, {
      lon: 23.319941,
      lat: 42.698334,
      speedKmh: 0,
      courseDeg: 0,
      valid: true,
    });
  });

  it("maps an e-lock's opening with tamper alarm, fix and speed, found through sensorMetadata.deviceID", () => {
    const out = capture([
      sealEvent({
        epcList: [CONTAINER],
        disposition: "container_open",
        bizStep: "sensor_reporting",
        readPoint: { id: "geo:0.5,35.5" },
        sensorElementList: [
          {
            sensorMetadata: { deviceID: ELOCK, time: "2025-06-16T06:59:00+03:00" },
            sensorReport: [
              ALARM,
              { type: "Angle", component: "latitude", value: -1.3, uom: "DD" },
              { type: "Angle", component: "longitude", value: 36.9, uom: "DD" },
              { type: "Speed", value: 10, uom: "MTS" },
            ],
          },
        ],
      }),
    ]);
    // The container belongs to passive seal RFS-KE-7101; it has a read point but no office there.
    assert.deepEqual(reasons(out.notices), [`0 unknown_location ${CONTAINER}`]);
    assert.equal(out.readings.length, 1);
    const reading = out.readings[0];
    assert.equal(reading?.deviceId, "ELOCK-900");
    assert.equal(reading?.atMs, AT_0400Z);
    assert.equal(reading?.seal, "open");
    assert.equal(reading?.tamper, true);
    // The sensor's fix wins over the geo: read point.
    assert.deepEqual(reading?.position, { lon: 36.9, lat: -1.3, speedKmh: 36, courseDeg: 0, valid: true });
  });

  it("keeps the latest of several fixes", () => {
    const fix = (time: string, lat: number) => ({
      sensorMetadata: { time },
      sensorReport: [
        { type: "Angle", component: "latitude", value: lat, uom: "DD" },
        { type: "Angle", component: "longitude", value: 36, uom: "DD" },
      ],
    });
    const out = capture([
      sealEvent({
        epcList: [ELOCK_LINK],
        sensorElementList: [
          fix("2025-06-16T03:50:00Z", -1),
          fix("2025-06-16T03:59:00Z", -3),
          fix("2025-06-16T03:55:00Z", -2),
        ],
      }),
    ]);
    assert.equal(out.readings[0]?.position?.lat, -3);
  });

  it("ignores coordinates in other units or reference systems", () => {
    const out = capture([
      sealEvent({
        epcList: [ELOCK],
        readPoint: { id: MSA_SGLN },
        sensorElementList: [
          {
            sensorReport: [
              { type: "Angle", component: "latitude", value: -1.3, uom: "C81" },
              {
                type: "Angle",
                component: "longitude",
                value: 36.9,
                uom: "DD",
                coordinateReferenceSystem: "http://www.opengis.net/def/crs/EPSG/0/32737",
              },
            ],
          },
        ],
      }),
    ]);
    assert.equal(out.readings[0]?.position, undefined);
    assert.equal(out.readings[0]?.seal, "closed");
  });

  it("reports an active device's event with neither position nor seal status", () => {
    const out = capture([
      sealEvent({ epcList: [WAGON_SEAL], disposition: "in_transit", readPoint: { id: MSA_SGLN } }),
    ]);
    assert.deepEqual(out.readings, []);
    assert.deepEqual(reasons(out.notices), [`0 no_location ${WAGON_SEAL}`]);
  });

  it("emits seal status without a position when that is all the event says", () => {
    const out = capture([sealEvent({ epcList: [WAGON_SEAL], disposition: "container_open" })]);
    assert.deepEqual(
      out.readings.map((reading) => [reading.deviceId, reading.seal, reading.position]),
      [["WAGON-2017", "open", undefined]],
    );
  });
});
