/**
 * End to end through real sockets: `startServer` on free ports with the device gateway, a JT701
 * e-lock on a real TCP connection feeding the engine, officers driving the trip and the alarm over
 * HTTP, a trader following the live stream, and a graceful stop after which every acknowledged
 * reading is in the store.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/load.js";
import type { LonLat } from "../../src/core/geo/sphere.js";
import { ManualClock } from "../../src/monitor/clock.js";
import { createLogger } from "../../src/server/logger.js";
import { startServer, type RunningServer } from "../../src/server/server.js";
import { openStore } from "../../src/store/open.js";
import { CUT, frame, record, SEALED } from "../gateway/jointech-frames.js";
import { DeviceClient } from "../gateway/support.js";
import { SseReader } from "./sse.js";
import { DESTINATION, MIDWAY, ORIGIN, PASSWORD, officeFeature } from "./support.js";

const LOCK = "8043396777";

describe("end to end: a JT701 over TCP, the API over HTTP, the stream over SSE", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealwatch-e2e-"));
  // E-lock times are whole seconds; the server runs an hour in the past on a manual clock.
  const t0 = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
  const clock = new ManualClock(t0);
  let server: RunningServer;
  let tokens: Record<string, string>;
  let acknowledged = 0;

  const api = async (method: string, path: string, token: string | undefined, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>),
    };
  };
  const ok = async (method: string, path: string, token: string | undefined, body?: unknown) => {
    const r = await api(method, path, token, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as Record<string, unknown> & { [key: string]: unknown };
  };

  before(async () => {
    const config = loadConfig({
      env: {},
      overrides: {
        dataDir: dir,
        httpHost: "127.0.0.1",
        httpPort: 0,
        deviceHost: "127.0.0.1",
        jt701Port: 0,
        teltonikaEnabled: false,
        mqttEnabled: false,
        adminPassword: PASSWORD,
        tickIntervalMs: 50,
        streamHeartbeatS: 1,
      },
    });
    server = await startServer({
      config,
      logger: createLogger(process.env.SEALWATCH_TEST_LOG === "1" ? "debug" : "silent"),
      clock,
    });
    const login = async (username: string) =>
      (await ok("POST", "/api/v1/auth/login", undefined, { username, password: PASSWORD })).token as string;
    tokens = { admin: await login("admin") };
    await ok("POST", "/api/v1/zones", tokens.admin, officeFeature("OFF-ORIGIN", ORIGIN, "KE000001"));
    await ok("POST", "/api/v1/zones", tokens.admin, officeFeature("OFF-DEST", DESTINATION, "KE000002"));
    await ok("POST", "/api/v1/companies", tokens.admin, { id: "ACME", name: "Acme Freight", kind: "trader" });
    await ok("POST", "/api/v1/companies", tokens.admin, { id: "OTHER", name: "Other", kind: "carrier" });
    await ok("POST", "/api/v1/users", tokens.admin, {
      username: "officer",
      password: PASSWORD,
      role: "officer",
      offices: ["OFF-ORIGIN", "OFF-DEST"],
    });
    await ok("POST", "/api/v1/users", tokens.admin, {
      username: "operator",
      password: PASSWORD,
      role: "operator",
    });
    await ok("POST", "/api/v1/users", tokens.admin, {
      username: "trader",
      password: PASSWORD,
      role: "trader",
      companyId: "ACME",
    });
    await ok("POST", "/api/v1/users", tokens.admin, {
      username: "other",
      password: PASSWORD,
      role: "trader",
      companyId: "OTHER",
    });
    for (const name of ["officer", "operator", "trader", "other"]) tokens[name] = await login(name);
    await ok("POST", "/api/v1/devices", tokens.admin, {
      id: "ELK-E2E",
      class: "active",
      vendor: "Jointech",
      model: "JT701",
      protocol: "jt701",
      identifiers: [LOCK],
      reportIntervalS: 300,
      companyId: "ACME",
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("monitors a trip from the e-lock's frames and drives it and its alarm over HTTP, live on the trader's stream", async () => {
    const trip = await ok("POST", "/api/v1/trips", tokens.officer, {
      id: "E2E-1",
      origin: "OFF-ORIGIN",
      destination: "OFF-DEST",
      route: { type: "LineString", coordinates: [ORIGIN, MIDWAY, DESTINATION] },
      deadline: new Date(t0 + 86_400_000).toISOString(),
      devices: ["ELK-E2E"],
      companyId: "ACME",
      containers: ["CSQU3054383"],
    });
    assert.equal(trip.state, "declared");

    const stream = await SseReader.open(`${server.url}/api/v1/stream`, {
      authorization: `Bearer ${tokens.trader}`,
    });
    const outsider = await SseReader.open(`${server.url}/api/v1/stream`, {
      authorization: `Bearer ${tokens.other}`,
    });
    await stream.until((r) => r.of("ready").length > 0);
    const lock = await DeviceClient.connect(server.ports.jt701!);
    let serial = 0;
    const send = async (atMs: number, where: LonLat, status: number): Promise<void> => {
      clock.set(atMs + 1_000);
      serial++;
      await lock.send(frame(LOCK, serial, record(atMs, where, status)));
      await lock.untilText(`(P69,0,${serial})`);
      acknowledged++;
      await server.host.idle();
    };

    await send(t0, ORIGIN, SEALED);
    clock.set(t0 + 60_000);
    const armed = await ok("POST", "/api/v1/trips/E2E-1/arm", tokens.officer);
    assert.equal((armed.trip as { state: string }).state, "armed");
    await send(t0 + 5 * 60_000, MIDWAY, SEALED);
    await send(t0 + 6 * 60_000, MIDWAY, CUT);

    type AlarmEvent = {
      change: string;
      alarm: { id: string; type: string; tripId: string; workflow: string };
    };
    await stream.until(
      (r) => r.of<AlarmEvent>("alarm").some((e) => e.change === "raised" && e.alarm.type === "tamper"),
      5_000,
      "the tamper alarm",
    );
    const raised = stream.of<AlarmEvent>("alarm").find((e) => e.alarm.type === "tamper")!;
    assert.equal(raised.alarm.tripId, "E2E-1");
    // The reading before the arming belongs to no trip yet: the trader does not see it.
    await stream.until((r) => r.of<{ reading: { deviceId: string } }>("reading").length >= 2);
    assert.ok(stream.of<{ trip: { state: string } }>("trip").some((e) => e.trip.state === "in_transit"));

    const ack = await ok("POST", `/api/v1/alarms/${raised.alarm.id}/acknowledge`, tokens.operator, {
      note: "driver called",
    });
    assert.equal(ack.workflow, "acknowledged");
    await stream.until((r) =>
      r.of<AlarmEvent>("alarm").some((e) => e.change === "workflow" && e.alarm.workflow === "acknowledged"),
    );
    await ok("POST", `/api/v1/alarms/${raised.alarm.id}/resolve`, tokens.officer, {
      outcome: "confirmed_breach",
      notes: "rope cut",
    });

    await send(t0 + 60 * 60_000, DESTINATION, SEALED);
    await stream.until((r) =>
      r.of<{ trip: { state: string } }>("trip").some((e) => e.trip.state === "arrived"),
    );
    // A confirmed breach makes the channel red: the officer decides the inspection, then disarms.
    await ok("POST", "/api/v1/trips/E2E-1/inspection/decision", tokens.officer, {
      decision: "physical_inspection",
    });
    const closed = await ok("POST", "/api/v1/trips/E2E-1/disarm", tokens.officer, {});
    assert.equal((closed.trip as { state: string }).state, "closed");

    const track = await ok("GET", "/api/v1/trips/E2E-1/track", tokens.trader);
    const line = (track.features as { geometry: { coordinates: number[][] } }[])[0]!;
    assert.equal(line.geometry.coordinates.length, 3);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /^sealwatch_alarms_raised_total\{type="tamper"\} 1$/m);
    assert.match(metrics, /^sealwatch_ingest_to_alarm_seconds_count [1-9]/m);
    assert.equal(outsider.of("alarm").length + outsider.of("trip").length + outsider.of("reading").length, 0);
    stream.close();
    outsider.close();
    lock.close();
  });

  it("stops gracefully: new requests refused, every acknowledged reading stored, the store closed", async () => {
    await server.close();
    await assert.rejects(fetch(`${server.url}/api/v1/health`));
    const store = await openStore({ url: join(dir, "sealwatch.db"), readOnly: true });
    try {
      const readings = await store.readings.forDevice("ELK-E2E", 0, Number.MAX_SAFE_INTEGER);
      assert.equal(readings.length, acknowledged);
      assert.equal((await store.trips.get("E2E-1"))?.state, "closed");
      assert.equal((await store.audit.verify()).ok, true);
    } finally {
      await store.close();
    }
  });
});
