/**
 * The web push channel: delivers `notify.push` outbox messages to a browser's push service with
 * standard VAPID (RFC 8292: an ES256 JWT for the push service's origin, signed with the operator's
 * key) and the payload encrypted for that browser (RFC 8291, aes128gcm), built by the web-push
 * package; the POST itself goes out under the same SSRF policy as webhooks (pinned-post.ts). A push
 * service answering 404 or 410 says the browser unsubscribed: the message is dead at once.
 * Delivery to a real push service cannot be tested offline; the tests check the signed, encrypted
 * request up to the wire (test/notify/push.test.ts).
 */
import webpush from "web-push";
import type { DeliveryHandler, HandlerResult } from "../outbox/dispatcher.js";
import { postPinned } from "../outbox/pinned-post.js";
import type { OutboxMessage } from "../store/outbox-ports.js";
import type { PushPayload } from "./notifier.js";

export interface VapidKeys {
  /** mailto: or https: contact of the operator. */
  readonly subject: string;
  /** base64url P-256 public point. */
  readonly publicKey: string;
  /** base64url 32-byte private scalar. */
  readonly privateKey: string;
}

export interface PushOptions {
  readonly vapid: VapidKeys;
  /** Call private addresses too (tests, closed networks). */
  readonly allowPrivate: boolean;
  /** How long the push service keeps an undelivered message (default 1 day). */
  readonly ttlS?: number;
}

/** The request to the push service: URL, headers (VAPID Authorization, encryption) and encrypted body. */
export interface PushRequest {
  readonly endpoint: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export class PushHandler implements DeliveryHandler {
  constructor(private readonly options: PushOptions) {}

  /** The signed and encrypted request for one push message. */
  request(payload: PushPayload): PushRequest {
    const details = webpush.generateRequestDetails(
      { endpoint: payload.subscription.endpoint, keys: { ...payload.subscription.keys } },
      JSON.stringify({
        title: payload.title,
        body: payload.body,
        url: payload.url,
        alarmId: payload.alarmId,
        critical: payload.critical,
      }),
      {
        vapidDetails: { ...this.options.vapid },
        TTL: this.options.ttlS ?? 86_400,
        urgency: payload.critical ? "high" : "normal",
        contentEncoding: "aes128gcm",
      },
    );
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(details.headers)) headers[name.toLowerCase()] = String(value);
    return { endpoint: details.endpoint, headers, body: Buffer.from(details.body ?? "") };
  }

  async deliver(message: OutboxMessage, signal: AbortSignal): Promise<HandlerResult> {
    const payload = message.payload as PushPayload;
    let request: PushRequest;
    try {
      request = this.request(payload);
    } catch (error) {
      return { ok: false, error: `push: ${(error as Error).message}`, permanent: true };
    }
    delete request.headers["content-length"];
    const result = await postPinned(
      new URL(request.endpoint),
      request.body,
      request.headers,
      { allowPrivate: this.options.allowPrivate },
      signal,
    );
    if (!result.ok && (result.statusCode === 404 || result.statusCode === 410))
      return { ...result, error: `the browser unsubscribed (${result.error})`, permanent: true };
    return result;
  }
}
