/**
 * One device's TCP connection: bytes → framer → frames, admitted one at a time in arrival order by
 * the protocol session (which submits their readings), then acknowledged in that same order, each
 * only once its readings are durable. A frame whose readings could not be stored gets no answer
 * (the device sends it again) and the connection carries on.
 *
 * Bounded memory: at most `maxFramesInFlight` frames may be read but not yet answered; beyond that
 * the socket is paused (TCP flow control pushes back on the device) until half of them are done.
 * The framer holds at most one partial frame (capped by the protocol's maximum frame size), and a
 * partial frame older than `frameTimeoutMs` ends the connection, so a slow-drip sender cannot hold
 * a connection forever. `maxBadFrames` rejected frames end it too. Nothing here can throw into the
 * event loop: every failure is a counted rejection or a close.
 */
import type { Socket } from "node:net";
import type { Framer } from "../../protocols/protocol.js";
import type { CloseReason, GatewayCounters, RejectReason, Transport } from "../counters.js";
import type { GatewayLogger } from "../logger.js";
import type { PendingFrame, ProtocolSession } from "./session.js";

export interface ConnectionLimits {
  readonly maxFramesInFlight: number;
  readonly maxBadFrames: number;
  readonly idleTimeoutMs: number;
  readonly frameTimeoutMs: number;
}

export interface ConnectionContext {
  readonly transport: Transport;
  readonly counters: GatewayCounters;
  readonly logger: GatewayLogger;
  readonly nowMs: () => number;
  readonly limits: ConnectionLimits;
}

/** Answers pile up in the socket when the device does not read them: stop reading past this. */
const MAX_UNSENT_BYTES = 64 * 1024;
/** How long a closing connection may take to send its last answers. */
const CLOSE_GRACE_MS = 2_000;

