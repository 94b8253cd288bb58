/**
 * An HTTP(S) POST to a URL someone outside chose (a webhook callback, a browser's push endpoint),
 * under the SSRF policy of callback-url.ts: the host name is resolved and every address checked
 * (private, loopback, link-local… refused unless allowed), the connection goes to the address that
 * was checked (DNS rebinding gains nothing), redirects are not followed, at most `maxResponseBytes`
 * of the answer is read, and the outcome is a dispatcher HandlerResult (2xx: delivered; a policy
 * refusal: permanent; Retry-After honoured).
 */
import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { privateAddressReason } from "./callback-url.js";
import type { HandlerResult } from "./dispatcher.js";

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

function post(
  url: URL,
  body: string | Buffer,
  headers: Record<string, string>,
  target: { address: string; family: number },
  signal: AbortSignal,
  maxResponse: number,
): Promise<HandlerResult> {
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all === true)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        lookup: pinned,
        signal,
        agent: false,
      },
      (response) => {
        let read = 0;
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => {
          if (read < maxResponse) chunks.push(chunk.subarray(0, maxResponse - read));
          read += chunk.length;
          if (read > maxResponse) response.destroy();
        });
        const done = (): void => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve({ ok: true, statusCode: status });
          const text = Buffer.concat(chunks).toString("utf8").slice(0, 200);
          const retryAfter = retryAfterMs(response.headers["retry-after"]);
          resolve({
            ok: false,
            statusCode: status,
            error: `HTTP ${status}${status >= 300 && status < 400 ? " (redirects are not followed)" : ""}${text === "" ? "" : `: ${text}`}`,
            ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
          });
        };
        response.on("end", done);
        response.on("close", done);
        response.on("error", done);
      },
    );
    request.on("error", (error) =>
      resolve({
        ok: false,
        error: signal.aborted ? "timed out (or stopped)" : `cannot deliver: ${error.message}`,
      }),
    );
    request.end(body);
  });
}

class PolicyError extends Error {}
const isPolicy = (error: unknown): boolean => error instanceof PolicyError;

function retryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
