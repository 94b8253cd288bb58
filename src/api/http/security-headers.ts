/**
 * The security headers of every answer, set in one place (an onSend hook, plus the few answers that
 * bypass fastify's reply: the live stream and socket-level errors use `securityHeaders()` directly):
 *
 * - every answer: `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy:
 *   no-referrer`, cross-origin isolation of windows and resources, a Permissions-Policy that turns
 *   off the powerful features the dashboard does not use, and HSTS when the request came over HTTPS
 *   (directly or through a trusted proxy);
 * - the dashboard (its page and its files: the map's worker script is governed by the policy of its
 *   own answer): a strict Content-Security-Policy — scripts, styles, fonts and frames only
 *   from Sealwatch itself, no inline script, the map's worker from `blob:` or Sealwatch, images also
 *   from `data:`/`blob:`, connections to Sealwatch and to the configured online map's origins only,
 *   `frame-ancestors 'none'`;
 * - API answers (JSON, event streams) and metrics: `default-src 'none'; frame-ancestors 'none'`, and
 *   API answers are `Cache-Control: no-store` unless the route says otherwise.
 */
import type { FastifyInstance } from "fastify";

export interface SecurityHeaderOptions {
  /** Origins the dashboard's map may load styles, tiles, glyphs and sprites from (online basemap). */
  readonly mapOrigins: readonly string[];
  /** Path prefix of the API (its answers are not cached). */
  readonly apiPrefix: string;
}

/** Headers every answer carries, whatever its type. */
export function securityHeaders(): Record<string, string> {
  return {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "x-permitted-cross-domain-policies": "none",
    "origin-agent-cluster": "?1",
    "permissions-policy":
      "accelerometer=(), camera=(self), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()",
  };
}

/** The policy of anything that is not a page: nothing may load from it, nothing may frame it. */
export const NON_HTML_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The dashboard's Content-Security-Policy. */
export function dashboardCsp(mapOrigins: readonly string[]): string {
  const extra = mapOrigins.length === 0 ? "" : ` ${mapOrigins.join(" ")}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${extra}`,
    "font-src 'self' data:",
    `connect-src 'self'${extra}`,
    "worker-src 'self' blob:",
    "child-src 'self' blob:",
    "manifest-src 'self'",
    "media-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * The origin of each URL (scheme, host, port) for the CSP; entries that are not absolute http(s)
 * URLs are left out (the configuration has checked them already).
 */
export function originsOf(urls: readonly (string | undefined)[]): string[] {
  const origins = new Set<string>();
  for (const url of urls) {
    if (url === undefined || url.trim() === "") continue;
    try {
      const parsed = new URL(url.trim());
      if (parsed.protocol === "https:" || parsed.protocol === "http:") origins.add(parsed.origin);
    } catch {
      // Not a URL: nothing to allow.
    }
  }
  return [...origins];
}

/** Adds the headers to every answer the app sends through its reply. */
export function registerSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): void {
  const common = Object.entries(securityHeaders());
  const pageCsp = dashboardCsp(options.mapOrigins);
  app.addHook("onSend", (request, reply, payload, done) => {
    for (const [name, value] of common) if (!reply.hasHeader(name)) void reply.header(name, value);
    if (request.protocol === "https" && !reply.hasHeader("strict-transport-security"))
      void reply.header("strict-transport-security", "max-age=31536000; includeSubDomains");
    if (!reply.hasHeader("content-security-policy")) {
      // The dashboard's files all carry its policy: a worker started from a script URL is governed
      // by the policy of that script's own answer, not the page's.
      const api = request.url.startsWith(options.apiPrefix) || request.url.startsWith("/metrics");
      const type = String(reply.getHeader("content-type") ?? "");
      void reply.header(
        "content-security-policy",
        !api || type.startsWith("text/html") ? pageCsp : NON_HTML_CSP,
      );
    }
    if (request.url.startsWith(options.apiPrefix) && !reply.hasHeader("cache-control"))
      void reply.header("cache-control", "no-store");
    done(null, payload);
  });
}

/**
 * Swagger UI's own policy, tightened: never framed, nothing from other hosts, and no
 * `upgrade-insecure-requests` (which breaks the page on a plain-HTTP address).
 */
export function tightenDocsCsp(header: string): string {
  return header
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part !== "" && part !== "upgrade-insecure-requests")
    .map((part) => {
      const [name, ...sources] = part.split(/\s+/);
      if (name === "frame-ancestors") return "frame-ancestors 'none'";
      const kept = sources.filter((s) => s !== "https:" && !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(s));
      return [name, ...kept].join(" ");
    })
    .join("; ");
}
