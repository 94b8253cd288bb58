/**
 * One HTTP POST as the outbox's handlers make it: no redirects followed, no connection reuse, an
 * abort signal (the attempt's timeout), and at most `maxResponseBytes` of the answer read (the rest
 * is dropped). Failures to connect are values, not exceptions. Shared by the pinned POST of
 * webhooks and web push (pinned-post.ts) and by partner deliveries.
 */
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";

export type PostOutcome =
  | {
      readonly ok: true;
      readonly statusCode: number;
      /** The answer's start, as text. */
      readonly text: string;
      /** The receiver asked for a pause (HTTP Retry-After). */
      readonly retryAfterMs?: number;
    }
  | { readonly ok: false; readonly error: string };

export interface PostOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly maxResponseBytes: number;
  /** Where to connect (an address checked beforehand); the URL's host name resolves by default. */
  readonly target?: { readonly address: string; readonly family: number };
}

export function postOnce(url: URL, body: string | Buffer, options: PostOptions): Promise<PostOutcome> {
  const { target, signal, maxResponseBytes } = options;
  const pinned: LookupFunction | undefined =
    target === undefined
      ? undefined
      : (_host, lookupOptions, callback) => {
          if ((lookupOptions as { all?: boolean }).all === true)
            (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
          else callback(null, target.address, target.family);
        };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      url,
      {
        method: "POST",
        headers: { ...options.headers, "content-length": String(Buffer.byteLength(body)) },
        ...(pinned === undefined ? {} : { lookup: pinned }),
        signal,
        agent: false,
      },
      (response) => {
        let read = 0;
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => {
          if (read < maxResponseBytes) chunks.push(chunk.subarray(0, maxResponseBytes - read));
          read += chunk.length;
          if (read > maxResponseBytes) response.destroy();
        });
        let done = false;
        const finish = (): void => {
          if (done) return;
          done = true;
          const retryAfter = retryAfterMs(response.headers["retry-after"]);
          resolve({
            ok: true,
            statusCode: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString("utf8"),
            ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
          });
        };
        response.on("end", finish);
        response.on("close", finish);
        response.on("error", finish);
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

/** HTTP Retry-After (seconds or a date) in milliseconds from now. */
export function retryAfterMs(header: string | undefined, nowMs = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
