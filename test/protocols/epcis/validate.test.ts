import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { validateEpcisDocument, type ValidationResult } from "../../../src/protocols/epcis/index.js";
import { documentWith, example, officialExamples, sealEvent } from "./support.js";

function errorsOf(result: ValidationResult): readonly { path: string; message: string }[] {
  assert.equal(result.ok, false, "expected the document to be rejected");
  return result.ok ? [] : result.errors;
}

/** The official ObjectEvent example with its first event changed. */
function withFirstEvent(change: (event: Record<string, unknown>) => void): Record<string, unknown> {
  const document = example("Example_9.6.1-ObjectEvent.jsonld");
  const events = (document.epcisBody as { eventList: Record<string, unknown>[] }).eventList;
  change(events[0] as Record<string, unknown>);
  return document;
}

const FIRST = "/epcisBody/eventList/0";

describe("validateEpcisDocument: official examples", () => {
  const examples = officialExamples();

  it("has all eight GS1 examples", () => {
    assert.equal(examples.length, 8);
  });

  for (const { name, document } of examples) {
    it(`accepts ${name}`, () => {
      const result = validateEpcisDocument(document);
      assert.deepEqual(result.ok ? [] : result.errors, []);
      assert.equal(result.ok, true);
    });
  }
});

describe("validateEpcisDocument: schema behaviour of standards.md §3", () => {
  const cases: readonly {
    name: string;
    change: (event: Record<string, unknown>) => void;
    valid: boolean;
    path?: string;
    message?: RegExp;
  }[] = [
    {
      name: "missing eventTimeZoneOffset",
      change: (e) => delete e.eventTimeZoneOffset,
      valid: false,
      path: `${FIRST}/eventTimeZoneOffset`,
      message: /^is required$/,
    },
    {
      name: 'eventTimeZoneOffset "+1:00"',
      change: (e) => (e.eventTimeZoneOffset = "+1:00"),
      valid: false,
      path: `${FIRST}/eventTimeZoneOffset`,
      message: /±hh:mm/,
    },
    {
      name: 'action "UPDATE"',
      change: (e) => (e.action = "UPDATE"),
      valid: false,
      path: `${FIRST}/action`,
      message: /^must be one of "OBSERVE", "ADD", "DELETE"$/,
    },
    {
      name: 'sensorReport type "Location"',
      change: (e) => (e.sensorElementList = [{ sensorReport: [{ type: "Location" }] }]),
      valid: false,
      path: `${FIRST}/sensorElementList/0/sensorReport/0/type`,
      message: /one of .*72 values/,
    },
    {
      name: 'sensorReport type "gs1:Temperature"',
      change: (e) =>
        (e.sensorElementList = [{ sensorReport: [{ type: "gs1:Temperature", value: 4, uom: "CEL" }] }]),
      valid: true,
    },
    {
      name: 'bizStep "sealing"',
      change: (e) => (e.bizStep = "sealing"),
      valid: false,
      path: `${FIRST}/bizStep`,
      message: /one of "accepting".*\(41 values\), or be an absolute URI/,
    },
    {
      name: "bizStep as a URI outside the CBV",
      change: (e) => (e.bizStep = "https://example.org/voc/bizstep/sealing"),
      valid: true,
    },
    {
      name: 'bizStep in the long CBV URN form "urn:epcglobal:cbv:bizstep:departing"',
      change: (e) => (e.bizStep = "urn:epcglobal:cbv:bizstep:departing"),
      valid: false,
      path: `${FIRST}/bizStep`,
      message: /outside the CBV namespace .*"departing"/,
    },
    {
      name: 'disposition "container_closed"',
      change: (e) => (e.disposition = "container_closed"),
      valid: true,
    },
    { name: 'disposition "container_open"', change: (e) => (e.disposition = "container_open"), valid: true },
    {
      name: "a container EPC in epcList",
      change: (e) => (e.epcList = ["urn:epc:id:bic:CSQU3054383"]),
      valid: true,
    },
    {
      name: 'sensorReport uom "celsius" (uom is not pattern-checked)',
      change: (e) =>
        (e.sensorElementList = [{ sensorReport: [{ type: "Temperature", value: 4, uom: "celsius" }] }]),
      valid: true,
    },
  ];

  for (const { name, change, valid, path, message } of cases) {
    it(`${valid ? "accepts" : "rejects"} ${name}`, () => {
      const result = validateEpcisDocument(withFirstEvent(change));
      if (valid) {
        assert.deepEqual(result.ok ? [] : result.errors, []);
        return;
      }
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.code, "invalid");
      // One issue, at the offending value, that says what would be accepted.
      assert.equal(result.errors.length, 1, JSON.stringify(result.errors));
      assert.equal(result.errors[0]?.path, path);
      assert.match(result.errors[0]?.message ?? "", message ?? /./);
    });
  }
});

