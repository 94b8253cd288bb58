/**
 * An HTTP(S) POST to a URL someone outside chose (a webhook callback, a browser's push endpoint),
 * under the SSRF policy of callback-url.ts: the host name is resolved and every address checked
 * (private, loopback, link-local… refused unless allowed), the connection goes to the address that
 * was checked (DNS rebinding gains nothing), redirects are not followed, at most `maxResponseBytes`
 * of the answer is read, and the outcome is a dispatcher HandlerResult (2xx: delivered; a policy
 * refusal: permanent; Retry-After honoured).
 */
import { lookup } from "node:dns/promises";
import { privateAddressReason } from "./callback-url.js";
import type { HandlerResult } from "./dispatcher.js";
import { postOnce } from "./http-post.js";

export interface PinnedPostOptions {
  /** Call private, loopback and link-local addresses too (tests, closed networks). */
  readonly allowPrivate: boolean;
  /** Most of an answer read (default 64 KiB). */
  readonly maxResponseBytes?: number;
}

/** POSTs `body` to `url` under the SSRF policy; never throws. */
export async function postPinned(
  url: URL,
  body: string | Buffer,
  headers: Record<string, string>,
  options: PinnedPostOptions,
  signal: AbortSignal,
): Promise<HandlerResult> {
  let target: { address: string; family: number };
  try {
    target = await resolve(url.hostname, options.allowPrivate);
  } catch (error) {
    return { ok: false, error: (error as Error).message, ...(isPolicy(error) ? { permanent: true } : {}) };
  }
  return post(url, body, headers, target, signal, options.maxResponseBytes ?? 64 * 1024);
}

/** The address to connect to: the first the name resolves to, every one of them checked. */
async function resolve(
  hostname: string,
  allowPrivate: boolean,
): Promise<{ address: string; family: number }> {
  const bare = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  const addresses = await lookup(bare, { all: true, verbatim: true });
  if (addresses.length === 0) throw new Error(`${hostname} does not resolve`);
  if (!allowPrivate)
    for (const { address } of addresses) {
      const reason = privateAddressReason(address);
      if (reason !== undefined)
        throw new PolicyError(
          `refused by the SSRF policy: ${hostname} resolves to ${address} (${reason}); private networks are not called unless SEALWATCH_WEBHOOK_ALLOW_PRIVATE is set`,
        );
    }
  return addresses[0]!;
}

async function post(
  url: URL,
  body: string | Buffer,
  headers: Record<string, string>,
  target: { address: string; family: number },
  signal: AbortSignal,
  maxResponseBytes: number,
): Promise<HandlerResult> {
  const answer = await postOnce(url, body, { headers, signal, target, maxResponseBytes });
  if (!answer.ok) return { ok: false, error: answer.error };
  const status = answer.statusCode;
  if (status >= 200 && status < 300) return { ok: true, statusCode: status };
  const text = answer.text.slice(0, 200);
  return {
    ok: false,
    statusCode: status,
    error: `HTTP ${status}${status >= 300 && status < 400 ? " (redirects are not followed)" : ""}${text === "" ? "" : `: ${text}`}`,
    ...(answer.retryAfterMs === undefined ? {} : { retryAfterMs: answer.retryAfterMs }),
  };
}

class PolicyError extends Error {}
const isPolicy = (error: unknown): boolean => error instanceof PolicyError;
