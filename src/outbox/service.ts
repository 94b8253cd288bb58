/**
 * The outbox at work in `sealwatch serve`: the webhook fan-outs (audit chain and readings →
 * subscription messages) every second, and the dispatcher delivering every kind it has a handler for (webhooks,
 * and whatever other parts register: partner messages, e-mails). Delivered and discarded messages
 * are purged after `retentionDays`. Nothing here holds up ingestion or the engine: they only append
 * to the audit chain, which the fan-out reads on its own time.
 */
import { apiSecrets } from "../api/secrets.js";
import type { Config } from "../config/schema.js";
import type { SigningKey } from "../federation/instance-keys.js";
import type { ExportIdentity } from "../interop/export.js";
import type { Store } from "../store/ports.js";
import { OutboxDispatcher, type DeliveryHandler, type DispatcherLogger } from "./dispatcher.js";
import { WebhookFanout } from "./fanout.js";
import { ReadingFanout } from "./reading-fanout.js";
import { WEBHOOK_KIND, WebhookHandler } from "./webhook.js";

export interface OutboxServiceOptions {
  readonly store: Store;
  readonly config: Pick<Config, "webhookAllowPrivate" | "webhookTimeoutS" | "webhookConcurrency">;
  readonly masterKey: Buffer;
  readonly signingKey: () => Promise<SigningKey>;
  readonly nowMs: () => number;
  /** This administration, as the EPCIS and DCSA bodies name it. */
  readonly identity: ExportIdentity;
  readonly logger: DispatcherLogger;
  /** Handlers of other message kinds (partner messages, e-mails), by kind. */
  readonly handlers?: Readonly<Record<string, DeliveryHandler>>;
  /** How often the fan-out reads the audit chain (default 1 s). */
  readonly fanoutIntervalMs?: number;
  /** Delivered and discarded messages are kept this long (default 30 days). */
  readonly retentionDays?: number;
}

export class OutboxService {
  readonly dispatcher: OutboxDispatcher;
  readonly fanout: WebhookFanout;
  readonly readingFanout: ReadingFanout;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastPurgeMs = 0;

  constructor(private readonly options: OutboxServiceOptions) {
    const aliasKey = apiSecrets(options.masterKey).referenceAliasKey;
    this.fanout = new WebhookFanout(options.store, {
      nowMs: options.nowMs,
      identity: options.identity,
      logger: options.logger,
      aliasKey,
    });
    this.readingFanout = new ReadingFanout(options.store, {
      nowMs: options.nowMs,
      identity: options.identity,
      aliasKey,
    });
    this.dispatcher = new OutboxDispatcher(
      options.store.outbox,
      {
        ...options.handlers,
        [WEBHOOK_KIND]: new WebhookHandler({
          subscriptions: options.store.subscriptions,
          masterKey: options.masterKey,
          signingKey: options.signingKey,
          allowPrivate: options.config.webhookAllowPrivate,
        }),
      },
      {
        concurrency: options.config.webhookConcurrency,
        attemptTimeoutMs: options.config.webhookTimeoutS * 1000,
        now: options.nowMs,
        logger: options.logger,
      },
    );
  }

  start(): void {
    this.dispatcher.start();
    const interval = this.options.fanoutIntervalMs ?? 1000;
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = undefined));
    }, interval);
    this.timer.unref();
  }

  /** Messages are due now (an enqueue, a redelivery). */
  nudge(): void {
    this.dispatcher.nudge();
  }

  private async tick(): Promise<void> {
    try {
      const enqueued = (await this.fanout.catchUp()) + (await this.readingFanout.catchUp());
      if (enqueued > 0) this.dispatcher.nudge();
      const now = this.options.nowMs();
      if (now - this.lastPurgeMs > 3_600_000) {
        this.lastPurgeMs = now;
        await this.options.store.outbox.purge(now - (this.options.retentionDays ?? 30) * 86_400_000);
      }
    } catch (error) {
      this.options.logger.error(
        { err: String(error) },
        "outbox: fanning out webhook events failed; retrying",
      );
    }
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.running;
    await this.dispatcher.stop();
  }
}