describe("validateEpcisDocument: errors a sender can act on", () => {
  it("points at a property name EPCIS does not define", () => {
    const errors = errorsOf(validateEpcisDocument(withFirstEvent((e) => (e.sealNumber = "X1"))));
    assert.deepEqual(
      errors.map((error) => error.path),
      [`${FIRST}/sealNumber`],
    );
    assert.match(errors[0]?.message ?? "", /extension property .*prefix declared in @context/);
  });

  it("accepts a namespaced extension property", () => {
    const result = validateEpcisDocument(documentWith([sealEvent({ "sw:sealId": "KE-7102" })]));
    assert.equal(result.ok, true);
  });

  it("names the alternatives when an ObjectEvent has no epcList, quantityList or sensors", () => {
    const errors = errorsOf(
      validateEpcisDocument(
        withFirstEvent((e) => {
          delete e.epcList;
          delete e.readPoint;
        }),
      ),
    );
    assert.deepEqual(errors, [
      {
        path: FIRST,
        message: "must have epcList, or have quantityList, or have sensorElementList and readPoint",
      },
    ]);
  });

  it("explains an unknown event type", () => {
    const errors = errorsOf(validateEpcisDocument(withFirstEvent((e) => (e.type = "SealEvent"))));
    assert.equal(errors[0]?.path, `${FIRST}/type`);
    assert.match(errors[0]?.message ?? "", /ObjectEvent, AggregationEvent/);
  });

  it("says ilmd goes only with ADD, without listing the schema's branches", () => {
    const errors = errorsOf(validateEpcisDocument(withFirstEvent((e) => (e.ilmd = {}))));
    assert.deepEqual(errors, [{ path: `${FIRST}/ilmd`, message: "is only allowed with action ADD" }]);
  });

  it("reports wrong types at each value", () => {
    const errors = errorsOf(
      validateEpcisDocument(
        withFirstEvent((e) => {
          e.eventTime = 1_700_000_000;
          e.readPoint = { id: 5 };
        }),
      ),
    );
    const paths = errors.map((error) => error.path);
    assert.ok(paths.includes(`${FIRST}/eventTime`), paths.join());
    assert.ok(paths.includes(`${FIRST}/readPoint/id`), paths.join());
    assert.ok(errors.every((error) => error.message.length > 0));
  });

  it("asks for a time zone on date-times", () => {
    const errors = errorsOf(
      validateEpcisDocument(withFirstEvent((e) => (e.eventTime = "2025-06-16T07:00:00"))),
    );
    assert.deepEqual(errors, [
      {
        path: `${FIRST}/eventTime`,
        message: 'must be a date-time with a time zone, e.g. "2025-06-16T07:00:00.000+03:00"',
      },
    ]);
  });

  it("refuses a redefinition of a protected EPCIS term in @context", () => {
    const document = documentWith(
      [sealEvent()],
      [
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
        { disposition: "https://example.org/mine" },
      ],
    );
    const errors = errorsOf(validateEpcisDocument(document));
    assert.deepEqual(
      errors.map((error) => error.path),
      ["/@context/1/disposition"],
    );
  });

  it("finds repeated items in one pass with JSON Schema's equality (any key order)", () => {
    const errors = errorsOf(
      validateEpcisDocument(
        withFirstEvent(
          (e) =>
            (e.epcList = [
              "urn:epc:id:giai:4000001.1",
              "urn:epc:id:giai:4000001.2",
              "urn:epc:id:giai:4000001.1",
            ]),
        ),
      ),
    );
    assert.deepEqual(errors, [
      { path: `${FIRST}/epcList`, message: "must not repeat an item: items 0 and 2 are equal" },
    ]);
    const context = [
      "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
      { a: "urn:a:", b: "urn:b:" },
      { b: "urn:b:", a: "urn:a:" },
    ];
    assert.deepEqual(
      errorsOf(validateEpcisDocument(documentWith([sealEvent()], context))).map((error) => error.path),
      ["/@context"],
    );
    const distinct = [
      "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
      { a: "urn:a:" },
      { a: "urn:b:" },
    ];
    assert.equal(validateEpcisDocument(documentWith([sealEvent()], distinct)).ok, true);
  });

  it("escapes JSON pointer tokens", () => {
    const errors = errorsOf(validateEpcisDocument(withFirstEvent((e) => (e["a/b~c"] = 1))));
    assert.equal(errors[0]?.path, `${FIRST}/a~1b~0c`);
  });

  it("caps the list and counts the rest", () => {
    const events = Array.from({ length: 40 }, () => ({ type: "ObjectEvent" }));
    const result = validateEpcisDocument(documentWith(events), { maxErrors: 5 });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.errors.length, 5);
    assert.ok(result.omittedErrors > 100, String(result.omittedErrors));
  });

  it("refuses a standalone event and a query document: capture takes EPCISDocuments", () => {
    const standalone = {
      "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
      ...sealEvent(),
    };
    for (const value of [standalone, { type: "EPCISQueryDocument" }]) {
      const result = validateEpcisDocument(value);
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.equal(result.code, "not_epcis_document");
        assert.equal(result.errors[0]?.path, "/type");
      }
    }
  });

  it("refuses values that are not objects", () => {
    for (const value of [null, 42, "EPCISDocument", [], true]) {
      const result = validateEpcisDocument(value);
      assert.equal(result.ok ? "ok" : result.code, "not_epcis_document");
    }
  });
});
