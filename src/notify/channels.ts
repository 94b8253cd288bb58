/** The notification channels a process delivers, by outbox kind, from its settings. */
import type { Config } from "../config/schema.js";
import type { DeliveryHandler } from "../outbox/dispatcher.js";
import { EmailHandler } from "./email.js";
import { EMAIL_KIND, PUSH_KIND } from "./notifier.js";
import { PushHandler } from "./push.js";

/**
 * E-mail when SMTP is set, web push when the VAPID keys are; a channel without its settings is not
 * delivered: its messages wait in the outbox (visible to administrators) until it is configured.
 */
export function notificationHandlers(
  config: Pick<
    Config,
    "smtpUrl" | "smtpFrom" | "vapidPublicKey" | "vapidPrivateKey" | "vapidSubject" | "webhookAllowPrivate"
  >,
): Record<string, DeliveryHandler> {
  const handlers: Record<string, DeliveryHandler> = {};
  if (config.smtpUrl !== undefined)
    handlers[EMAIL_KIND] = new EmailHandler({ smtpUrl: config.smtpUrl, from: config.smtpFrom });
  if (config.vapidPublicKey !== undefined && config.vapidPrivateKey !== undefined)
    handlers[PUSH_KIND] = new PushHandler({
      vapid: {
        subject: config.vapidSubject,
        publicKey: config.vapidPublicKey,
        privateKey: config.vapidPrivateKey,
      },
      allowPrivate: config.webhookAllowPrivate,
    });
  return handlers;
}
