/**
 * The server on PostgreSQL (DATABASE_URL): migrated at start, the API and the engine on it, and the
 * state back after a restart. Skipped loudly when PostgreSQL is not reachable, except under CI.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { ManualClock } from "../../src/monitor/clock.js";
import { createLogger } from "../../src/server/logger.js";
import { startServer, type RunningServer } from "../../src/server/server.js";
import { createThrowawayDatabase, dropDatabase, probePostgres } from "../store/pg-support.js";
import {
  DESTINATION,
  MIDWAY,
  ORIGIN,
  PASSWORD,
  T0,
  officeFeature,
  type AlarmJson,
  type Items,
  type TripJson,
} from "./support.js";

const probe = await probePostgres();

async function call(server: RunningServer, method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  assert.ok(response.status < 300, `${method} ${path}: ${response.status} ${text}`);
  return (text === "" ? undefined : JSON.parse(text)) as unknown;
}

if (!probe.ok) {
  const message = `PostgreSQL is not reachable (${probe.reason})`;
  if (process.env.CI !== undefined) {
    describe("the server on PostgreSQL", () => {
      it("needs PostgreSQL in CI", () => assert.fail(message));
    });
  } else {
    describe("the server on PostgreSQL", { skip: message }, () => {});
  }
} else {
  describe("the server on PostgreSQL", () => {
    const dir = mkdtempSync(join(tmpdir(), "sealwatch-pg-"));
    const clock = new ManualClock(T0);
    let database: { name: string; url: string };
    let config: Config;
    before(async () => {
      database = await createThrowawayDatabase("sealwatch_api");
      config = loadConfig({
        env: {},
        overrides: {
          dataDir: dir,
          databaseUrl: database.url,
          httpHost: "127.0.0.1",
          httpPort: 0,
          adminPassword: PASSWORD,
        },
      });
    });
    after(async () => {
      await dropDatabase(database.name);
      rmSync(dir, { recursive: true, force: true });
    });

    it("serves the API on PostgreSQL and brings the trip and its alarm back after a restart", async () => {
      const logger = createLogger("silent");
      let server = await startServer({ config, logger, clock, gateway: false });
      assert.equal(server.store.kind, "postgres");
      const login = async () =>
        (
          (await call(server, "POST", "/api/v1/auth/login", undefined, {
            username: "admin",
            password: PASSWORD,
          })) as { token: string }
        ).token;
      let token = await login();
      await call(server, "POST", "/api/v1/zones", token, officeFeature("OFF-ORIGIN", ORIGIN, "KE000001"));
      await call(server, "POST", "/api/v1/zones", token, officeFeature("OFF-DEST", DESTINATION, "KE000002"));
      await call(server, "POST", "/api/v1/devices", token, {
        id: "ELK-PG",
        class: "active",
        vendor: "Jointech",
        model: "JT701",
        protocol: "jt701",
        identifiers: ["8043396655"],
      });
      await call(server, "POST", "/api/v1/trips", token, {
        id: "PG-1",
        origin: "OFF-ORIGIN",
        destination: "OFF-DEST",
        route: { type: "LineString", coordinates: [ORIGIN, MIDWAY, DESTINATION] },
        deadline: new Date(T0 + 86_400_000).toISOString(),
        devices: ["ELK-PG"],
      });
      const reading = async (at: readonly number[], tamper = false) => {
        await server.host.submitReading({
          deviceId: "ELK-PG",
          kind: "message",
          atMs: clock.nowMs(),
          lon: at[0]!,
          lat: at[1]!,
          valid: true,
          seal: "closed",
          tamper,
          protocol: "test",
          raw: new Uint8Array(),
        });
        await server.host.idle();
        clock.advance(1000);
      };
      await reading(ORIGIN);
      await call(server, "POST", "/api/v1/trips/PG-1/arm", token);
      clock.advance(1000);
      await reading(MIDWAY);
      await reading(MIDWAY, true);
      await server.close();

      server = await startServer({ config, logger, clock, gateway: false });
      try {
        token = await login();
        const trip = (await call(server, "GET", "/api/v1/trips/PG-1", token)) as TripJson;
        assert.equal(trip.state, "in_transit");
        const alarms = (await call(server, "GET", "/api/v1/alarms?tripId=PG-1", token)) as Items<AlarmJson>;
        assert.deepEqual(
          alarms.items.map((a) => a.type),
          ["tamper"],
        );
        await call(server, "POST", `/api/v1/alarms/${alarms.items[0]!.id}/acknowledge`, token, {});
        // An alarm left open would hold the disarm back until an inspection decision (docs/risk.md).
        await call(server, "POST", `/api/v1/alarms/${alarms.items[0]!.id}/resolve`, token, {
          outcome: "technical_fault",
        });
        await reading(DESTINATION);
        const closed = (await call(server, "POST", "/api/v1/trips/PG-1/disarm", token, {})) as {
          trip: TripJson;
        };
        assert.equal(closed.trip.state, "closed");
        assert.equal(
          ((await call(server, "GET", "/api/v1/audit/verify", token)) as { ok: boolean }).ok,
          true,
        );
      } finally {
        await server.close();
      }
    });
  });
}