export class DeviceConnection {
  readonly peer: string;
  private readonly waiting: { frame: Uint8Array; receivedAtMs: number }[] = [];
  private readonly answering: PendingFrame[] = [];
  private inFlight = 0;
  private badFrames = 0;
  private admitting = false;
  private acking = false;
  private paused = false;
  private closing = false;
  private closeReason: CloseReason | undefined;
  private frameTimer: NodeJS.Timeout | undefined;
  private corked = false;
  private readonly whenClosed: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly framer: Framer,
    private readonly session: ProtocolSession,
    private readonly context: ConnectionContext,
  ) {
    this.peer = `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`;
    context.counters.connectionOpened(context.transport);
    socket.setNoDelay(true);
    socket.setTimeout(context.limits.idleTimeoutMs);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("timeout", () => this.close("idle_timeout"));
    socket.on("drain", () => this.updateFlow());
    socket.on("error", (error) => {
      this.closeReason ??= "socket_error";
      context.logger.info(
        { transport: context.transport, peer: this.peer, err: error.message },
        "device socket error",
      );
    });
    this.whenClosed = new Promise((resolve) =>
      socket.once("close", () => {
        this.clearFrameTimer();
        this.closing = true;
        this.waiting.length = 0;
        context.counters.connectionClosed(context.transport, this.closeReason ?? "peer_closed");
        this.session.closed();
        resolve();
      }),
    );
  }

  /** Frames read and not yet answered (or given up). */
  get framesInFlight(): number {
    return this.inFlight;
  }

  /** Resolves when the socket is closed. */
  get closed(): Promise<void> {
    return this.whenClosed;
  }

  /** Sends bytes that are not an answer (a command). False when the connection is closing. */
  send(bytes: Uint8Array): boolean {
    if (this.closing || this.socket.destroyed) return false;
    this.socket.write(bytes);
    return true;
  }

  /**
   * Ends the connection: no more frames are read; answers for frames already durable still go out
   * (for up to two seconds), frames not yet admitted are dropped unanswered (the device resends).
   */
  close(reason: CloseReason): void {
    if (this.closing) return;
    this.closing = true;
    this.closeReason ??= reason;
    this.clearFrameTimer();
    this.waiting.length = 0;
    // Reading on (and ignoring what comes) lets the device's FIN through, so the socket can close.
    if (this.paused) this.socket.resume();
    if (reason === "idle_timeout" || reason === "slow_frame" || reason === "too_many_bad_frames") {
      this.context.logger.warn(
        { transport: this.context.transport, peer: this.peer, device: this.session.deviceId, reason },
        "closing device connection",
      );
    }
    if (this.answering.length === 0) this.endSocket();
    else setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private endSocket(): void {
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    const receivedAtMs = this.context.nowMs();
    const outputs = this.framer.push(chunk);
    let completed = false;
    for (const output of outputs) {
      if (output.kind === "rejected") {
        this.rejected(output.rejection.reason, output.rejection.detail);
        continue;
      }
      completed = true;
      this.context.counters.received(this.context.transport);
      this.waiting.push({ frame: output.frame, receivedAtMs });
      this.inFlight++;
    }
    if (this.closing) return;
    this.watchPartialFrame(completed);
    this.updateFlow();
    void this.admitLoop();
  }

  /** Starts the slow-drip clock when a partial frame is held, restarts it when a frame completed. */
  private watchPartialFrame(completed: boolean): void {
    if (this.framer.buffered === 0) {
      this.clearFrameTimer();
      return;
    }
    if (completed) this.clearFrameTimer();
    if (this.frameTimer !== undefined) return;
    this.frameTimer = setTimeout(() => {
      this.frameTimer = undefined;
      this.context.counters.rejected(this.context.transport, "slow_frame");
      this.close("slow_frame");
    }, this.context.limits.frameTimeoutMs);
    this.frameTimer.unref();
  }

  private clearFrameTimer(): void {
    if (this.frameTimer !== undefined) clearTimeout(this.frameTimer);
    this.frameTimer = undefined;
  }

  private updateFlow(): void {
    if (this.closing) return;
    const max = this.context.limits.maxFramesInFlight;
    const congested = this.inFlight >= max || this.socket.writableLength > MAX_UNSENT_BYTES;
    if (congested && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (
      this.paused &&
      this.inFlight <= Math.floor(max / 2) &&
      this.socket.writableLength <= MAX_UNSENT_BYTES
    ) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private rejected(reason: RejectReason, detail: string): void {
    this.context.counters.rejected(this.context.transport, reason);
    this.context.logger.warn(
      { transport: this.context.transport, peer: this.peer, device: this.session.deviceId, reason, detail },
      "frame rejected",
    );
    if (reason === "store_failed") return;
    if (++this.badFrames >= this.context.limits.maxBadFrames) this.close("too_many_bad_frames");
  }

  /**
   * Writes an answer. Answers released by one group commit are written together (one system call
   * instead of one per frame): the socket is corked until the end of this turn of the event loop.
   */
  private write(bytes: Uint8Array): void {
    if (this.socket.destroyed) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      setImmediate(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(bytes);
  }

  private async admitLoop(): Promise<void> {
    if (this.admitting) return;
    this.admitting = true;
    try {
      while (this.waiting.length > 0 && !this.closing) {
        const { frame, receivedAtMs } = this.waiting.shift()!;
        let pending: PendingFrame;
        try {
          pending = await this.session.admit(frame, receivedAtMs);
        } catch (error) {
          // The registry could not be read: like a failed write, the frame goes unanswered.
          pending = { kind: "rejected", reason: "store_failed", detail: String(error) };
        }
        if (pending.kind === "accepted") pending.durable.catch(() => undefined);
        this.answering.push(pending);
        void this.ackLoop();
      }
    } finally {
      this.admitting = false;
    }
  }

  private async ackLoop(): Promise<void> {
    if (this.acking) return;
    this.acking = true;
    try {
      while (this.answering.length > 0) {
        const pending = this.answering[0]!;
        if (pending.kind === "rejected") {
          if (pending.reply !== undefined) this.write(pending.reply);
          this.rejected(pending.reason, pending.detail);
          if (pending.close !== undefined) this.close(pending.close);
        } else {
          try {
            const plan = await pending.durable;
            if (plan.ack !== undefined) this.write(plan.ack);
            this.context.counters.acknowledged(this.context.transport, plan.readings, plan.duplicates);
          } catch (error) {
            this.rejected("store_failed", `readings not stored, frame not acknowledged: ${String(error)}`);
          }
        }
        this.answering.shift();
        this.inFlight--;
        this.updateFlow();
      }
    } finally {
      this.acking = false;
    }
    if (this.closing && !this.socket.destroyed && this.socket.writable) this.endSocket();
  }
}
