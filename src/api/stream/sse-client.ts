/**
 * One Server-Sent Events client of the live stream. Events the caller may not see are dropped here,
 * server-side. The bus calls `offer` synchronously from the engine's path, so offering never waits:
 * events queue in a bounded map that `flush` writes while the socket accepts. A slow client's queued
 * readings are coalesced (only the latest per device is kept, moved to the back so that cursors stay
 * in order); when the queue still outgrows its bound the client is cut off, and reconnects with its
 * last cursor to resume from the bus's buffer.
 *
 * The stream outlives the request that opened it, so the credential is checked again before each
 * batch of events is written and on a timer: after a logout, the user's disabling, the key's
 * revocation, the session's expiry or a change of the caller's scope, the stream sends a last
 * `end` event saying why and closes.
 */
import type { ServerResponse } from "node:http";
import type { LiveBus, LiveEvent } from "../../bus/live-events.js";
import { CREDENTIAL_END_MESSAGES, type CredentialEnd } from "../auth/authenticator.js";
import { eventVisible, type Principal } from "../auth/policy.js";
import { NON_HTML_CSP, securityHeaders } from "../http/security-headers.js";
import type { Scope } from "../scope.js";
import { liveEventView, type AckTargets } from "../views.js";

export interface SseClientOptions {
  readonly maxPending: number;
  readonly heartbeatMs: number;
  readonly targets: AckTargets;
  /** The caller's visibility of references (devices preloaded). */
  readonly scope: Scope;
  /** The opaque token the caller sees for a bus position (src/api/stream/cursor.ts). */
  readonly cursorToken: (cursor: number) => string;
  /** Why the caller's credential no longer holds, or undefined while it does. */
  readonly credentialEnded: () => Promise<CredentialEnd | undefined>;
  /** Milliseconds between checks of the credential while no event comes. */
  readonly recheckMs: number;
  readonly onDropped: (reason: "coalesced" | "cut_off", count: number) => void;
  readonly onClosed: (client: SseClient) => void;
}

export class SseClient {
  private readonly pending = new Map<string | number, LiveEvent>();
  private waitingForDrain = false;
  private closed = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private recheck: NodeJS.Timeout | undefined;
  /** A check of the credential is running; events queue until it answers. */
  private checking = false;
  /** Events arrived during the running check: another check follows before they are written. */
  private arrivedWhileChecking = false;
  private unsubscribe: (() => void) | undefined;
  private readonly forTrader: boolean;

  constructor(
    private readonly response: ServerResponse,
    private readonly principal: Principal,
    private readonly options: SseClientOptions,
  ) {
    this.forTrader = principal.role === "trader";
  }

  /** Sends the headers, replays what follows `afterCursor`, then follows the bus. */
  start(bus: LiveBus, afterCursor: number | undefined): void {
    this.response.writeHead(200, {
      ...securityHeaders(),
      "content-security-policy": NON_HTML_CSP,
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      // Reverse proxies (nginx) must not buffer the stream.
      "x-accel-buffering": "no",
    });
    this.response.on("close", () => this.close());
    this.response.on("drain", () => {
      this.waitingForDrain = false;
      if (this.pending.size === 0) return;
      if (this.checking) this.arrivedWhileChecking = true;
      else void this.checkThen(() => this.flush());
    });
    const replayed: LiveEvent[] = [];
    let replaying = true;
    const subscription = bus.subscribe(afterCursor, (event) => {
      if (replaying) replayed.push(event);
      else this.offer(event);
    });
    replaying = false;
    this.unsubscribe = subscription.unsubscribe;
    this.write(`retry: 3000\n\n`);
    if (!subscription.resumed) {
      // Events after the cursor left the buffer: the client reloads its state, then follows on.
      const after = afterCursor === undefined ? {} : { after: this.options.cursorToken(afterCursor) };
      this.write(
        `event: reset\ndata: ${JSON.stringify({ ...after, lastCursor: this.options.cursorToken(bus.lastCursor), reason: "the cursor is older than the stream's buffer; reload the state" })}\n\n`,
      );
    }
    this.write(
      `event: ready\ndata: ${JSON.stringify({ lastCursor: this.options.cursorToken(bus.lastCursor), resumed: subscription.resumed })}\n\n`,
    );
    for (const event of replayed) this.offer(event);
    this.heartbeat = setInterval(() => {
      if (!this.waitingForDrain) this.write(`: heartbeat ${new Date().toISOString()}\n\n`);
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
    this.recheck = setInterval(() => {
      if (!this.checking) void this.checkThen(() => this.options.scope.preloadDevices());
    }, this.options.recheckMs);
    this.recheck.unref();
  }

  /**
   * Checks the credential, then runs `next` if it still holds, or ends the stream with the reason.
   * A failure of the check itself (the store unavailable) ends nothing: the next check decides.
   */
  private async checkThen(next: () => unknown): Promise<void> {
    this.checking = true;
    try {
      const ended = await this.options.credentialEnded();
      if (ended !== undefined) return this.end(ended);
    } catch {
      // Checked again with the next batch or tick.
    } finally {
      this.checking = false;
    }
    if (this.closed) return;
    await next();
    if (this.arrivedWhileChecking) {
      this.arrivedWhileChecking = false;
      void this.checkThen(() => this.flush());
    }
  }

  /** The credential is gone: a last event that says why, then the end of the stream. */
  private end(reason: CredentialEnd): void {
    if (this.closed) return;
    this.pending.clear();
    this.write(
      `event: end\ndata: ${JSON.stringify({ reason, message: `the stream ended: ${CREDENTIAL_END_MESSAGES[reason]}` })}\n\n`,
    );
    this.close();
  }

  /** Queues an event if the caller may see it; never blocks. */
  offer(event: LiveEvent): void {
    if (this.closed || !eventVisible(this.principal, event)) return;
    // Only a client the socket holds back has its readings coalesced; one merely waiting for the
    // credential check of its batch gets every event.
    if (event.kind === "reading" && this.waitingForDrain) {
      const key = `r:${event.reading.deviceId}`;
      if (this.pending.delete(key)) this.options.onDropped("coalesced", 1);
      this.pending.set(key, event);
    } else {
      this.pending.set(event.cursor, event);
    }
    if (this.pending.size > this.options.maxPending) {
      this.options.onDropped("cut_off", this.pending.size);
      this.close(true);
      return;
    }
    // A batch is written only after the credential was checked for it.
    if (this.checking) this.arrivedWhileChecking = true;
    else void this.checkThen(() => this.flush());
  }

  private flush(): void {
    while (!this.closed && !this.waitingForDrain && this.pending.size > 0) {
      const [key, event] = this.pending.entries().next().value as [string | number, LiveEvent];
      this.pending.delete(key);
      const cursor = this.options.cursorToken(event.cursor);
      const view = this.options.scope.redactKnown(
        liveEventView(event, this.options.targets, this.forTrader, cursor),
      );
      this.write(`id: ${cursor}\nevent: ${event.kind}\ndata: ${JSON.stringify(view)}\n\n`);
    }
  }

  private write(text: string): void {
    if (this.closed) return;
    if (!this.response.write(text)) this.waitingForDrain = true;
  }

  /** Ends the stream (at shutdown, or `cutOff` for a client that fell too far behind). */
  close(cutOff = false): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.clear();
    this.unsubscribe?.();
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    if (this.recheck !== undefined) clearInterval(this.recheck);
    if (cutOff) this.response.destroy();
    else this.response.end();
    this.options.onClosed(this);
  }
}
