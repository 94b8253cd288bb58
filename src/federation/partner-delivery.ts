/**
 * Partner deliveries: the outbox handler of kind `partner.handover`. Each attempt signs the request
 * afresh (a new nonce and time, so that a retry hours later is neither a replay nor out of the
 * partner's time window), POSTs it to the partner's `/api/v1/federation/handovers`, and reads the
 * answer: a receipt that verifies against the partner's pinned keys completes the delivery; a
 * refusal (4xx, but a timeout or a rate limit) is final and stored with its code; anything else (no
 * answer, 5xx, a receipt that does not verify) is tried again with the outbox's backoff.
 */
import type { KeyObject } from "node:crypto";
import { publicKeyOfJwk } from "../dossier/jose.js";
import type { DeliveryHandler, HandlerResult } from "../outbox/dispatcher.js";
import { postOnce } from "../outbox/http-post.js";
import type { OutboxMessage } from "../store/outbox-ports.js";
import type { PartnerRecord } from "../store/federation-ports.js";
import type { Federation } from "./federation.js";
import { HANDOVER_TYPE, openReceipt } from "./handover-message.js";
import type { HandoverMessage, HandoverSender } from "./handover-sender.js";
import { signRequest } from "./signed-request.js";

export interface PartnerDeliveryOptions {
  /** How long one attempt may take (a dossier can be large): federationRequestTimeoutS. */
  readonly attemptTimeoutMs?: number;
  /** Most of an answer read (default 1 MiB). */
  readonly maxResponseBytes?: number;
  readonly userAgent?: string;
}

export class PartnerDeliveryHandler implements DeliveryHandler {
  readonly attemptTimeoutMs: number | undefined;

  constructor(
    private readonly federation: Federation,
    private readonly sender: HandoverSender,
    private readonly options: PartnerDeliveryOptions = {},
  ) {
    this.attemptTimeoutMs = options.attemptTimeoutMs;
  }

  async deliver(message: OutboxMessage, signal: AbortSignal): Promise<HandlerResult> {
    const store = this.federation.store;
    const { handoverId, body } = message.payload as HandoverMessage;
    const handover = await store.federation.handover("outgoing", message.destination, handoverId);
    // Settled meanwhile (a receipt from an earlier attempt, or refused): nothing more to send.
    if (handover === undefined || handover.status !== "sending") return { ok: true };
    const partner = await store.federation.partner(message.destination);
    if (partner === undefined || partner.status !== "active") {
      const reason = `${message.destination} is no longer an active partner`;
      await this.sender.refused(handover, "PARTNER_UNKNOWN", reason);
      return { ok: false, error: reason, permanent: true };
    }
    const selfId = this.federation.identity.id;
    const request = signRequest(
      await this.federation.keys.signingKey(),
      { iss: selfId, aud: partner.id, type: HANDOVER_TYPE, body },
      this.federation.nowMs(),
    );
    const url = new URL(`${partner.baseUrl.replace(/\/+$/, "")}/api/v1/federation/handovers`);
    const answer = await postOnce(url, JSON.stringify({ request }), {
      headers: {
        "content-type": "application/json",
        "user-agent": this.options.userAgent ?? "Sealwatch-Federation/1",
      },
      signal,
      maxResponseBytes: this.options.maxResponseBytes ?? 1024 * 1024,
    });
    if (!answer.ok) return { ok: false, error: answer.error };
    const status = answer.statusCode;
    const json = parseJson(answer.text);
    if (status >= 200 && status < 300) {
      const receipt = (json as { receipt?: unknown } | undefined)?.receipt;
      const opened = openReceipt(receipt, trustedKeys(partner), {
        partnerId: partner.id,
        selfId,
        handoverId,
        tripId: body.tripId,
      });
      if (!opened.ok) return { ok: false, statusCode: status, error: opened.problem };
      await this.sender.receipted(handover, receipt as string, opened.payload);
      return { ok: true, statusCode: status };
    }
    const error = json as { code?: unknown; message?: unknown } | undefined;
    const code = typeof error?.code === "string" ? error.code : `HTTP_${status}`;
    const text = `HTTP ${status} ${code}${typeof error?.message === "string" ? `: ${error.message.slice(0, 500)}` : ""}`;
    const final = status >= 400 && status < 500 && status !== 408 && status !== 429;
    if (final) {
      await this.sender.refused(handover, code, text);
      return { ok: false, statusCode: status, error: text, permanent: true };
    }
    return {
      ok: false,
      statusCode: status,
      error: text,
      ...(answer.retryAfterMs === undefined ? {} : { retryAfterMs: answer.retryAfterMs }),
    };
  }
}

/** The partner's pinned keys that may sign now (not revoked), by kid. */
function trustedKeys(partner: PartnerRecord): (kid: string) => KeyObject | undefined {
  return (kid) => {
    const pinned = partner.keys.find((k) => k.kid === kid && k.status !== "revoked");
    if (pinned === undefined) return undefined;
    const key = publicKeyOfJwk({ kty: "OKP", crv: "Ed25519", x: pinned.x });
    return key.ok ? key.key : undefined;
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
