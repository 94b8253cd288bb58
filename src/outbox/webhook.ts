/**
 * Webhook deliveries: the outbox handler of kind "webhook". A message's payload is the body already
 * in the subscription's format; the handler POSTs it to the subscription's callback URL, signed,
 * with a timeout (the dispatcher's signal), a request body limit, a cap on what it reads of the
 * answer, no redirects, and the SSRF policy of callback-url.ts. Any 2xx confirms the delivery.
 *
 * Headers: `Notification-Id` (the outbox message id: receivers drop repeats by it),
 * `Notification-Event-Id`, `Notification-Event-Type`, and the signature: `Notification-Signature:
 * sha256=<hex HMAC-SHA256 of the raw body>` with the subscription's secret (as DCSA does), or
 * `Notification-Signature-JWS: <detached JWS (EdDSA)>` with this instance's key, verifiable against
 * the published key set (GET /api/v1/federation/keys).
 */
import { createHmac } from "node:crypto";
import { signDetached } from "../dossier/jose.js";
import type { SigningKey } from "../federation/instance-keys.js";
import { unsealSecret } from "../gateway/security/sealing.js";
import type { OutboxMessage } from "../store/outbox-ports.js";
import type { SubscriptionStore } from "../store/outbox-ports.js";
import { checkCallbackUrl } from "./callback-url.js";
import type { DeliveryHandler, HandlerResult } from "./dispatcher.js";
import { postPinned } from "./pinned-post.js";

export const WEBHOOK_KIND = "webhook";

/** What a webhook message carries. */
export interface WebhookPayload {
  readonly eventId: string;
  readonly eventType: string;
  /** The body, in the subscription's format. */
  readonly body: unknown;
}

export interface WebhookOptions {
  readonly subscriptions: SubscriptionStore;
  readonly masterKey: Buffer;
  /** This instance's active signing key (Ed25519 subscriptions). */
  readonly signingKey: () => Promise<SigningKey>;
  /** Call private, loopback and link-local addresses too (tests, closed networks). */
  readonly allowPrivate: boolean;
  /** Largest body sent (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** Most of an answer read (default 64 KiB); the rest is dropped. */
  readonly maxResponseBytes?: number;
  readonly userAgent?: string;
}

/** The additional authenticated data binding a sealed subscription secret to its subscription. */
export function subscriptionSecretAad(id: string): string {
  return `sealwatch subscription secret ${id}`;
}

/** `sha256=<hex>`: the DCSA Notification-Signature of `body` with `secret`. */
export function hmacSignature(secret: Uint8Array, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

export class WebhookHandler implements DeliveryHandler {
  constructor(private readonly options: WebhookOptions) {}

  async deliver(message: OutboxMessage, signal: AbortSignal): Promise<HandlerResult> {
    const subscription = await this.options.subscriptions.get(message.destination);
    if (subscription === undefined || subscription.status !== "active")
      return { ok: false, error: `subscription ${message.destination} was deleted`, permanent: true };
    const checked = checkCallbackUrl(subscription.callbackUrl);
    if (!checked.ok) return { ok: false, error: `callback URL ${checked.reason}`, permanent: true };
    const payload = message.payload as WebhookPayload;
    const body = JSON.stringify(payload.body);
    const maxBody = this.options.maxBodyBytes ?? 1024 * 1024;
    if (Buffer.byteLength(body) > maxBody)
      return { ok: false, error: `the body is larger than ${maxBody} bytes`, permanent: true };

    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": this.options.userAgent ?? "Sealwatch-Webhooks/1",
      "notification-id": String(message.id),
      "notification-event-id": payload.eventId,
      "notification-event-type": payload.eventType,
    };
    if (subscription.signature === "hmac-sha256") {
      const secret =
        subscription.sealedSecret === undefined
          ? undefined
          : unsealSecret(
              this.options.masterKey,
              subscription.sealedSecret,
              subscriptionSecretAad(subscription.id),
            );
      if (secret === undefined)
        return {
          ok: false,
          error: "the subscription's secret cannot be opened with the master key",
          permanent: true,
        };
      headers["notification-signature"] = hmacSignature(secret, body);
    } else {
      const key = await this.options.signingKey();
      headers["notification-signature-jws"] = signDetached(
        { alg: "EdDSA", kid: key.kid, typ: "sealwatch-notification+jws" },
        body,
        key.privateKey,
      );
    }

    return postPinned(
      checked.url,
      body,
      headers,
      {
        allowPrivate: this.options.allowPrivate,
        ...(this.options.maxResponseBytes === undefined
          ? {}
          : { maxResponseBytes: this.options.maxResponseBytes }),
      },
      signal,
    );
  }
}
