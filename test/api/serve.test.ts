/**
 * `sealwatch serve` as a user runs it: a real process on free ports, the first administrator's
 * one-time password in the log, a graceful stop on SIGTERM, data kept across restarts; every bad
 * setting reported at once; `--help` on every command; the generated configuration reference.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { configReference } from "../../src/config/load.js";
import { runCli } from "../support/cli.js";

const MAIN = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));
const DOCS = new URL("../../../docs/configuration.md", import.meta.url);

interface Running {
  readonly lines: Record<string, unknown>[];
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
  until(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
}

/** Every server a test started; one still running when the suite ends (a failed wait) is killed. */
const started = new Set<ChildProcess>();

function start(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    let end: number;
    while ((end = stdout.indexOf("\n")) >= 0) {
      const line = stdout.slice(0, end);
      stdout = stdout.slice(end + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ text: line });
      }
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  started.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      started.delete(child);
      resolve(code);
    }),
  );
  return {
    lines,
    stderr: () => stderr,
    exited,
    kill: (signal) => child.kill(signal),
    async until(predicate, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find(predicate);
        if (found !== undefined) return found;
        if (Date.now() > deadline)
          throw new Error(
            `no such log line within ${timeoutMs} ms; stderr: ${stderr}; lines: ${JSON.stringify(lines).slice(0, 2000)}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}

describe("sealwatch serve", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealwatch-serve-"));
  const env = {
    SEALWATCH_DATA_DIR: dir,
    SEALWATCH_HTTP_PORT: "0",
    SEALWATCH_JT701_PORT: "0",
    SEALWATCH_TELTONIKA_PORT: "0",
    SEALWATCH_MQTT_PORT: "0",
    SEALWATCH_DEVICE_HOST: "127.0.0.1",
  };
  afterEach(() => {
    for (const child of started) child.kill("SIGKILL");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("starts on free ports, creates the first administrator with a one-time password, and stops on SIGTERM", async () => {
    const server = start(["serve"], env);
    const created = await server.until((l) => typeof l.oneTimePassword === "string");
    assert.equal(created.username, "admin");
    const serving = await server.until((l) => l.msg === "sealwatch is serving");
    const url = serving.url as string;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok((serving.ports as { jt701: number }).jt701 > 0);
    assert.equal((await fetch(`${url}/api/v1/health`)).status, 200);
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: created.oneTimePassword }),
    });
    assert.equal(login.status, 200);
    const { token } = (await login.json()) as { token: string };
    const changed = await fetch(`${url}/api/v1/auth/password`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({
        currentPassword: created.oneTimePassword,
        newPassword: "a harbour at dusk, seven cranes",
      }),
    });
    assert.equal(changed.status, 204);
    // Nothing secret in the request logs.
    assert.ok(!JSON.stringify(server.lines.filter((l) => l.req !== undefined)).includes(token));
    server.kill("SIGTERM");
    assert.equal(await server.exited, 0);
    assert.ok(server.lines.some((l) => l.msg === "stopped"));
  });

  it("keeps its data across a restart and creates no second administrator", async () => {
    const server = start(["serve", "--no-gateway"], env);
    const serving = await server.until((l) => l.msg === "sealwatch is serving");
    assert.ok(!server.lines.some((l) => l.oneTimePassword !== undefined));
    const login = await fetch(`${serving.url as string}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "a harbour at dusk, seven cranes" }),
    });
    assert.equal(login.status, 200);
    server.kill("SIGINT");
    assert.equal(await server.exited, 0);
  });

  it("prints the one-time password on stderr when the log level would hide it", async () => {
    const quiet = mkdtempSync(join(tmpdir(), "sealwatch-quiet-"));
    try {
      const server = start(["serve", "--no-gateway"], {
        ...env,
        SEALWATCH_DATA_DIR: quiet,
        LOG_LEVEL: "error",
      });
      const deadline = Date.now() + 60_000;
      while (!server.stderr().includes("one-time password") && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 25));
      assert.match(server.stderr(), /first start: administrator "admin", one-time password [A-Za-z0-9]{20}/);
      server.kill("SIGTERM");
      assert.equal(await server.exited, 0);
    } finally {
      rmSync(quiet, { recursive: true, force: true });
    }
  });

  it("reports every bad setting at once and does not start", async () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ httpPort: "eighty", colour: "blue" }));
    const { SEALWATCH_HTTP_PORT: _port, ...rest } = env;
    const server = start(["serve", "--config", file], {
      ...rest,
      SEALWATCH_TICK_INTERVAL_MS: "1",
      LOG_LEVEL: "loud",
    });
    assert.equal(await server.exited, 2);
    const stderr = server.stderr();
    assert.match(stderr, /4 problems/);
    for (const name of ['unknown setting "colour"', "httpPort", "tickIntervalMs", "logLevel"])
      assert.ok(stderr.includes(name), name);
  });
});

describe("the command line", () => {
  it("answers --help on every command", async () => {
    const help = await runCli(["--help"]);
    assert.equal(help.code, 0);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((m) => m[1]!);
    for (const expected of ["serve", "config"]) assert.ok(commands.includes(expected), expected);
    for (const command of commands) {
      const run = await runCli([command, "--help"]);
      assert.equal(run.code, 0, `${command}: ${run.stderr}`);
      assert.match(run.stdout, /^Usage: sealwatch /, command);
    }
  });

  it("prints the configuration reference, which docs/configuration.md is", async () => {
    const run = await runCli(["config", "--docs"]);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, configReference());
    assert.equal(readFileSync(DOCS, "utf8"), configReference());
  });

  it("refuses a config command without --docs or --check", async () => {
    assert.equal((await runCli(["config"])).code, 2);
  });
});
