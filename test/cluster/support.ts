/**
 * The distributed mode in tests: real NATS JetStream (127.0.0.1:4222) and PostgreSQL, each test
 * cluster in its own bus namespace and throwaway database, its processes real children running the
 * built CLI (so that `kill -9` is a real crash).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { connect } from "nats";
import { NatsBus } from "../../src/cluster/nats-bus.js";
import { RouteTable } from "../../src/cluster/routes.js";
import { InputFeed } from "../../src/cluster/input-feed.js";
import { repoRoot } from "../support/fixtures.js";

export const NATS_URL = process.env.SEALWATCH_TEST_NATS_URL ?? "nats://127.0.0.1:4222";

/** Whether NATS with JetStream answers, and why not. */
export async function probeNats(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const nc = await connect({ servers: NATS_URL.replace(/^nats:\/\//, ""), timeout: 2_000 });
    try {
      await (await nc.jetstreamManager()).getAccountInfo();
    } finally {
      await nc.close();
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

export function uniqueNamespace(): string {
  return `t${process.pid}_${randomBytes(3).toString("hex")}`;
}

export interface ClusterSettings {
  readonly namespace: string;
  readonly partitions: number;
  readonly leaseTtlMs: number;
  readonly dbUrl: string;
  /** Ticks published by the workers (huge by default: tests publish their own). */
  readonly tickIntervalMs?: number;
}

export function clusterEnv(settings: ClusterSettings, dataDir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    SEALWATCH_BUS_NAMESPACE: settings.namespace,
    SEALWATCH_BUS_PARTITIONS: String(settings.partitions),
    SEALWATCH_BUS_LEASE_TTL_MS: String(settings.leaseTtlMs),
    SEALWATCH_TICK_INTERVAL_MS: String(settings.tickIntervalMs ?? 1_000_000_000),
    SEALWATCH_DATA_DIR: dataDir,
    SEALWATCH_MASTER_KEY: Buffer.alloc(32, 7).toString("base64"),
    DATABASE_URL: settings.dbUrl,
    LOG_LEVEL: process.env.SEALWATCH_TEST_CLUSTER_LOG ?? "warn",
  };
}

/** A child process of the cluster, with what it printed kept for failure messages. */
export class Child {
  readonly output: string[] = [];
  private readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    process.stdout?.on("data", (chunk: Buffer) => this.output.push(chunk.toString("utf8")));
    process.stderr?.on("data", (chunk: Buffer) => this.output.push(chunk.toString("utf8")));
    this.exited = new Promise((resolve) => process.once("exit", (code) => resolve(code)));
  }

  /** Resolves with the first captured group of `pattern` once the child prints a line matching it. */
  async waitFor(pattern: RegExp): Promise<string> {
    for (;;) {
      const match = pattern.exec(this.output.join(""));
      if (match !== null) return match[1] ?? match[0];
      if (this.process.exitCode !== null)
        throw new Error(
          `${this.name} exited (${this.process.exitCode}) before printing ${pattern}:\n${this.text()}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  text(): string {
    return this.output.join("").slice(-4_000);
  }

  /** SIGKILL: no cleanup, no handing back. */
  async kill9(): Promise<void> {
    if (this.process.exitCode === null) this.process.kill("SIGKILL");
    await this.exited;
  }

  async stop(): Promise<number | null> {
    if (this.process.exitCode === null) this.process.kill("SIGTERM");
    return this.exited;
  }
}

export function spawnCli(name: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, [join(repoRoot, "dist", "src", "cli", "main.js"), ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Child(name, child);
}

/** Starts an engine worker and waits until it serves its probes; returns it with its probe port. */
export async function startWorker(
  name: string,
  settings: ClusterSettings,
  dataDir: string,
): Promise<{ child: Child; port: number }> {
  const child = spawnCli(
    name,
    ["engine", "--bus", NATS_URL, "--db", settings.dbUrl, "--port", "0"],
    clusterEnv(settings, dataDir),
  );
  const port = Number(await child.waitFor(/probes: http [^:]+:(\d+)/));
  return { child, port };
}

/** A connection of the test itself to the cluster's bus, to publish and to watch. */
export async function openTestFeed(settings: ClusterSettings): Promise<InputFeed> {
  const bus = await NatsBus.open({
    url: NATS_URL,
    name: "sealwatch-test",
    namespace: settings.namespace,
    partitions: settings.partitions,
    leaseTtlMs: settings.leaseTtlMs,
    retentionMs: 3_600_000,
  });
  const routes = new RouteTable(bus.routes, bus.partitions);
  await routes.follow();
  return new InputFeed(bus, routes);
}

/** Removes the namespace's streams and buckets from NATS. */
export async function dropNamespace(feed: InputFeed): Promise<void> {
  const { jsm, names } = feed.bus;
  feed.routes.stop();
  for (const stream of [
    names.inputStream,
    names.deadLetterStream,
    names.liveStream,
    `KV_${names.leaseBucket}`,
    `KV_${names.routeBucket}`,
  ])
    await jsm.streams.delete(stream).catch(() => false);
  await feed.bus.close();
}

/**
 * Polls `condition` until it holds. The deadline only turns a hang into a failure with the
 * processes' logs (SEALWATCH_TEST_HANG_S, default 240 s); no result depends on it.
 */
export async function until(condition: () => Promise<boolean>, pauseMs = 50): Promise<void> {
  const deadline = Date.now() + Number(process.env.SEALWATCH_TEST_HANG_S ?? 240) * 1000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("the cluster did not settle (hang guard)");
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

export async function fetchText(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}
