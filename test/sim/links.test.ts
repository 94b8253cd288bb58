/**
 * The simulator's devices over the real transports into a real server: a JT701 e-lock and a
 * Teltonika tracker over TCP, e-seals over MQTT and HTTP with signed envelopes. Each delivers a
 * store-and-forward backlog and a live reading, is acknowledged, and what it said arrives intact.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.js";
import { createLogger } from "../../src/server/logger.js";
import { startServer, type RunningServer } from "../../src/server/server.js";
import { ApiClient } from "../../src/sim/api-client.js";
import { planFleet, type SimTransport, type VehiclePlan } from "../../src/sim/fleet.js";
import { HttpLink } from "../../src/sim/links/http-link.js";
import { Jt701Link } from "../../src/sim/links/jt701-link.js";
import type { DeviceLink, SimReading } from "../../src/sim/links/link.js";
import { MqttLink } from "../../src/sim/links/mqtt-link.js";
import { TeltonikaLink } from "../../src/sim/links/teltonika-link.js";
import { issueIngestKey, provisionDevices, provisionReferenceData } from "../../src/sim/provision.js";

describe("simulated devices over the real transports", () => {
  let server: RunningServer;
  let dataDir: string;
  let fleet: VehiclePlan[];
  const links = new Map<SimTransport, DeviceLink>();

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "sealwatch-links-"));
    const password = randomBytes(12).toString("base64url");
    const config = loadConfig({
      env: {},
      overrides: {
        dataDir,
        httpPort: 0,
        jt701Port: 0,
        teltonikaPort: 0,
        mqttPort: 0,
        deviceHost: "127.0.0.1",
        adminPassword: password,
        logLevel: "silent",
      },
    });
    server = await startServer({ config, logger: createLogger("silent") });
    const admin = new ApiClient(server.url, { username: "admin", password });
    await provisionReferenceData(admin);
    // The first vehicle of each transport.
    const all = planFleet({ seed: 2, vehicles: 8 });
    fleet = (["jt701", "teltonika", "mqtt", "http"] as const).map((t) => all.find((v) => v.transport === t)!);
    const keys = await provisionDevices(admin, fleet);
    const token = await issueIngestKey(admin, "links test");
    const { ports } = server;
    for (const v of fleet) {
      switch (v.transport) {
        case "jt701":
          links.set("jt701", new Jt701Link({ host: "127.0.0.1", port: ports.jt701! }, v.identifier));
          break;
        case "teltonika":
          links.set(
            "teltonika",
            new TeltonikaLink({ host: "127.0.0.1", port: ports.teltonika! }, v.identifier),
          );
          break;
        case "mqtt":
          links.set(
            "mqtt",
            new MqttLink(`mqtt://127.0.0.1:${ports.mqtt!}`, v.identifier, keys.get(v.deviceId)!),
          );
          break;
        case "http":
          links.set("http", new HttpLink(server.url, token, v.identifier, keys.get(v.deviceId)!));
          break;
      }
    }
  });

  after(async () => {
    for (const link of links.values()) link.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const transport of ["jt701", "teltonika", "mqtt", "http"] as const) {
    it(`${transport}: a backlog and a live reading, acknowledged and stored as sent`, async () => {
      const vehicle = fleet.find((v) => v.transport === transport)!;
      const link = links.get(transport)!;
      // Whole seconds: the JT701 clock has no milliseconds.
      const now = Math.floor(Date.now() / 1000) * 1000;
      const backlog: SimReading[] = Array.from({ length: 9 }, (_, i) => ({
        atMs: now - (60 - i * 5) * 1000,
        lon: 100.9 + i * 0.01,
        lat: 13.2 + i * 0.01,
        speedKmh: 50 + i,
        courseDeg: 20,
        valid: true,
        seal: "closed",
        tamper: false,
        batteryPct: 80 - i,
      }));
      for (let i = 0; i < backlog.length; i += link.maxBatch)
        await link.send(backlog.slice(i, i + link.maxBatch));
      await link.send([
        { ...backlog[8]!, atMs: now, seal: "open", tamper: true, batteryPct: 12, lon: 101.2, lat: 13.5 },
      ]);

      const stored = await server.store.readings.forDevice(vehicle.deviceId, now - 120_000, now + 1);
      assert.equal(stored.length, 10);
      for (const r of stored) assert.equal(r.protocol, transport);
      assert.deepEqual(
        stored.map((r) => r.atMs),
        [...backlog.map((b) => b.atMs), now],
      );
      // The backlog arrived well after it was observed: stored and forwarded.
      assert.ok(stored[0]!.receivedAtMs - stored[0]!.atMs >= 59_000);
      const first = stored[0]!;
      assert.equal(first.seal, "closed");
      assert.equal(first.tamper, false);
      assert.ok(Math.abs(first.lon! - 100.9) < 1e-4 && Math.abs(first.lat! - 13.2) < 1e-4);
      assert.equal(first.batteryPct, 80);
      const last = stored[9]!;
      assert.equal(last.seal, "open");
      assert.equal(last.tamper, true);
      assert.equal(last.batteryPct, 12);
    });
  }
});
