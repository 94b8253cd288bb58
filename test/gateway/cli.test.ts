/** `sealwatch gateway`: its help, and a start on a temp data dir with every listener on a free port. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGateway } from "../../src/cli/gateway-command.js";
import { loadConfig } from "../../src/config/load.js";
import { runCli } from "../support/cli.js";
import { frame, record, SEALED } from "./jointech-frames.js";
import { openStore } from "../../src/store/open.js";
import { device, DeviceClient, ORIGIN } from "./support.js";

describe("sealwatch gateway", () => {
  it("prints its help", async () => {
    const run = await runCli(["gateway", "--help"]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage: sealwatch gateway/);
    assert.match(run.stdout, /--no-http/);
    const main = await runCli(["--help"]);
    assert.match(main.stdout, /gateway\s+run the device gateway/);
  });

  it("refuses arguments it does not take", async () => {
    const run = await runCli(["gateway", "extra"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /takes no arguments/);
  });

  it("starts on the configured store with free ports, serves a device, and stops cleanly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sealwatch-cli-"));
    const out: string[] = [];
    const err: string[] = [];
    try {
      const config = loadConfig({
        env: {
          SEALWATCH_DATA_DIR: dir,
          SEALWATCH_DEVICE_HOST: "127.0.0.1",
          SEALWATCH_JT701_PORT: "0",
          SEALWATCH_TELTONIKA_PORT: "0",
          SEALWATCH_MQTT_PORT: "0",
          SEALWATCH_HTTP_PORT: "0",
          LOG_LEVEL: "silent",
        },
      });
      // The engine reads the registry at start: declare the device first.
      const store = await openStore({ path: join(dir, "sealwatch.db") });
      await store.devices.put(device("ELK-CLI", ["8000000777"], "jt701"));
      await store.close();
      const running = await startGateway(
        config,
        { http: true },
        {
          out: (l) => out.push(l),
          err: (l) => err.push(l),
          progress: () => undefined,
        },
      );
      assert.ok(running !== undefined, err.join("\n"));
      try {
        assert.match(out.join("\n"), /jt701: tcp 127\.0\.0\.1:\d+/);
        assert.match(out.join("\n"), /http: 127\.0\.0\.1:\d+\/api\/v1\/ingest/);
        assert.equal(statSync(join(dir, "master.key")).mode & 0o777, 0o600);
        const now = Date.now();
        const client = await DeviceClient.connect(running.gateway.ports.jt701!);
        await client.send(frame("8000000777", 5, record(now - 1_000, ORIGIN, SEALED)));
        await client.untilText("(P69,0,5)");
        client.close();
        assert.equal(
          (await running.store.readings.forDevice("ELK-CLI", 0, Number.MAX_SAFE_INTEGER)).length,
          1,
        );
      } finally {
        await running.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("device-key issues, rotates, lists and retires a device's keys, sealed in the store", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sealwatch-keys-cli-"));
    const previous = process.env.SEALWATCH_DATA_DIR;
    process.env.SEALWATCH_DATA_DIR = dir;
    try {
      const store = await openStore({ path: join(dir, "sealwatch.db") });
      await store.devices.put(device("MQ-CLI", ["mq-cli"], "mqtt"));
      await store.close();
      const issued = await runCli(["device-key", "issue", "--device", "MQ-CLI"]);
      assert.equal(issued.code, 0, issued.stderr);
      const secret = /secret (\S+)/.exec(issued.stdout)?.[1];
      assert.equal(Buffer.from(secret!, "base64").length, 32);
      const rotated = await runCli([
        "device-key",
        "rotate",
        "--device",
        "MQ-CLI",
        "--algorithm",
        "aes-256-gcm",
        "--grace-s",
        "60",
      ]);
      assert.match(rotated.stdout, /key k2 \(aes-256-gcm\)/);
      const listed = await runCli(["device-key", "list", "--device", "MQ-CLI"]);
      assert.match(listed.stdout, /^k1 +hmac-sha256 .* retired /m);
      assert.match(listed.stdout, /^k2 +aes-256-gcm .* live /m);
      assert.equal((await runCli(["device-key", "retire", "--device", "MQ-CLI", "--key-id", "k2"])).code, 0);
      const check = await openStore({ path: join(dir, "sealwatch.db") });
      const keys = await check.devices.keys("MQ-CLI");
      await check.close();
      assert.equal(keys.length, 2);
      assert.ok(keys.every((k) => !Buffer.from(k.sealedKey).includes(Buffer.from(secret!, "base64"))));
      const unknown = await runCli(["device-key", "issue", "--device", "NOPE"]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /no device NOPE/);
    } finally {
      if (previous === undefined) delete process.env.SEALWATCH_DATA_DIR;
      else process.env.SEALWATCH_DATA_DIR = previous;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
