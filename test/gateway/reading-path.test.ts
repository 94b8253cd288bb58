/**
 * The per-reading path after the decoder, fuzzed: plausibility, the reading record, the dedup key
 * and the store. Whatever a decoder (or a hostile frame mutated into decoding) produces, nothing
 * throws, every reading is either stored or refused and counted, and a frame's answer is never
 * held back by one of its readings — only a store that cannot write may do that. Runs against the
 * real host and the embedded store; mutated corpus frames go through the real decoders first.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { MemoryLiveBus } from "../../src/bus/live-events.js";
import type { NormalizedReading } from "../../src/core/domain/reading.js";
import { GatewayCounters } from "../../src/gateway/counters.js";
import { ForensicsLog } from "../../src/gateway/forensics.js";
import { RejectionLog } from "../../src/gateway/rejection-log.js";
import { submitFrameReadings, type SubmitContext } from "../../src/gateway/tcp/frame-readings.js";
import { monotonic, systemClock } from "../../src/monitor/clock.js";
import { MonitorHost } from "../../src/monitor/host.js";
import { decodeJointechFrame } from "../../src/protocols/jointech/index.js";
import { decodeTeltonikaFrame } from "../../src/protocols/teltonika/index.js";
import { openStore, type OpenedStore } from "../../src/store/open.js";
import { ReadingWriter } from "../../src/store/reading-writer.js";
import { hexBytes, jointechFrame, readCorpus } from "../protocols/support/corpus.js";
import { MemoryLogger } from "./support.js";

const NOW_MS = Date.now();

/** Values a broken decoder could put anywhere: the usual, the edges and the absurd. */
const anyNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(NaN, Infinity, -Infinity, 8.64e15 + 1, 9e18, -0, Number.MAX_SAFE_INTEGER + 2),
);
const anyValue = fc.oneof(
  anyNumber,
  fc.string(),
  fc.constantFrom("\u0000", "\ud800", "", null, true, undefined),
  fc.constant({}),
);
const anyReading: fc.Arbitrary<NormalizedReading> = fc
  .record(
    {
      atMs: fc.oneof(fc.integer({ min: NOW_MS - 86_400_000, max: NOW_MS }), anyNumber),
      position: fc.option(
        fc.record({
          lon: fc.oneof(fc.double({ min: -180, max: 180, noNaN: true }), anyNumber),
          lat: fc.oneof(fc.double({ min: -90, max: 90, noNaN: true }), anyNumber),
          speedKmh: fc.oneof(fc.double({ min: 0, max: 200, noNaN: true }), anyNumber),
          courseDeg: fc.oneof(fc.integer({ min: 0, max: 360 }), anyNumber),
          valid: fc.oneof(fc.boolean(), anyValue),
          altitudeM: fc.option(anyNumber, { nil: undefined }),
        }),
        { nil: undefined },
      ),
      seal: fc.option(fc.oneof(fc.constantFrom("closed", "open"), anyValue), { nil: undefined }),
      tamper: fc.option(fc.oneof(fc.boolean(), anyValue), { nil: undefined }),
      batteryPct: fc.option(fc.oneof(fc.integer({ min: 0, max: 100 }), anyNumber), { nil: undefined }),
      vendor: fc.option(fc.oneof(fc.jsonValue(), fc.constant({ a: 1n }), fc.anything()), { nil: undefined }),
    },
    { requiredKeys: ["atMs"] },
  )
  .map(
    (r) => ({ ...r, deviceId: "fuzzed", raw: Uint8Array.from([1, 2, 3]) }) as unknown as NormalizedReading,
  );

describe("the per-reading path after the decoder never throws (property)", () => {
  let dir: string;
  let store: OpenedStore;
  let host: MonitorHost;
  let context: SubmitContext;
  let counters: GatewayCounters;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "sealwatch-reading-path-"));
    store = await openStore({ path: join(dir, "sealwatch.db") });
    const writer = new ReadingWriter(store.readings, { maxBatch: 200, maxDelayMs: 1 });
    host = await MonitorHost.open({
      store,
      log: writer,
      bus: new MemoryLiveBus(),
      clock: monotonic(systemClock),
    });
    counters = new GatewayCounters();
    const logger = new MemoryLogger();
    context = {
      sink: host,
      counters,
      logger,
      rejections: new RejectionLog({ logger, nowMs: Date.now, forensics: new ForensicsLog() }),
      transport: "teltonika",
      peer: "fuzz",
    };
  });
  after(async () => {
    await host.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stores or refuses every reading, and always answers the frame", async () => {
    let total = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(anyReading, { minLength: 1, maxLength: 4 }), async (readings) => {
        total += readings.length;
        const before = counters.rejectedCount("teltonika");
        const ack = Uint8Array.from([0, 0, 0, readings.length]);
        let plan;
        try {
          plan = await submitFrameReadings(context, readings, "TEL-FUZZ", NOW_MS, ack);
        } catch (error) {
          assert.fail(`the path threw or failed the frame: ${String(error)}`);
        }
        assert.equal(plan.ack, ack);
        const refused = counters.rejectedCount("teltonika") - before;
        assert.equal(plan.readings + refused, readings.length);
      }),
      { numRuns: 300, seed: 1717 },
    );
    await host.idle();
    assert.ok(total > 0);
    assert.equal(counters.rejectedCount("teltonika", "store_failed"), 0);
  });

  it("mutated corpus frames through the real decoders, then the path: no throw, every frame answered", async () => {
    const teltonika = readCorpus("teltonika-frames.tsv")
      .filter((r) => r.transport === "tcp" && r.codec !== "imei-login")
      .map((r) => hexBytes(r.frame_hex!));
    const jointech = readCorpus("jt600-frames.tsv").map(jointechFrame);
    const mutated = (frames: Uint8Array[]) =>
      fc
        .tuple(
          fc.constantFrom(...frames),
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        )
        .map(([f, edits]) => {
          const out = Uint8Array.from(f);
          for (const [at, value] of edits) out[at % out.length] = value;
          return out;
        });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          mutated(teltonika).map((f) => decodeTeltonikaFrame(f, { deviceId: "356307042441777" })),
          mutated(jointech).map((f) => decodeJointechFrame(f, { nowMs: NOW_MS })),
        ),
        async (outcome) => {
          if (outcome.kind === "rejected") return;
          const plan = await submitFrameReadings(context, outcome.readings, "DEV-FUZZ", NOW_MS, outcome.ack);
          assert.equal(plan.ack, outcome.ack);
        },
      ),
      { numRuns: 400, seed: 2718 },
    );
    await host.idle();
    assert.equal(counters.rejectedCount("teltonika", "store_failed"), 0);
  });
});
