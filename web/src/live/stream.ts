/**
 * The live stream (Server-Sent Events at /api/v1/stream), resumable: the first connection starts
 * after the snapshot's cursor, every reconnection after the last event seen (EventSource sends it
 * as Last-Event-ID; a stream we reopen ourselves passes it as ?after=). A `reset` event means the
 * server no longer holds the events we missed: the owner reloads its snapshot. Cursors are opaque
 * tokens (they tell nothing of the server's sequence): the server resumes exactly after the one we
 * pass, so nothing is compared here.
 */
import type { Alarm, LiveReading, Trip } from "../api/types.js";

export type LiveEvent =
  | { readonly kind: "reading"; readonly cursor?: string; readonly reading: LiveReading }
  | { readonly kind: "alarm"; readonly cursor?: string; readonly change: string; readonly alarm: Alarm }
  | { readonly kind: "trip"; readonly cursor?: string; readonly trip: Trip };

export type StreamStatus = "connecting" | "live" | "reconnecting" | "closed";

export interface StreamHandlers {
  readonly onEvent: (event: LiveEvent) => void;
  readonly onReset: () => void;
  readonly onStatus: (status: StreamStatus) => void;
  /** The server ended the stream because the credential no longer holds (`end` event). */
  readonly onEnded: (reason: string) => void;
}

export class LiveStream {
  private source: EventSource | undefined;
  private cursor: string | undefined;
  private closed = false;
  private retryTimer: number | undefined;

  constructor(
    private readonly token: () => string | undefined,
    private readonly handlers: StreamHandlers,
  ) {}

  /** Opens the stream after `cursor` (the snapshot's). */
  start(cursor: string | undefined): void {
    this.cursor = cursor;
    this.open();
  }

  get lastCursor(): string | undefined {
    return this.cursor;
  }

  private open(): void {
    if (this.closed) return;
    const token = this.token();
    if (token === undefined) return;
    const params = new URLSearchParams({ access_token: token });
    if (this.cursor !== undefined) params.set("after", this.cursor);
    const source = new EventSource(`/api/v1/stream?${params.toString()}`);
    this.source = source;
    this.handlers.onStatus("connecting");
    source.addEventListener("ready", () => this.handlers.onStatus("live"));
    source.addEventListener("reset", () => this.handlers.onReset());
    source.addEventListener("end", (message: MessageEvent<string>) => {
      // Not reconnected: the credential is gone (logged out, expired, disabled, revoked) or the
      // caller's scope changed; the owner decides (log in again, or reopen with the new scope).
      source.close();
      if (this.source === source) this.source = undefined;
      const { reason } = JSON.parse(message.data) as { reason: string };
      if (reason === "access_changed") {
        this.handlers.onStatus("reconnecting");
        this.retryTimer = window.setTimeout(() => this.open(), 1000);
      } else {
        this.handlers.onStatus("closed");
        this.handlers.onEnded(reason);
      }
    });
    for (const kind of ["reading", "alarm", "trip"] as const) {
      source.addEventListener(kind, (message: MessageEvent<string>) => {
        if (message.lastEventId !== "") this.cursor = message.lastEventId;
        const data = JSON.parse(message.data) as Record<string, unknown>;
        this.handlers.onEvent({ ...data, kind } as LiveEvent);
      });
    }
    source.onerror = () => {
      if (this.closed) return;
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (an error status, e.g. an expired session): reopen later ourselves.
        this.handlers.onStatus("reconnecting");
        this.source = undefined;
        this.retryTimer = window.setTimeout(() => this.open(), 3000);
      } else {
        this.handlers.onStatus("reconnecting");
      }
    };
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer !== undefined) window.clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = undefined;
    this.handlers.onStatus("closed");
  }
}
