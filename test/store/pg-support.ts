/**
 * PostgreSQL for the tests: the machine's server at 127.0.0.1:5432 (trust auth, user postgres),
 * a throwaway database per run, and a TCP proxy that can cut and restore the connections of one
 * store without disturbing anyone else's.
 */
import { randomBytes } from "node:crypto";
import { createServer, connect, type Server, type Socket } from "node:net";
import pg from "pg";

/** The maintenance database used to create and drop the throwaway ones. */
export const ADMIN_URL =
  process.env.SEALWATCH_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** Whether PostgreSQL answers, and why not. */
export async function probePostgres(): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates `sealwatch_test_<pid>_<random>` and returns its name and URL (same server, user, port). */
export async function createThrowawayDatabase(
  prefix = "sealwatch_test",
): Promise<{ name: string; url: string; host: string; port: number }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), host: url.hostname, port: Number(url.port || 5432) };
}

export async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** A TCP proxy in front of PostgreSQL whose connections can be cut (an outage) and restored. */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private up = true;

  private server: Server | undefined;
  private port_ = 0;

  get port(): number {
    return this.port_;
  }

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy();
    const server = createServer((client) => proxy.accept(client, targetHost, targetPort));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("the proxy has no port");
    proxy.server = server;
    proxy.port_ = address.port;
    return proxy;
  }

  private accept(client: Socket, targetHost: string, targetPort: number): void {
    if (!this.up) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** The database "goes down": open connections are reset and new ones refused. */
  cut(): void {
    this.up = false;
    for (const socket of this.sockets) socket.destroy();
  }

  /** The database "comes back". */
  restore(): void {
    this.up = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) =>
      this.server === undefined ? resolve() : this.server.close(() => resolve()),
    );
  }
}
