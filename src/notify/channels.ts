/** The notification channels a process delivers, by outbox kind, from its settings. */
import type { Config } from "../config/schema.js";
import type { DeliveryHandler } from "../outbox/dispatcher.js";
import { EmailHandler } from "./email.js";
import { EMAIL_KIND } from "./notifier.js";

/** E-mail when SMTP is set; without it, e-mails wait in the outbox (visible to administrators). */
export function notificationHandlers(
  config: Pick<Config, "smtpUrl" | "smtpFrom">,
): Record<string, DeliveryHandler> {
  return config.smtpUrl === undefined
    ? {}
    : { [EMAIL_KIND]: new EmailHandler({ smtpUrl: config.smtpUrl, from: config.smtpFrom }) };
}
