import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { captureEpcis, type CaptureOutcome } from "../../../src/protocols/epcis/index.js";
import { body, documentWith, registry, SEAL_7101, sealEvent } from "./support.js";

function code(outcome: CaptureOutcome): string {
  return outcome.kind === "rejected" ? outcome.rejection.code : "accepted";
}

/** Every outcome is well-formed: a rejection lists where, an acceptance's inputs are plausible. */
function assertWellFormed(outcome: CaptureOutcome): void {
  if (outcome.kind === "rejected") {
    assert.ok(outcome.rejection.errors.length >= 1);
    for (const error of outcome.rejection.errors) {
      assert.equal(typeof error.path, "string");
      assert.ok(error.path === "" || error.path.startsWith("/"), error.path);
      assert.ok(error.message.length > 0);
    }
    return;
  }
  for (const read of outcome.reads) {
    assert.ok(read.status === "intact" || read.status === "broken");
    assert.ok(Number.isFinite(read.atMs));
  }
  for (const reading of outcome.readings) {
    assert.ok(Number.isFinite(reading.atMs));
    if (reading.position !== undefined) {
      assert.ok(Math.abs(reading.position.lat) <= 90 && Math.abs(reading.position.lon) <= 180);
    }
  }
}

describe("EPCIS capture: hostile input", () => {
  it("refuses bodies that are not JSON or not UTF-8", () => {
    for (const text of ["", "{", "{'a':1}", "NaN", "[1,]", "\u0000"]) {
      assert.equal(code(captureEpcis(text, registry())), "malformed_json", JSON.stringify(text));
    }
    assert.equal(code(captureEpcis(new Uint8Array([0x7b, 0xff, 0x7d]), registry())), "malformed_json");
  });

  it("accepts a UTF-8 byte-order mark in front of a byte body", () => {
    const bytes = new TextEncoder().encode(body(documentWith([sealEvent()])));
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
    assert.equal(code(captureEpcis(withBom, registry())), "accepted");
  });

  it("refuses JSON that is not an EPCISDocument", () => {
    for (const text of [
      "null",
      "42",
      '"EPCISDocument"',
      "[]",
      "{}",
      '{"type":"ObjectEvent"}',
      '{"type":7}',
    ]) {
      assert.equal(code(captureEpcis(text, registry())), "not_epcis_document", text);
    }
  });

  it("refuses nesting a hundred thousand levels deep without overflowing the stack", () => {
    const depth = 100_000;
    assert.equal(code(captureEpcis("[".repeat(depth) + "]".repeat(depth), registry())), "too_deep");
    const objects = '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
    assert.equal(code(captureEpcis(objects, registry())), "too_deep");
  });

  it("refuses huge arrays before validating them", () => {
    const epcs = Array.from({ length: 100_000 }, (_, i) => `urn:epc:id:giai:4000001.${i}`);
    const outcome = captureEpcis(body(documentWith([sealEvent({ epcList: epcs })])), registry(), {
      maxDocumentBytes: 10_000_000,
    });
    assert.equal(code(outcome), "array_too_long");
    const events = Array.from({ length: 100_000 }, () => 0);
    assert.equal(code(captureEpcis(body(documentWith(events)), registry())), "too_many_events");
  });

  it("accepts a worst-case 2 MiB document of long EPC lists (uniqueItems checked in one pass)", () => {
    // Every array at the limit, with the shortest items the schema accepts: the most uniqueItems work per byte.
    const epcs = Array.from({ length: 2_000 }, (_, i) => `a:${i}`);
    const event = sealEvent({ epcList: epcs });
    const count = Math.floor(2_000_000 / body(event).length);
    const text = body(documentWith(Array.from({ length: count }, () => event)));
    const outcome = captureEpcis(text, registry());
    assert.equal(code(outcome), "accepted");
  });

  it("rejects wrong types with paths instead of throwing", () => {
    const cases: readonly Record<string, unknown>[] = [
      { epcisBody: "events" },
      { epcisBody: { eventList: {} } },
      { epcisBody: { eventList: [null, 1, "x", []] } },
      { "@context": 5 },
      { schemaVersion: 2 },
      { creationDate: ["2025"] },
      { epcisBody: { eventList: [sealEvent({ epcList: "urn:epc:id:giai:4000001.7101" })] } },
      { epcisBody: { eventList: [sealEvent({ readPoint: ["urn:epc:id:sgln:0614141.00001.0"] })] } },
      { epcisBody: { eventList: [sealEvent({ eventTime: { at: 1 } })] } },
      {
        epcisBody: {
          eventList: [sealEvent({ sensorElementList: [{ sensorReport: [{ type: "Angle", value: "1" }] }] })],
        },
      },
      { epcisBody: { eventList: [sealEvent({ "sw:sealId": { nested: true } })] } },
    ];
    for (const change of cases) {
      const document = { ...documentWith([sealEvent()]), ...change };
      const outcome = captureEpcis(body(document), registry());
      assertWellFormed(outcome);
      // An object where a seal number belongs is schema-valid (extensions are free) but unusable.
      if (outcome.kind === "accepted") {
        assert.ok(
          outcome.notices.some((notice) => notice.reason === "malformed_identifier"),
          JSON.stringify(change),
        );
      } else {
        assert.equal(outcome.rejection.code, "invalid", JSON.stringify(change));
      }
    }
  });

  it("refuses prototype-pollution keys anywhere and pollutes nothing", () => {
    const valid = body(documentWith([sealEvent()]));
    const texts = [
      valid.replace("{", '{"__proto__":{"polluted":true},'),
      valid.replace('"readPoint":{', '"readPoint":{"__proto__":{"polluted":true},'),
      valid.replace('"epcisBody":{', '"epcisBody":{"constructor":{"prototype":{"polluted":true}},'),
      valid.replace('"action"', '"prototype":{"polluted":true},"action"'),
    ];
    for (const text of texts) {
      assert.notEqual(text, valid);
      const outcome = captureEpcis(text, registry());
      assert.equal(code(outcome), "forbidden_key", text);
      assert.match(
        outcome.kind === "rejected" ? (outcome.rejection.errors[0]?.path ?? "") : "",
        /\/(__proto__|constructor|prototype)$/,
      );
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted"), false);
  });

  it("never throws on random JSON text (property)", () => {
    fc.assert(
      fc.property(fc.json({ depthSize: "medium" }), (text) => {
        assertWellFormed(captureEpcis(text, registry()));
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on random bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        assertWellFormed(captureEpcis(bytes, registry()));
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on documents whose events mix plausible and random fields (property)", () => {
    const pick = <T>(values: readonly T[]) =>
      fc.option(fc.oneof(fc.constantFrom(...values), fc.jsonValue({ maxDepth: 2 })), { nil: undefined });
    const eventArb = fc.record(
      {
        type: pick(["ObjectEvent", "AggregationEvent", "https://example.org/MyEvent"]),
        eventTime: pick([
          "2025-06-16T07:00:00+03:00",
          "2025-06-16t04:00:00z",
          "2016-12-31T23:59:60Z",
          "2025-02-30T00:00:00Z",
        ]),
        eventTimeZoneOffset: pick(["+03:00", "-14:00", "+14:00"]),
        action: pick(["OBSERVE", "ADD", "DELETE"]),
        epcList: pick([[SEAL_7101], ["urn:epc:id:bic:CSQU3054383", "urn:epc:id:giai:4000001.900"], []]),
        disposition: pick(["container_closed", "container_open", "conformant", "in_transit"]),
        bizStep: pick(["inspecting", "sensor_reporting"]),
        readPoint: pick([
          { id: "urn:epc:id:sgln:0614141.00001.0" },
          { id: "geo:-1.45,36.98" },
          { id: "geo:95,0" },
        ]),
        sensorElementList: pick([
          [
            {
              sensorReport: [
                { type: "Angle", component: "latitude", value: 91, uom: "DD" },
                { type: "Angle", component: "longitude", value: 1 },
              ],
            },
          ],
          [
            {
              sensorMetadata: { deviceID: "urn:epc:id:giai:4000001.900" },
              sensorReport: [{ type: "Speed", value: -5, uom: "KMH", exception: "ALARM_CONDITION" }],
            },
          ],
        ]),
        "sw:sealId": pick(["KE-7102", ["KE-7102", "KE-7102"], ""]),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 5 }), (events) => {
        assertWellFormed(captureEpcis(body(documentWith(events)), registry()));
      }),
      { numRuns: 500 },
    );
  });
});
