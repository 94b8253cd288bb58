/**
 * A TCP listener for one device protocol: a framer and a protocol session per connection, the
 * connection pipeline (connection.ts) around them. Port 0 picks a free port; `port` reports the one
 * bound.
 *
 * Idle sockets cannot lock devices out. A connection that has not logged in is closed after the
 * login timeout (connection.ts); one address may hold at most `maxPreLoginPerAddress` connections
 * that have not logged in (more are closed at once); and when `maxConnections` are open, a new
 * connection takes the place of the oldest one that has not logged in, and is refused only when
 * every open connection belongs to a device. Logged-in connections are not limited per address:
 * trackers on a mobile network often share one public address.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { Framer } from "../../protocols/protocol.js";
import type { CommandChannel } from "../commands/device-commands.js";
import { DeviceConnection, type ConnectionContext } from "./connection.js";
import type { ProtocolSession } from "./session.js";

export interface ListenerOptions extends ConnectionContext {
  readonly host: string;
  readonly port: number;
  readonly maxConnections: number;
  /** Connections not yet logged in from one address, at most. */
  readonly maxPreLoginPerAddress: number;
  readonly createFramer: () => Framer;
  /** A session for a new connection; `channel` sends on it (commands), `peer` names it. */
  readonly createSession: (channel: CommandChannel, peer: string) => ProtocolSession;
}

export class DeviceListener {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly connections: Set<DeviceConnection>,
  ) {}

  static async start(options: ListenerOptions): Promise<DeviceListener> {
    const connections = new Set<DeviceConnection>();
    /** Connections not logged in yet, oldest first, and per address. */
    const preLogin = new Set<DeviceConnection>();
    const preLoginByAddress = new Map<string, Set<DeviceConnection>>();
    const loggedIn = (connection: DeviceConnection, address: string): void => {
      preLogin.delete(connection);
      const mine = preLoginByAddress.get(address);
      mine?.delete(connection);
      if (mine?.size === 0) preLoginByAddress.delete(address);
    };
    const server = createServer({ noDelay: true }, (socket: Socket) => {
      const address = socket.remoteAddress ?? "?";
      const peer = `${address}:${socket.remotePort ?? "?"}`;
      // The session needs the channel before the connection exists: the channel finds it late.
      const holder: { connection?: DeviceConnection } = {};
      const channel: CommandChannel = { peer, send: (bytes) => holder.connection?.send(bytes) ?? false };
      const connection = new DeviceConnection(
        socket,
        options.createFramer(),
        options.createSession(channel, peer),
        options,
        { loggedIn: () => loggedIn(connection, address) },
      );
      holder.connection = connection;
      void connection.closed.then(() => {
        connections.delete(connection);
        loggedIn(connection, address);
      });
      const fromAddress = preLoginByAddress.get(address) ?? new Set<DeviceConnection>();
      if (fromAddress.size >= options.maxPreLoginPerAddress) {
        connection.close("too_many_connections", true);
        return;
      }
      if (connections.size >= options.maxConnections) {
        const oldest = preLogin.values().next().value;
        if (oldest === undefined) {
          connection.close("too_many_connections", true);
          return;
        }
        oldest.close("too_many_connections", true);
      }
      connections.add(connection);
      preLogin.add(connection);
      fromAddress.add(connection);
      preLoginByAddress.set(address, fromAddress);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (error) =>
      options.logger.error({ transport: options.transport, err: error.message }, "listener error"),
    );
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : options.port;
    return new DeviceListener(server, port, connections);
  }

  /** Frames read on every connection and not yet answered. */
  inFlight(): number {
    let frames = 0;
    for (const connection of this.connections) frames += connection.framesInFlight;
    return frames;
  }

  /** Connections open now. */
  get size(): number {
    return this.connections.size;
  }

  /** Stops accepting, lets each connection send its last answers, then closes them. */
  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const all = [...this.connections];
    for (const connection of all) connection.close("shutdown");
    await Promise.all(all.map((c) => c.closed));
    await closed;
  }
}
