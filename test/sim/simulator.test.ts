/**
 * The demo end to end, on a temporary folder: accounts for every role, a small simulated fleet over
 * all four transports, trips declared and armed through the API, incidents raising alarms; and the
 * `simulate` command pointed at that running server with the demo's credentials file.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { main } from "../../src/cli/main.js";
import { loadConfig } from "../../src/config/load.js";
import { CREDENTIALS_FILE, demoAccounts } from "../../src/demo/credentials.js";
import { demoConfigOverrides, startDemo, type RunningDemo } from "../../src/demo/demo.js";
import { createLogger } from "../../src/server/logger.js";
import { ApiClient } from "../../src/sim/api-client.js";
import { Simulator } from "../../src/sim/simulator.js";

async function waitFor(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe("demo and simulator", () => {
  let demo: RunningDemo;
  let dataDir: string;
  const quiet = { info: () => undefined, warn: () => undefined };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "sealwatch-demo-"));
    const config = loadConfig({
      env: {},
      overrides: { ...demoConfigOverrides(dataDir), httpPort: 0, logLevel: "silent" },
    });
    demo = await startDemo({
      config,
      logger: createLogger("silent"),
      seed: 4,
      vehicles: 8,
      say: quiet,
      noFleet: true,
    });
  });

  after(async () => {
    await demo?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("seeds an account for every role, each able to log in, with passwords that are not in the code", async () => {
    const roles = new Set(demo.credentials.users.map((u) => u.role));
    for (const role of ["admin", "supervisor", "officer", "operator", "trader"])
      assert.ok(roles.has(role as never), role);
    assert.equal(demo.credentials.users.length, demoAccounts().length);
    for (const user of demo.credentials.users) {
      assert.ok(user.password.length >= 12);
      const me = await new ApiClient(demo.url, user).get<{ role: string }>("/auth/me");
      assert.equal(me.role, user.role);
    }
    assert.ok(demo.credentials.gatewayApiKey !== undefined);
    const gateway = await new ApiClient(demo.url, { token: demo.credentials.gatewayApiKey }).get<{
      role: string;
    }>("/auth/me");
    assert.equal(gateway.role, "gateway");
  });

  it("runs a fleet over JT701, Teltonika, MQTT and HTTP: trips armed, readings stored, alarms raised", async () => {
    const admin = new ApiClient(
      demo.url,
      demo.credentials.users.find((u) => u.role === "admin")!,
    );
    const { ports } = demo.server;
    const { provisionDevices } = await import("../../src/sim/provision.js");
    const planned = new Simulator({
      seed: 4,
      vehicles: 8,
      endpoints: {},
      officerAt: () => admin,
      deviceKeys: new Map(),
      logger: quiet,
    });
    const keys = await provisionDevices(admin, planned.fleet);
    const officers = new Map(
      demo.credentials.users
        .filter((u) => u.role === "officer")
        .map((u) => [u.offices![0]!, new ApiClient(demo.url, u)] as const),
    );
    const sim = new Simulator({
      seed: 4,
      vehicles: 8,
      endpoints: {
        jt701: { host: "127.0.0.1", port: ports.jt701! },
        teltonika: { host: "127.0.0.1", port: ports.teltonika! },
        mqttUrl: `mqtt://127.0.0.1:${ports.mqtt!}`,
        http: { baseUrl: demo.url, token: demo.credentials.gatewayApiKey! },
      },
      officerAt: (office) => officers.get(office)!,
      deviceKeys: keys,
      logger: quiet,
      firstIncidentWithinMs: 6_000,
    });
    sim.start();
    try {
      assert.equal(sim.stats.vehicles, 8);
      await waitFor("every conveyance armed", () => sim.stats.tripsArmed >= 8, 30_000);
      const store = demo.server.store;
      await waitFor(
        "readings from every transport",
        async () => new Set((await store.readings.afterSeq(0, 100_000)).map((r) => r.protocol)).size >= 4,
        20_000,
      );
      // Vehicles 0, 3 and 6 meet an incident on their first trip (deviation, stop, tamper).
      await waitFor("an alarm", async () => (await store.alarms.list()).length > 0, 40_000);
      const trips = await store.trips.list({ states: ["armed", "in_transit", "arrived"] });
      assert.ok(trips.length >= 8);
      for (const trip of trips) {
        assert.ok(trip.companyId === "northwind-trading" || trip.companyId === "lotus-logistics");
        assert.match(trip.reference ?? "", /^\d\d[A-Z]{2}[A-Z]{3}\d{9}J\d$/);
      }
      assert.equal(sim.stats.linkFailures, 0);
    } finally {
      await sim.stop();
    }
  });

  it("`sealwatch simulate` drives a running server from the demo's credentials file", async () => {
    const { ports } = demo.server;
    const out: string[] = [];
    const io = {
      out: (l: string) => out.push(l),
      err: (l: string) => out.push(l),
      progress: () => undefined,
    };
    const code = await main(
      [
        "simulate",
        "--server",
        demo.url,
        "--credentials",
        join(dataDir, CREDENTIALS_FILE),
        "--seed",
        "9",
        "--vehicles",
        "4",
        "--jt701-port",
        String(ports.jt701),
        "--teltonika-port",
        String(ports.teltonika),
        "--mqtt-url",
        `mqtt://127.0.0.1:${ports.mqtt}`,
        "--duration",
        "8",
      ],
      io,
    );
    assert.equal(code, 0, out.join("\n"));
    const last = out[out.length - 1] ?? "";
    const armed = Number(/(\d+) trips armed/.exec(last)?.[1] ?? "0");
    assert.ok(armed >= 1, out.join("\n"));
  });

  it("`sealwatch simulate` says what is missing", async () => {
    const err: string[] = [];
    const io = { out: () => undefined, err: (l: string) => err.push(l), progress: () => undefined };
    assert.equal(await main(["simulate"], io), 2);
    assert.match(err.join("\n"), /--server URL is required/);
  });
});
