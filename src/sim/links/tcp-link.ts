/**
 * The TCP plumbing both binary device protocols share: one connection per device, opened on
 * demand, answers read back in order, and everything reset when the connection drops (the device
 * then reconnects and sends its unacknowledged readings again).
 */
import { connect, type Socket } from "node:net";
import { LinkError } from "./link.js";

export interface TcpEndpoint {
  readonly host: string;
  readonly port: number;
}

/** A device's TCP connection with a parser that turns received bytes into answers. */
export class TcpChannel<Answer> {
  private socket: Socket | undefined;
  private connecting: Promise<Socket> | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiting: { resolve: (answer: Answer) => void; reject: (error: Error) => void }[] = [];
  private readonly answers: Answer[] = [];
  private closed = false;

  constructor(
    private readonly endpoint: TcpEndpoint,
    /** Takes whole answers off the front of the buffer; returns them and the bytes consumed. */
    private readonly parse: (buffer: Buffer) => { answers: Answer[]; consumed: number },
    /** Called on every new connection before anything else is sent (a login). */
    private readonly onConnect?: (channel: TcpChannel<Answer>) => Promise<void>,
  ) {}

  /** Writes bytes (connecting first when needed). */
  async write(bytes: Uint8Array): Promise<void> {
    const socket = await this.connection();
    await new Promise<void>((resolve, reject) =>
      socket.write(bytes, (error) => (error === undefined || error === null ? resolve() : reject(error))),
    );
  }

  /** The next answer from the gateway. */
  next(): Promise<Answer> {
    const ready = this.answers.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise<Answer>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Drops the connection (after a timeout: the answers can no longer be matched). */
  reset(reason: string): void {
    const socket = this.socket;
    this.socket = undefined;
    this.connecting = undefined;
    this.buffer = Buffer.alloc(0);
    this.answers.length = 0;
    for (const waiter of this.waiting.splice(0)) waiter.reject(new LinkError(reason));
    socket?.destroy();
  }

  close(): void {
    this.closed = true;
    this.reset("closed");
  }

  private connection(): Promise<Socket> {
    if (this.closed) return Promise.reject(new LinkError("the link is closed"));
    // While a connection is being opened (and logged in), writers wait for it.
    if (this.connecting !== undefined) return this.connecting;
    if (this.socket !== undefined) return Promise.resolve(this.socket);
    this.connecting = this.open().then(
      (socket) => {
        this.connecting = undefined;
        return socket;
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  private async open(): Promise<Socket> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host: this.endpoint.host, port: this.endpoint.port, noDelay: true });
      s.once("connect", () => {
        s.off("error", reject);
        resolve(s);
      });
      s.once("error", reject);
    });
    socket.on("data", (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      const { answers, consumed } = this.parse(this.buffer);
      this.buffer = this.buffer.subarray(consumed);
      for (const answer of answers) {
        const waiter = this.waiting.shift();
        if (waiter !== undefined) waiter.resolve(answer);
        else this.answers.push(answer);
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      if (this.socket === socket) this.reset("the gateway closed the connection");
    });
    this.socket = socket;
    if (this.onConnect !== undefined) {
      try {
        await this.onConnect(this);
      } catch (error) {
        this.reset("login failed");
        throw error;
      }
    }
    return socket;
  }

  /** Writes on the socket being opened (for `onConnect`), bypassing the connection wait. */
  async writeRaw(bytes: Uint8Array): Promise<void> {
    const socket = this.socket;
    if (socket === undefined) throw new LinkError("not connected");
    await new Promise<void>((resolve, reject) =>
      socket.write(bytes, (error) => (error === undefined || error === null ? resolve() : reject(error))),
    );
  }
}
