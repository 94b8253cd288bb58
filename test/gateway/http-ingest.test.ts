/**
 * HTTP ingest over a real HTTP server (the gateway's, under /api/v1): batches of readings (signed,
 * encrypted or plain), passive seal reads, EPCIS 2.0 captures; 2xx only once every accepted item is
 * durable; store failures, limits and gateway authentication.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import Fastify from "fastify";
import { ingestRoutes } from "../../src/gateway/http/ingest-routes.js";
import type { IssuedKey } from "../../src/gateway/security/key-vault.js";
import { documentWith, MSA_SGLN, SEAL_7101, SEAL_7102, sealEvent } from "../protocols/epcis/support.js";
import { encrypted, jsonReading, signed } from "./mqtt-support.js";
import {
  ControlledSink,
  corridorRegistry,
  device,
  MIDWAY,
  ORIGIN,
  sleep,
  startStack,
  storedReadings,
  type Stack,
} from "./support.js";

interface BatchAnswer {
  stored: number;
  duplicates: number;
  rejected: number;
  results: { index: number; status: string; reason?: string; errors?: unknown[] }[];
  code?: string;
  statusCode?: number;
}

describe("HTTP ingest", () => {
  let stack: Stack;
  let sink: ControlledSink;
  let hmac: IssuedKey;
  let aes: IssuedKey;
  let base: string;
  const t = Date.now() - 600_000;

  before(async () => {
    stack = await startStack({
      http: true,
      wrapSink: (host) => (sink = new ControlledSink(host)),
      registry: corridorRegistry([
        device("HT-1", ["ht-1"], "http"),
        device("HT-2", ["ht-2"], "http"),
        device("HT-SEMI", ["ht-semi"], "http", { class: "semi-active" }),
        device("RFS-7101", [SEAL_7101, "KE-7101"], "epcis", { class: "passive" }),
        device("RFS-7102", [SEAL_7102], "epcis", { class: "passive" }),
        device("READER-MSA", [MSA_SGLN], "epcis", { class: "passive", settings: { office: "OFF-DEST" } }),
      ]),
    });
    hmac = await stack.gateway.context.keys.issueKey("HT-1", "hmac-sha256");
    aes = await stack.gateway.context.keys.issueKey("HT-2", "aes-256-gcm");
    base = `http://127.0.0.1:${stack.gateway.ports.http}/api/v1`;
  });
  after(() => stack.close());

  async function post(
    path: string,
    body: unknown,
    contentType = "application/json",
  ): Promise<{ status: number; json: BatchAnswer }> {
    const response = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": contentType },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as BatchAnswer };
  }

  it("stores a batch of signed, encrypted and plain readings and reports each item", async () => {
    const { status, json } = await post("/ingest/readings", {
      readings: [
        JSON.parse(signed(hmac.secret, "ht-1", hmac.keyId, 1, jsonReading(t, ORIGIN, { seal: "closed" }))),
        JSON.parse(
          signed(hmac.secret, "ht-1", hmac.keyId, 2, JSON.stringify(jsonReading(t + 1_000, MIDWAY))),
        ),
        JSON.parse(encrypted(aes.secret, "ht-2", aes.keyId, 1, jsonReading(t, MIDWAY, { batteryPct: 70 }))),
        { deviceId: "ht-semi", ...jsonReading(t, MIDWAY, { tamper: false }) },
        { deviceId: "ht-1", ...jsonReading(t + 2_000, MIDWAY) },
        { deviceId: "nobody", ...jsonReading(t, MIDWAY) },
        { deviceId: "ht-semi", at: "2025-02-30T00:00:00Z" },
      ],
    });
    assert.equal(status, 200);
    assert.deepEqual(
      json.results.map((r) => r.reason ?? r.status),
      ["stored", "stored", "stored", "stored", "unsigned", "unknown_device", "invalid"],
    );
    assert.deepEqual([json.stored, json.duplicates, json.rejected], [4, 0, 3]);
    assert.equal((await storedReadings(stack.store, "HT-1")).length, 2);
    assert.equal((await storedReadings(stack.store, "HT-2"))[0]?.batteryPct, 70);
    assert.equal((await storedReadings(stack.store, "HT-SEMI"))[0]?.protocol, "http");
  });

  it("answers a resent batch: plain items as duplicates, signed ones as replayed", async () => {
    const { status, json } = await post("/ingest/readings", {
      readings: [
        JSON.parse(signed(hmac.secret, "ht-1", hmac.keyId, 1, jsonReading(t, ORIGIN, { seal: "closed" }))),
        { deviceId: "ht-semi", ...jsonReading(t, MIDWAY, { tamper: false }) },
      ],
    });
    assert.equal(status, 200);
    assert.deepEqual(
      json.results.map((r) => r.reason ?? r.status),
      ["replayed", "duplicate"],
    );
    assert.equal((await storedReadings(stack.store, "HT-SEMI")).length, 1);
  });

  it("sends no answer until every accepted item is durable", async () => {
    sink.holding = true;
    let answered = false;
    const posting = post("/ingest/readings", {
      readings: [{ deviceId: "ht-semi", ...jsonReading(t + 5_000, MIDWAY) }],
    }).then((r) => {
      answered = true;
      return r;
    });
    await sink.untilSubmitted(sink.submitted.length + 1);
    await sleep(300);
    assert.equal(answered, false, "answered before the reading was durable");
    sink.release();
    assert.equal((await posting).status, 200);
  });

  it("answers 503 when the store fails, and the resent batch is stored", async () => {
    sink.failNext = 1;
    const batch = {
      readings: [
        JSON.parse(
          signed(hmac.secret, "ht-1", hmac.keyId, 10, jsonReading(t + 10_000, MIDWAY, { batteryPct: 33 })),
        ),
      ],
    };
    const failed = await post("/ingest/readings", batch);
    assert.equal(failed.status, 503);
    assert.equal(failed.json.code, "STORE_UNAVAILABLE");
    assert.equal(failed.json.results[0]?.status, "failed");
    const retried = await post("/ingest/readings", batch);
    assert.equal(retried.status, 200);
    assert.equal(retried.json.results[0]?.status, "stored");
  });

  it("refuses malformed, empty, oversized and overfull bodies", async () => {
    assert.equal((await post("/ingest/readings", "{nope")).status, 400);
    assert.equal((await post("/ingest/readings", { readings: [] })).status, 400);
    assert.equal(
      (await post("/ingest/readings", { readings: Array.from({ length: 1_001 }, () => ({})) })).status,
      413,
    );
    const huge = await post("/ingest/readings", {
      readings: [{ deviceId: "ht-semi", at: "x".repeat(1_100_000) }],
    });
    assert.equal(huge.status, 413);
    assert.equal(huge.json.code, "BODY_TOO_LARGE");
    assert.equal(huge.json.statusCode, 413);
    assert.equal((await post("/ingest/readings", "<readings/>", "application/xml")).status, 415);
  });

  it("stores passive seal reads at an office named by zone id or customs office code", async () => {
    // A read's time is its arrival for the engine (reads carry no receivedAt): send them as they happen.
    const now = Date.now();
    const { status, json } = await post("/ingest/reads", {
      reads: [
        {
          sealId: SEAL_7101,
          office: "OFF-ORIGIN",
          status: "intact",
          at: new Date(now).toISOString(),
          readerId: "gate-3",
        },
        { sealId: "KE-7101", office: "KE000002", status: "broken", at: new Date(now + 1).toISOString() },
        { sealId: SEAL_7101, office: "NOWHERE", status: "intact", at: new Date(now).toISOString() },
        { sealId: SEAL_7101, office: "OFF-ORIGIN", status: "ajar", at: new Date(now).toISOString() },
        {
          sealId: SEAL_7101,
          office: "OFF-ORIGIN",
          status: "intact",
          at: new Date(now + 3_600_000).toISOString(),
        },
      ],
    });
    assert.equal(status, 200);
    assert.deepEqual(
      json.results.map((r) => r.reason ?? r.status),
      ["stored", "stored", "unknown_office", "invalid", "implausible"],
    );
    await stack.host.idle();
    const reads = await storedReadings(stack.store, "RFS-7101");
    assert.deepEqual(
      reads.map((r) => [r.kind, r.office, r.readStatus]),
      [
        ["read", "OFF-ORIGIN", "intact"],
        ["read", "OFF-DEST", "broken"],
      ],
    );
  });

  it("captures an EPCIS 2.0 document: 202 with a summary, reads stored at the reader's office", async () => {
    const at = new Date(Date.now()).toISOString();
    const document = documentWith([
      sealEvent({ epcList: [SEAL_7102], eventTime: at, disposition: "container_open" }),
      sealEvent({ epcList: ["urn:epc:id:giai:4000001.424242"], eventTime: at }),
    ]);
    const { status, json } = await post("/ingest/epcis", document, "application/ld+json");
    assert.equal(status, 202);
    const summary = json as unknown as {
      eventCount: number;
      reads: number;
      stored: number;
      notices: { reason: string }[];
    };
    assert.equal(summary.eventCount, 2, JSON.stringify(summary));
    assert.equal(summary.reads, 1, JSON.stringify(summary));
    assert.equal(summary.stored, 1);
    assert.deepEqual(
      summary.notices.map((n) => n.reason),
      ["unknown_epc"],
    );
    await stack.host.idle();
    const [read] = await storedReadings(stack.store, "RFS-7102");
    assert.deepEqual(
      [read?.kind, read?.office, read?.readStatus, read?.protocol],
      ["read", "OFF-DEST", "broken", "epcis"],
    );
  });

  it("answers 400 with the validation errors for an invalid EPCIS document, 413 for an oversized one", async () => {
    const invalid = await post(
      "/ingest/epcis",
      documentWith([sealEvent({ action: "UPDATE" })]),
      "application/ld+json",
    );
    assert.equal(invalid.status, 400);
    const rejection = invalid.json as unknown as { code: string; reason: string; errors: { path: string }[] };
    assert.equal(rejection.code, "VALIDATION_FAILED");
    assert.equal(rejection.reason, "invalid");
    assert.ok(rejection.errors.some((e) => e.path.endsWith("/action")));
    const big = await post("/ingest/epcis", `{"x":"${"y".repeat(2 * 1024 * 1024)}"}`, "application/ld+json");
    assert.equal(big.status, 413);
    assert.equal((await post("/ingest/epcis", "{", "application/json")).status, 400);
  });
});

describe("HTTP ingest mounted by an API server, with gateway authentication", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      registry: corridorRegistry([device("HT-SEMI", ["ht-semi"], "http", { class: "semi-active" })]),
    });
  });
  after(() => stack.close());

  it("refuses an unauthenticated gateway with 401 and takes an authenticated one", async () => {
    const app = Fastify();
    await app.register(ingestRoutes, {
      prefix: "/api/v1",
      sink: stack.sink,
      store: stack.store,
      context: stack.gateway.context,
      authenticateGateway: (request) =>
        Promise.resolve(
          request.headers.authorization === "Bearer gw-secret" ? { id: "gateway-7" } : undefined,
        ),
    });
    const body = { readings: [{ deviceId: "ht-semi", ...jsonReading(Date.now() - 1_000, MIDWAY) }] };
    const refused = await app.inject({ method: "POST", url: "/api/v1/ingest/readings", payload: body });
    assert.equal(refused.statusCode, 401);
    const accepted = await app.inject({
      method: "POST",
      url: "/api/v1/ingest/readings",
      payload: body,
      headers: { authorization: "Bearer gw-secret" },
    });
    assert.equal(accepted.statusCode, 200);
    assert.equal(accepted.json<BatchAnswer>().stored, 1);
    await app.close();
  });

  it("builds its own context from a master key when the API gives none", async () => {
    const app = Fastify();
    await app.register(ingestRoutes, { sink: stack.sink, store: stack.store, masterKey: stack.masterKey });
    const response = await app.inject({
      method: "POST",
      url: "/ingest/readings",
      payload: { readings: [{ deviceId: "ht-semi", ...jsonReading(Date.now() - 500, MIDWAY) }] },
    });
    assert.equal(response.statusCode, 200);
    await app.close();
  });
});
