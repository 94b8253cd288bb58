/**
 * One device's TCP connection: bytes → framer → frames, admitted one at a time in arrival order by
 * the protocol session (which submits their readings), then acknowledged in that same order, each
 * only once its readings are durable.
 *
 * An answer always answers one frame. Teltonika's record count and the JT701's `(P35)` do not say
 * which frame they answer, so when a frame goes unanswered (its readings could not be stored, or it
 * was refused without a reply) while later frames are already read, the connection is closed and
 * those frames go unanswered too: the device sends them all again, and what was stored meanwhile is
 * stored once. A frame unanswered with nothing behind it leaves the connection open (the device
 * times out and resends it).
 *
 * Bounded work, so that one connection cannot stall the others (one 64 KiB read of one-byte pings
 * is 65,536 frames): bytes are framed a slice at a time, one slice per turn of the event loop, and
 * only while fewer than `maxFramesInFlight` frames wait; frames are admitted a few per turn; and
 * each connection has a frame and byte budget (budget.ts). A connection that has spent its budget is
 * not read (TCP flow control pushes back on the device); one that stays over it for
 * `overBudgetCloseMs` is closed.
 *
 * Bounded memory: the socket is paused while read bytes wait to be framed, while `maxFramesInFlight`
 * frames wait, or while answers pile up unsent. The framer holds at most one partial frame (capped
 * by the protocol's maximum frame size), and a partial frame older than `frameTimeoutMs` ends the
 * connection, so a slow-drip sender cannot hold a connection forever; so does a connection that
 * has not logged in (no frame naming a known device) within `loginTimeoutMs`. `maxBadFrames`
 * rejected frames end it too. Rejections are counted exactly and reported through the rejection
 * log (rate-limited lines, frames kept for forensics). Nothing here can throw into the event loop:
 * every failure is a counted rejection or a close.
 */
import type { Socket } from "node:net";
import type { Framer } from "../../protocols/protocol.js";
import type { CloseReason, GatewayCounters, RejectReason, Transport } from "../counters.js";
import type { GatewayLogger } from "../logger.js";
import type { RejectionLog } from "../rejection-log.js";
import { WorkBudget, type BudgetLimits } from "./budget.js";
import type { PendingFrame, ProtocolSession } from "./session.js";

export interface ConnectionLimits {
  readonly maxFramesInFlight: number;
  readonly maxBadFrames: number;
  readonly idleTimeoutMs: number;
  readonly frameTimeoutMs: number;
  /** A connection that has not named a known device by then is closed. */
  readonly loginTimeoutMs: number;
  readonly budget: BudgetLimits;
  /** A connection held back by its budget this long without a break is closed. */
  readonly overBudgetCloseMs: number;
}

export interface ConnectionContext {
  readonly transport: Transport;
  readonly counters: GatewayCounters;
  readonly logger: GatewayLogger;
  readonly nowMs: () => number;
  readonly limits: ConnectionLimits;
  readonly rejections: RejectionLog;
}

/** Told when the connection logs in (first frame naming a known device). */
export interface ConnectionEvents {
  loggedIn?(): void;
}

/** Answers pile up in the socket when the device does not read them: stop reading past this. */
const MAX_UNSENT_BYTES = 64 * 1024;
/** How long a closing connection may take to send its last answers. */
const CLOSE_GRACE_MS = 2_000;
/** Bytes framed per turn of the event loop. */
const SLICE_BYTES = 4 * 1024;
/** Frames admitted per turn of the event loop. */
const FRAMES_PER_TURN = 32;

interface Waiting {
  readonly frame: Uint8Array;
  readonly receivedAtMs: number;
}

interface Answering {
  readonly pending: PendingFrame;
  readonly frame: Uint8Array;
}

