import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { describe, it } from "node:test";
import {
  captureEpcis,
  DEFAULT_EPCIS_LIMITS,
  resolveLimits,
  type CaptureOutcome,
} from "../../../src/protocols/epcis/index.js";
import { body, documentWith, registry, sealEvent } from "./support.js";

function rejection(outcome: CaptureOutcome): {
  code: string;
  path: string | undefined;
  message: string | undefined;
} {
  assert.equal(outcome.kind, "rejected", JSON.stringify(outcome));
  if (outcome.kind !== "rejected") return { code: "", path: undefined, message: undefined };
  const first = outcome.rejection.errors[0];
  return { code: outcome.rejection.code, path: first?.path, message: first?.message };
}

/** A valid document of exactly `bytes` UTF-8 bytes, padded with multi-byte characters in an extension. */
function documentOfBytes(bytes: number): string {
  const base = body(documentWith([sealEvent({ "sw:note": "" })]));
  const missing = bytes - Buffer.byteLength(base, "utf8");
  // "€" is three bytes in UTF-8; the rest is made up with "a".
  const pad = "€".repeat(Math.floor(missing / 3)) + "a".repeat(missing % 3);
  const text = base.replace('"sw:note":""', `"sw:note":"${pad}"`);
  assert.equal(Buffer.byteLength(text, "utf8"), bytes);
  return text;
}

describe("EPCIS capture limits", () => {
  it("documents its defaults", () => {
    assert.deepEqual(DEFAULT_EPCIS_LIMITS, {
      maxDocumentBytes: 2_097_152,
      maxEvents: 1_000,
      maxArrayItems: 2_000,
      maxDepth: 32,
      maxErrors: 20,
    });
    assert.ok(Object.isFrozen(DEFAULT_EPCIS_LIMITS));
  });

  it("counts the size in UTF-8 bytes: the limit itself passes, one byte more is refused", () => {
    const limit = 4_000;
    assert.equal(
      captureEpcis(documentOfBytes(limit), registry(), { maxDocumentBytes: limit }).kind,
      "accepted",
    );
    const over = documentOfBytes(limit + 1);
    assert.ok(over.length <= limit, "the string is shorter than the limit in UTF-16 code units");
    assert.deepEqual(rejection(captureEpcis(over, registry(), { maxDocumentBytes: limit })), {
      code: "too_large",
      path: "",
      message: `is ${limit + 1} bytes; at most ${limit} bytes are accepted`,
    });
    const bytes = new TextEncoder().encode(over);
    assert.equal(rejection(captureEpcis(bytes, registry(), { maxDocumentBytes: limit })).code, "too_large");
  });

  it("refuses an oversized string without encoding it", () => {
    const huge = " ".repeat(DEFAULT_EPCIS_LIMITS.maxDocumentBytes + 1);
    assert.equal(rejection(captureEpcis(huge, registry())).code, "too_large");
  });

  it("refuses more events than allowed before validating any of them", () => {
    // Invalid events: if they were validated, the code would be "invalid".
    const events = Array.from({ length: 11 }, () => ({ type: "ObjectEvent" }));
    assert.deepEqual(rejection(captureEpcis(body(documentWith(events)), registry(), { maxEvents: 10 })), {
      code: "too_many_events",
      path: "/epcisBody/eventList",
      message: "has 11 events; at most 10 are accepted per capture, send the rest in further documents",
    });
    const ten = Array.from({ length: 10 }, () => sealEvent());
    const outcome = captureEpcis(body(documentWith(ten)), registry(), { maxEvents: 10 });
    assert.equal(outcome.kind === "accepted" && outcome.reads.length, 10);
  });

  it("refuses long arrays and deep nesting, naming where", () => {
    const epcs = Array.from({ length: 6 }, (_, i) => `urn:epc:id:giai:4000001.${i}`);
    assert.deepEqual(
      rejection(
        captureEpcis(body(documentWith([sealEvent({ epcList: epcs })])), registry(), { maxArrayItems: 5 }),
      ),
      {
        code: "array_too_long",
        path: "/epcisBody/eventList/0/epcList",
        message: "has 6 items; at most 5 are accepted",
      },
    );
    let nested: unknown = "deep";
    for (let i = 0; i < 40; i += 1) nested = { "sw:x": nested };
    const deep = rejection(captureEpcis(body(documentWith([sealEvent({ "sw:nest": nested })])), registry()));
    assert.equal(deep.code, "too_deep");
    assert.match(deep.path ?? "", /^\/epcisBody\/eventList\/0\/sw:nest(\/sw:x)+$/);
  });

  it("takes configured limits and refuses nonsense ones", () => {
    assert.equal(resolveLimits({ maxEvents: 5 }).maxEvents, 5);
    assert.equal(resolveLimits({ maxEvents: 5 }).maxDocumentBytes, DEFAULT_EPCIS_LIMITS.maxDocumentBytes);
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => resolveLimits({ maxEvents: bad }), RangeError);
    }
  });
});
