/**
 * The e-mail channel: delivers `notify.email` outbox messages over SMTP with nodemailer (one pooled
 * transport, STARTTLS when the server offers it, smtps:// for implicit TLS). A 5xx answer from the
 * server (no such mailbox, refused) is permanent and the message is dead at once; anything else is
 * retried by the outbox. The Message-ID is the notification's own, so a resend after a crash is
 * recognisably the same e-mail.
 */
import nodemailer, { type Transporter } from "nodemailer";
import type { DeliveryHandler, HandlerResult } from "../outbox/dispatcher.js";
import type { OutboxMessage } from "../store/outbox-ports.js";
import type { EmailPayload } from "./notifier.js";

export interface EmailOptions {
  /** smtp://user:password@host:port or smtps://… */
  readonly smtpUrl: string;
  readonly from: string;
}

export class EmailHandler implements DeliveryHandler {
  private readonly transport: Transporter;

  constructor(private readonly options: EmailOptions) {
    this.transport = nodemailer.createTransport(options.smtpUrl);
  }

  async deliver(message: OutboxMessage, signal: AbortSignal): Promise<HandlerResult> {
    const mail = message.payload as EmailPayload;
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(new Error("aborted"));
      signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
    });
    try {
      const info = (await Promise.race([
        this.transport.sendMail({
          from: this.options.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          messageId: mail.messageId,
          headers: { "X-Sealwatch-Alarm": mail.alarmId },
        }),
        aborted,
      ])) as { accepted?: unknown[]; rejected?: unknown[] };
      if ((info.rejected ?? []).length > 0) return { ok: false, error: "recipient refused", permanent: true };
      return { ok: true };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      const text = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        error: `SMTP: ${text}`.slice(0, 300),
        ...(code === undefined ? {} : { statusCode: code }),
        ...(code !== undefined && code >= 500 ? { permanent: true } : {}),
      };
    }
  }

  close(): void {
    this.transport.close();
  }
}