export class DeviceConnection {
  readonly peer: string;
  /** Bytes read and not yet framed, with their arrival times. */
  private readonly input: { bytes: Uint8Array; receivedAtMs: number }[] = [];
  private inputBytes = 0;
  private readonly waiting: Waiting[] = [];
  private readonly answering: Answering[] = [];
  private inFlight = 0;
  private badFrames = 0;
  private admitting = false;
  private acking = false;
  private paused = false;
  private closing = false;
  /** A frame went unanswered while later frames were read: answers must name their frame. */
  private answerOwed = false;
  /** An answer could have been taken for a missing one: no more answers on this connection. */
  private answersStopped = false;
  private loggedIn = false;
  private closeReason: CloseReason | undefined;
  private frameTimer: NodeJS.Timeout | undefined;
  private loginTimer: NodeJS.Timeout | undefined;
  private pumpTimer: NodeJS.Timeout | undefined;
  private pumpScheduled = false;
  private corked = false;
  private readonly budget: WorkBudget;
  private readonly whenClosed: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly framer: Framer,
    private readonly session: ProtocolSession,
    private readonly context: ConnectionContext,
    private readonly events: ConnectionEvents = {},
  ) {
    this.peer = `${socket.remoteAddress ?? "?"}:${socket.remotePort ?? "?"}`;
    this.budget = new WorkBudget(context.limits.budget, context.nowMs());
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
    this.loginTimer = setTimeout(() => {
      this.loginTimer = undefined;
      if (!this.loggedIn) this.close("login_timeout");
    }, context.limits.loginTimeoutMs);
    this.loginTimer.unref();
    this.whenClosed = new Promise((resolve) =>
      socket.once("close", () => {
        this.clearTimers();
        this.closing = true;
        this.dropUnread();
        context.counters.connectionClosed(context.transport, this.closeReason ?? "peer_closed");
        context.rejections.peerGone(context.transport, this.peer);
        this.session.closed();
        resolve();
      }),
    );
  }

  /** Frames read and not yet answered (or given up). */
  get framesInFlight(): number {
    return this.inFlight;
  }

  /** Whether a frame has named a known device on this connection. */
  get isLoggedIn(): boolean {
    return this.loggedIn;
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
   * `abrupt`: drop the socket at once (a connection evicted to make room).
   */
  close(reason: CloseReason, abrupt = false): void {
    if (this.closing) return;
    this.closing = true;
    this.closeReason ??= reason;
    this.clearTimers();
    this.dropUnread();
    if (abrupt) {
      this.socket.destroy();
      return;
    }
    // Reading on (and ignoring what comes) lets the device's FIN through, so the socket can close.
    if (this.paused) this.socket.resume();
    if (reason !== "shutdown" && reason !== "peer_closed") {
      this.context.logger.warn(
        { transport: this.context.transport, peer: this.peer, device: this.session.deviceId, reason },
        "closing device connection",
      );
    }
    if (this.answering.length === 0) this.endSocket();
    else setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private dropUnread(): void {
    this.inFlight -= this.waiting.length;
    this.waiting.length = 0;
    this.input.length = 0;
    this.inputBytes = 0;
  }

  private clearTimers(): void {
    this.clearFrameTimer();
    if (this.loginTimer !== undefined) clearTimeout(this.loginTimer);
    if (this.pumpTimer !== undefined) clearTimeout(this.pumpTimer);
    this.loginTimer = undefined;
    this.pumpTimer = undefined;
  }

  private endSocket(): void {
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    this.input.push({ bytes: chunk, receivedAtMs: this.context.nowMs() });
    this.inputBytes += chunk.length;
    this.updateFlow();
    this.schedulePump();
  }

  /** Frames the next slice of read bytes on a later turn of the event loop (once). */
  private schedulePump(): void {
    if (this.pumpScheduled || this.pumpTimer !== undefined || this.closing) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Frames one slice of the bytes read, if the budget and the frames in flight allow. */
  private pump(): void {
    if (this.closing || this.inputBytes === 0) return;
    if (this.waiting.length > 0 || this.inFlight >= this.context.limits.maxFramesInFlight) return;
    const nowMs = this.context.nowMs();
    if (!this.budget.available(nowMs)) {
      const since = this.budget.overBudgetSinceMs ?? nowMs;
      if (nowMs - since >= this.context.limits.overBudgetCloseMs) {
        this.close("over_budget");
        return;
      }
      this.pumpTimer = setTimeout(() => {
        this.pumpTimer = undefined;
        this.pump();
      }, this.budget.waitMs());
      this.pumpTimer.unref();
      return;
    }
    const head = this.input[0]!;
    const slice = head.bytes.subarray(0, SLICE_BYTES);
    if (slice.length === head.bytes.length) this.input.shift();
    else head.bytes = head.bytes.subarray(slice.length);
    this.inputBytes -= slice.length;
    const outputs = this.framer.push(slice);
    let frames = 0;
    for (const output of outputs) {
      if (output.kind === "rejected") {
        this.rejected(output.rejection.reason, output.rejection.detail, output.bytes);
        continue;
      }
      frames++;
      this.context.counters.received(this.context.transport);
      this.waiting.push({ frame: output.frame, receivedAtMs: head.receivedAtMs });
      this.inFlight++;
    }
    this.budget.spend(frames, slice.length);
    if (this.inputBytes === 0) this.budget.caughtUp();
    if (this.closing) return;
    this.watchPartialFrame(frames > 0);
    this.updateFlow();
    void this.admitLoop();
    this.schedulePump();
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

  /** Pauses the socket while read bytes or frames wait or answers pile up; resumes when they are done. */
  private updateFlow(): void {
    if (this.closing) return;
    const max = this.context.limits.maxFramesInFlight;
    const congested =
      this.inputBytes > 0 || this.inFlight >= max || this.socket.writableLength > MAX_UNSENT_BYTES;
    if (congested && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (
      this.paused &&
      this.inputBytes === 0 &&
      this.inFlight <= Math.floor(max / 2) &&
      this.socket.writableLength <= MAX_UNSENT_BYTES
    ) {
      this.paused = false;
      this.socket.resume();
    }
  }

  private rejected(reason: RejectReason, detail: string, frame?: Uint8Array): void {
    this.context.counters.rejected(this.context.transport, reason);
    this.context.rejections.report({
      transport: this.context.transport,
      peer: this.peer,
      device: this.session.deviceId,
      reason,
      detail,
      ...(frame === undefined ? {} : { frame }),
    });
    if (reason === "store_failed") return;
    if (++this.badFrames >= this.context.limits.maxBadFrames) this.close("too_many_bad_frames");
  }

  /**
   * Writes an answer. Answers released by one group commit are written together (one system call
   * instead of one per frame): the socket is corked until the end of this turn of the event loop.
   */
  private write(bytes: Uint8Array): void {
    if (this.socket.destroyed || this.answersStopped) return;
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
      let admitted = 0;
      while (this.waiting.length > 0 && !this.closing) {
        if (++admitted > FRAMES_PER_TURN) {
          // Let other connections (and the metrics endpoint) have the event loop.
          admitted = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        const { frame, receivedAtMs } = this.waiting.shift()!;
        let pending: PendingFrame;
        try {
          pending = await this.session.admit(frame, receivedAtMs);
        } catch (error) {
          // The registry could not be read: like a failed write, the frame goes unanswered.
          pending = { kind: "rejected", reason: "store_failed", detail: String(error) };
        }
        if (pending.kind === "accepted") pending.durable.catch(() => undefined);
        if (!this.loggedIn && this.session.deviceId !== undefined && pending.kind === "accepted") {
          this.loggedIn = true;
          if (this.loginTimer !== undefined) clearTimeout(this.loginTimer);
          this.loginTimer = undefined;
          this.events.loggedIn?.();
        }
        this.answering.push({ pending, frame });
        void this.ackLoop();
      }
    } finally {
      this.admitting = false;
    }
    this.schedulePump();
  }

  /** Whether frames were read after the one being answered. */
  private framesBehind(): boolean {
    return (
      this.answering.length > 1 || this.waiting.length > 0 || this.inputBytes > 0 || this.framer.buffered > 0
    );
  }

  /**
   * A frame ended without its answer. With frames behind it, an answer that does not name its frame
   * could be taken for the missing one: until those frames are done, such answers are not sent
   * (see `answer`).
   */
  private unanswered(): void {
    if (this.framesBehind()) this.answerOwed = true;
  }

  /**
   * Sends a frame's answer, unless an earlier frame's answer is owed and this one does not name its
   * frame: then no more answers go out on this connection, which is closed (the device resends).
   */
  private answer(bytes: Uint8Array, namesFrame: boolean): boolean {
    if (this.answersStopped) return false;
    if (this.answerOwed && !namesFrame) {
      this.answersStopped = true;
      this.close("unanswered_frame");
      return false;
    }
    this.write(bytes);
    return true;
  }

  private async ackLoop(): Promise<void> {
    if (this.acking) return;
    this.acking = true;
    try {
      while (this.answering.length > 0) {
        const { pending, frame } = this.answering[0]!;
        if (this.answersStopped) {
          // Behind an unanswered frame: the device sends it again.
        } else if (pending.kind === "rejected") {
          if (pending.reply === undefined) this.unanswered();
          else this.answer(pending.reply, false);
          this.rejected(pending.reason, pending.detail, frame);
          if (pending.close !== undefined) this.close(pending.close);
        } else {
          try {
            const plan = await pending.durable;
            if (plan.ack === undefined || this.answer(plan.ack, pending.answerNamesFrame === true))
              this.context.counters.acknowledged(this.context.transport, plan.readings, plan.duplicates);
          } catch (error) {
            this.rejected(
              "store_failed",
              `readings not stored, frame not acknowledged: ${String(error)}`,
              frame,
            );
            this.unanswered();
          }
        }
        this.answering.shift();
        this.inFlight--;
        if (this.answering.length === 0 && !this.framesBehind()) this.answerOwed = false;
        this.updateFlow();
      }
    } finally {
      this.acking = false;
    }
    this.schedulePump();
    if (this.closing && !this.socket.destroyed && this.socket.writable) this.endSocket();
  }
}
