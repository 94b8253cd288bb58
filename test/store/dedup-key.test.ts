/** The deduplication key: what it covers and what it ignores (docs/storage.md). */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { dedupKey } from "../../src/store/dedup-key.js";
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
