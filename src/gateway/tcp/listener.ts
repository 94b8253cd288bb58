/**
 * A TCP listener for one device protocol: a framer and a protocol session per connection, the
 * connection pipeline (connection.ts) around them. Port 0 picks a free port; `port` reports the one
 * bound. Connections beyond `maxConnections` are refused by the kernel backlog, not accepted.
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
    const server = createServer({ noDelay: true }, (socket: Socket) => {
      const peer = `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`;
      // The session needs the channel before the connection exists: the channel finds it late.
      const holder: { connection?: DeviceConnection } = {};
      const channel: CommandChannel = { peer, send: (bytes) => holder.connection?.send(bytes) ?? false };
      const connection = new DeviceConnection(
        socket,
        options.createFramer(),
        options.createSession(channel, peer),
        options,
      );
      holder.connection = connection;
      connections.add(connection);
      void connection.closed.then(() => connections.delete(connection));
    });
    server.maxConnections = options.maxConnections;
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
