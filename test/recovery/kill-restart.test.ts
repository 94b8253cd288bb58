/**
 * `kill -9` under load (issue 17): the real `sealwatch serve` on a SQLite data dir takes readings from
 * a Teltonika tracker over TCP, is killed with SIGKILL mid-stream, restarted, killed again, and
 * finally stopped. Every reading the server acknowledged is in the store exactly once; the tracker
 * resends what was not acknowledged (as a real one does), and nothing is stored twice.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { openStore } from "../../src/store/open.js";
import { buildAvlPacket, buildLogin } from "../protocols/support/teltonika-builder.js";
import { DeviceClient } from "../gateway/support.js";
import { avl, COUNT } from "../gateway/teltonika-support.js";
import { serveEnv } from "../support/serve-env.js";

const MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const IMEI = "356307042441013";
const PASSWORD = "a harbour at dusk, seven cranes";
/** Record times: from ten minutes ago, 100 ms apart (plausible, distinct). */
const STEP_MS = 100;
const KILLS = 2;

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  readonly teltonikaPort: number;
}

const children = new Set<ChildProcess>();

/** Starts `sealwatch serve` and waits for "sealwatch is serving" (the store is open and recovered). */
async function serve(dir: string): Promise<Server> {
  const child = spawn(process.execPath, [MAIN, "serve"], {
    env: serveEnv(dir, PASSWORD),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  let buffered = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise<Server>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`serve exited (${code}) before serving: ${stderr}`)));
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      let end: number;
      while ((end = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        let parsed: { msg?: string; url?: string; ports?: { teltonika?: number } };
        try {
          parsed = JSON.parse(line) as typeof parsed;
        } catch {
          continue;
        }
        if (parsed.msg === "sealwatch is serving")
          resolve({ child, url: parsed.url!, teltonikaPort: parsed.ports!.teltonika! });
      }
    });
  });
}

function killHard(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.child.once("exit", () => resolve());
    server.child.kill("SIGKILL");
  });
}

async function registerTracker(url: string): Promise<void> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: PASSWORD }),
  });
  assert.equal(login.status, 200, await login.clone().text());
  const { token } = (await login.json()) as { token: string };
  const created = await fetch(`${url}/api/v1/devices`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({
      id: "FMB-KILL",
      class: "active",
      vendor: "Teltonika",
      model: "FMB920",
      protocol: "teltonika",
      identifiers: [IMEI],
    }),
  });
  assert.equal(created.status, 201, await created.clone().text());
}

/**
 * A tracker sending one record per packet, each answered before the next; records not answered are
 * kept and sent again first on the next connection. Stops at `count` records or when the server dies.
 */
async function track(
  port: number,
  from: number,
  count: number,
  unanswered: number[],
  acknowledged: number[],
  onAck?: (n: number) => void,
): Promise<number> {
  const client = await DeviceClient.connect(port);
  try {
    await client.send(buildLogin(IMEI));
    await client.until((r) => r.length >= 1, 15_000, "the login answer");
    assert.equal(client.bytes[0], 1, "the tracker's IMEI is accepted");
    let answered = 1;
    const queue = [...unanswered.splice(0), ...Array.from({ length: count }, (_, i) => from + i * STEP_MS)];
    for (let i = 0; i < queue.length; i++) {
      const atMs = queue[i]!;
      await client.send(buildAvlPacket("8", [avl(atMs)]));
      const expected = answered * 4 + 1;
      try {
        await client.until((r) => r.length >= expected, 15_000, "an acknowledgement");
      } catch {
        unanswered.push(...queue.slice(i));
        return from + count * STEP_MS;
      }
      assert.equal(client.bytes.subarray(expected - 4, expected).toString("hex"), COUNT(1));
      answered++;
      acknowledged.push(atMs);
      onAck?.(acknowledged.length);
    }
    return from + count * STEP_MS;
  } finally {
    client.close();
  }
}

describe("kill -9 under load (SQLite)", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealwatch-kill-"));
  after(() => {
    for (const child of children) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every acknowledged reading exactly once across kill -9 restarts", async () => {
    let server = await serve(dir);
    await registerTracker(server.url);
    const acknowledged: number[] = [];
    const unanswered: number[] = [];
    let next = Date.now() - 600_000;
    for (let kill = 0; kill < KILLS; kill++) {
      // The kill lands while the tracker is sending: after 120 acknowledgements of this round.
      const target = acknowledged.length + 120;
      let killed: Promise<void> | undefined;
      const current = server;
      const stream = track(current.teltonikaPort, next, 400, unanswered, acknowledged, (n) => {
        if (n === target) killed = killHard(current);
      }).then((end) => (next = end));
      await stream;
      await killed;
      assert.ok(unanswered.length > 0, "the kill interrupted the stream");
      server = await serve(dir);
    }
    // The last run: the tracker's backlog, a few more, then a clean stop.
    next = await track(server.teltonikaPort, next, 20, unanswered, acknowledged);
    assert.deepEqual(unanswered, []);
    await new Promise<void>((resolve) => {
      server.child.once("exit", () => resolve());
      server.child.kill("SIGTERM");
    });

    const store = await openStore({ path: join(dir, "sealwatch.db"), readOnly: true });
    try {
      const stored = await store.readings.forDevice("FMB-KILL", 0, Number.MAX_SAFE_INTEGER);
      const times = stored.map((r) => r.atMs);
      assert.equal(new Set(times).size, times.length, "no reading is stored twice");
      const storedSet = new Set(times);
      const missing = acknowledged.filter((atMs) => !storedSet.has(atMs));
      assert.deepEqual(missing, [], "every acknowledged reading is stored");
      assert.ok(acknowledged.length >= KILLS * 120 + 20);
      // Nothing was acknowledged twice either (the tracker only resends what was not answered).
      assert.equal(new Set(acknowledged).size, acknowledged.length);
    } finally {
      await store.close();
    }
  });
});
