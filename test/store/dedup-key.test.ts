/** The deduplication key: what it covers and what it ignores (docs/storage.md). */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import type { Arbitrary } from "fast-check";
import { canonicalJson } from "../../src/core/canonical-json.js";
import { dedupKey } from "../../src/store/dedup-key.js";
import { storedJsonText } from "../../src/store/json-value.js";
import { readingParams, READING_COLUMNS } from "../../src/store/rows.js";
import { reading } from "./records.js";

describe("dedupKey", () => {
  it("is SHA-256 hex of the canonical JSON of the reading without seq, receivedAtMs, raw and protocol", () => {
    const r = {
      deviceId: "dev-1",
      kind: "message" as const,
      atMs: 1_700_000_000_000,
      lon: 8.5,
      lat: 47.25,
      seal: "closed" as const,
      vendor: { b: 1, a: 2n },
    };
    const expected = createHash("sha256")
      .update(
        '{"atMs":1700000000000,"deviceId":"dev-1","kind":"message","lat":47.25,"lon":8.5,"seal":"closed","vendor":{"a":"2","b":1}}',
      )
      .digest("hex");
    assert.equal(
      dedupKey({ ...r, seq: 5, receivedAtMs: 1, raw: Uint8Array.of(1), protocol: "jt701" }),
      expected,
    );
    assert.match(expected, /^[0-9a-f]{64}$/);
  });

  it("ignores how and when the reading arrived", () => {
    const a = reading(1);
    const b = {
      ...a,
      seq: 99,
      receivedAtMs: a.receivedAtMs + 60_000,
      raw: Uint8Array.of(0xff),
      protocol: "mqtt",
    };
    assert.equal(dedupKey(b), a.dedupKey);
    assert.equal(dedupKey({ ...a, dedupKey: "whatever" }), a.dedupKey);
  });

  it("changes with the device, the event time and any content", () => {
    const a = reading(1);
    for (const change of [
      { deviceId: "dev-2" },
      { atMs: a.atMs + 1 },
      { batteryPct: 87 },
      { seal: "open" as const },
      { vendor: { x: 1 } },
      { kind: "read" as const },
    ])
      assert.notEqual(dedupKey({ ...a, ...change }), a.dedupKey, JSON.stringify(change));
  });

  it("does not depend on member order, and an undefined member is an absent one", () => {
    const a = reading(1);
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as typeof a;
    assert.equal(dedupKey(reordered), a.dedupKey);
    assert.equal(dedupKey({ ...a, tamper: undefined }), a.dedupKey);
  });
});

describe("dedupKey's member-by-member path", () => {
  it("gives the key of the generic definition for any reading", async () => {
    const fc = (await import("fast-check")).default;
    const { canonicalJson } = await import("../../src/core/canonical-json.js");
    const { normalizeJson } = await import("../../src/store/json-value.js");
    const generic = (r: Record<string, unknown>): string => {
      const { seq: _s, receivedAtMs: _r, raw: _w, protocol: _p, dedupKey: _k, ...content } = r;
      return createHash("sha256")
        .update(canonicalJson(normalizeJson(content)))
        .digest("hex");
    };
    const optional = <T>(arb: Arbitrary<T>) => fc.option(arb, { nil: undefined });
    const vendor = fc.oneof(
      fc.constant(undefined),
      fc.jsonValue(),
      fc.record({
        vendor: fc.constant("teltonika"),
        io: fc.dictionary(fc.integer({ min: 1, max: 300 }).map(String), fc.oneof(fc.integer(), fc.bigInt())),
      }),
    );
    fc.assert(
      fc.property(
        fc.record({
          deviceId: fc.string(),
          kind: fc.constantFrom("message" as const, "read" as const),
          atMs: fc.integer({ min: 0, max: 4_000_000_000_000 }),
          lon: optional(fc.double({ min: -180, max: 180 })),
          lat: optional(fc.double({ min: -90, max: 90 })),
          speedKmh: optional(fc.double({ min: 0, max: 300, noNaN: true })),
          valid: optional(fc.boolean()),
          seal: optional(fc.constantFrom("open" as const, "closed" as const)),
          tamper: optional(fc.boolean()),
          batteryPct: optional(fc.integer({ min: 0, max: 100 })),
          office: optional(fc.string()),
          vendor,
          seq: fc.nat(),
          receivedAtMs: fc.nat(),
          protocol: fc.string(),
        }),
        (r) => {
          assert.equal(dedupKey(r as Parameters<typeof dedupKey>[0]), generic(r));
        },
      ),
      { seed: 42, numRuns: 500 },
    );
  });

  it("leaves the vendor details' canonical text for the store, which a changed copy does not inherit", () => {
    const vendor = {
      vendor: "jointech",
      message: "binary-long",
      lockStatus: { ropeCut: false, motorLocked: true },
    };
    const record = reading(1, { vendor });
    // reading() computes the key, so the text is remembered: the canonical JSON, members sorted.
    assert.equal(storedJsonText(vendor), canonicalJson(vendor));
    assert.equal(storedJsonText(vendor), JSON.stringify(JSON.parse(canonicalJson(vendor))));
    const column = readingParams(record, (b) => b)[READING_COLUMNS.indexOf("vendor")];
    assert.deepEqual(JSON.parse(column as string), vendor);
    // Not visible to JSON or Object.keys, and a spread copy with a change serialises afresh.
    assert.deepEqual(Object.keys(vendor), ["vendor", "message", "lockStatus"]);
    const changed = { ...vendor, message: "binary-short" };
    assert.deepEqual(JSON.parse(storedJsonText(changed)!), changed);
  });
});
