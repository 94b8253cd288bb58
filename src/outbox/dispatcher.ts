/**
 * The outbox dispatcher: takes due messages from the store's outbox and hands each to the handler of
 * its kind (a webhook POST, a partner message, an e-mail), then records the outcome. It runs beside
 * ingestion and the engine and never holds them up: at most `concurrency` deliveries at a time, each
 * aborted after `attemptTimeoutMs`, store failures logged and retried later. What a handler does not
 * confirm is tried again (at least once): receivers deduplicate by the message id.
 *
 * Use: `new OutboxDispatcher(store.outbox, { webhook: handler }, options).start()`; call `nudge()`
 * after an enqueue so the message leaves at once instead of at the next poll; `stop()` at shutdown.
 */
import type { OutboxMessage, OutboxStore } from "../store/outbox-ports.js";
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from "./backoff.js";

/** What one delivery attempt came to, as the handler sees it. */
export type HandlerResult =
  | { readonly ok: true; readonly statusCode?: number }
  | {
      readonly ok: false;
      readonly error: string;
      readonly statusCode?: number;
      /** No point trying again (the destination is gone): the message becomes dead at once. */
      readonly permanent?: boolean;
      /** The receiver asked for a pause (HTTP Retry-After). */
      readonly retryAfterMs?: number;
    };

export interface DeliveryHandler {
  /** How long one attempt of this kind may take (default: the dispatcher's `attemptTimeoutMs`). */
  readonly attemptTimeoutMs?: number;
  /** Delivers one message. Must stop when `signal` aborts (the attempt timed out, or shutdown). */
  deliver(message: OutboxMessage, signal: AbortSignal): Promise<HandlerResult>;
}

export interface DispatcherLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface DispatcherOptions {
  /** Deliveries in flight at most (default 4). */
  readonly concurrency?: number;
  /** One attempt is aborted after this long (default 10 s). */
  readonly attemptTimeoutMs?: number;
  /** Look for due messages this often when not nudged (default 1 s). */
  readonly pollIntervalMs?: number;
  readonly retry?: RetryPolicy;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly logger?: DispatcherLogger;
}

export interface DispatcherStats {
  delivered: number;
  failed: number;
  dead: number;
}

const quiet: DispatcherLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export class OutboxDispatcher {
  readonly stats: DispatcherStats = { delivered: 0, failed: 0, dead: 0 };
  private readonly concurrency: number;
  private readonly attemptTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly retry: RetryPolicy;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly logger: DispatcherLogger;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private running = false;
  private wake: (() => void) | undefined;
  private nudged = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly outbox: OutboxStore,
    private readonly handlers: Readonly<Record<string, DeliveryHandler>>,
    options: DispatcherOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 10_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? quiet;
  }

  /** Deliveries in flight now. */
  get busy(): number {
    return this.inFlight.size;
  }

  /** Starts the background loop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Look for due messages now (something was just enqueued). */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Stops taking messages, aborts the attempts in flight (they are tried again later) and waits for them. */
  async stop(): Promise<void> {
    this.running = false;
    this.shutdown.abort();
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * One round: claims what is due (as many as free slots allow) and starts delivering it. Resolves
   * with the number started. The loop calls it; tests may call it directly instead of `start`.
   */
  async dispatchDue(): Promise<number> {
    const free = this.concurrency - this.inFlight.size;
    if (free <= 0) return 0;
    const kinds = Object.keys(this.handlers);
    if (kinds.length === 0) return 0;
    const nowMs = this.now();
    // The lease outlives the attempt's timeout: no other dispatcher takes a message still in flight.
    const longestMs = Math.max(
      this.attemptTimeoutMs,
      ...Object.values(this.handlers).map((h) => h.attemptTimeoutMs ?? 0),
    );
    const leaseMs = longestMs * 2 + 5_000;
    const claimed = await this.outbox.claim(nowMs, free, leaseMs, kinds);
    for (const message of claimed) {
      const attempt = this.attempt(message).finally(() => {
        this.inFlight.delete(attempt);
        this.nudge();
      });
      this.inFlight.add(attempt);
    }
    return claimed.length;
  }

  /** Resolves when no delivery is in flight. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async run(): Promise<void> {
    let pauseMs = this.pollIntervalMs;
    while (this.running) {
      this.nudged = false;
      try {
        await this.dispatchDue();
        pauseMs = this.pollIntervalMs;
      } catch (error) {
        this.logger.error({ err: String(error), retryInMs: pauseMs }, "outbox: claiming due messages failed");
        pauseMs = Math.min(pauseMs * 2, 30_000);
      }
      if (!this.running) break;
      if (this.nudged && this.inFlight.size < this.concurrency) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pauseMs);
        timer.unref();
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async attempt(message: OutboxMessage): Promise<void> {
    const handler = this.handlers[message.kind];
    let result: HandlerResult;
    const timeoutMs = handler?.attemptTimeoutMs ?? this.attemptTimeoutMs;
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), this.shutdown.signal]);
    try {
      result =
        handler === undefined
          ? { ok: false, error: `no handler for kind ${message.kind}` }
          : await handler.deliver(message, signal);
    } catch (error) {
      result = {
        ok: false,
        error: signal.aborted
          ? this.shutdown.signal.aborted
            ? "stopped at shutdown"
            : `timed out after ${timeoutMs} ms`
          : error instanceof Error
            ? error.message
            : String(error),
      };
    }
    await this.settle(message, result);
  }

  private async settle(message: OutboxMessage, result: HandlerResult): Promise<void> {
    const atMs = this.now();
    const attempts = message.attempts + 1;
    try {
      if (result.ok) {
        await this.outbox.settle(message.id, {
          kind: "delivered",
          atMs,
          ...(result.statusCode === undefined ? {} : { statusCode: result.statusCode }),
        });
        this.stats.delivered++;
        return;
      }
      // A shutdown is not the receiver's fault: the message is due again at once (at the next start).
      const delay =
        this.shutdown.signal.aborted && !this.running
          ? 0
          : result.permanent === true
            ? undefined
            : retryDelayMs(attempts, this.random, this.retry, result.retryAfterMs ?? 0);
      await this.outbox.settle(message.id, {
        kind: "failed",
        atMs,
        error: result.error,
        ...(result.statusCode === undefined ? {} : { statusCode: result.statusCode }),
        retryAtMs: delay === undefined ? undefined : atMs + delay,
      });
      if (delay === undefined) {
        this.stats.dead++;
        this.logger.warn(
          {
            id: message.id,
            kind: message.kind,
            destination: message.destination,
            attempts,
            error: result.error,
          },
          "outbox: message dead-lettered",
        );
      } else {
        this.stats.failed++;
      }
    } catch (error) {
      // The lease runs out and the message is handed out again: at least once.
      this.logger.error(
        { id: message.id, err: String(error) },
        "outbox: recording a delivery attempt failed",
      );
    }
  }
}
