/**
 * The errors fastify raises outside a route — a URL it cannot decode (`/trips/%ZZ`), a path segment
 * too long, an HTTP request it cannot parse at all, a path that exists for other methods only —
 * answered like every other error: `{ code, message, statusCode }` from the registry, with the
 * security headers.
 */
import type { Socket } from "node:net";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ERROR_CODES, SealwatchError, type ErrorCode } from "../../core/errors.js";
import { errorBody, type ErrorBody } from "../errors.js";
import { NON_HTML_CSP, securityHeaders } from "./security-headers.js";

/** For `Fastify({ frameworkErrors })`: errors met while routing, before any hook runs. */
export function frameworkErrorHandler(onError: (body: ErrorBody) => void) {
  return (error: Error & { code?: string }, _request: FastifyRequest, reply: FastifyReply): void => {
    const body =
      error.code === "FST_ERR_BAD_URL"
        ? errorBodyOf(
            "MALFORMED_REQUEST",
            "the URL has a bad percent-encoding (a % not followed by two hex digits)",
          )
        : errorBody(error);
    onError(body);
    void reply
      .code(body.statusCode)
      .headers({ ...securityHeaders(), "content-security-policy": NON_HTML_CSP, "cache-control": "no-store" })
      .type("application/json; charset=utf-8")
      .send(body);
  };
}

function errorBodyOf(code: ErrorCode, message: string): ErrorBody {
  return errorBody(new SealwatchError(code, message));
}

/** For `Fastify({ clientErrorHandler })`: a request node's HTTP parser could not read. */
export function clientErrorHandler(onError: (body: ErrorBody) => void) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === "ECONNRESET" || socket.destroyed) return;
    const code: ErrorCode =
      error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? "REQUEST_TIMEOUT"
        : error.code === "HPE_HEADER_OVERFLOW"
          ? "HEADERS_TOO_LARGE"
          : "MALFORMED_REQUEST";
    const body = errorBodyOf(code, ERROR_CODES[code].description);
    onError(body);
    if (socket.writable) {
      const text = JSON.stringify(body);
      const headers = {
        ...securityHeaders(),
        "content-security-policy": NON_HTML_CSP,
        "content-type": "application/json; charset=utf-8",
        "content-length": String(Buffer.byteLength(text)),
        connection: "close",
      };
      const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
      socket.write(
        `HTTP/1.1 ${body.statusCode} ${statusText(body.statusCode)}\r\n${lines.join("\r\n")}\r\n\r\n${text}`,
      );
    }
    socket.destroy(error);
  };
}

function statusText(status: number): string {
  return (
    { 400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large" }[status] ?? "Error"
  );
}

/**
 * Which methods a path takes, from the registered routes, so that a wrong method is answered 405
 * with an `Allow` header instead of 404. Routes with a wildcard (the dashboard's files) are left out:
 * they would claim every path.
 */
export class MethodIndex {
  private readonly routes: { pattern: RegExp; method: string }[] = [];

  add(method: string | readonly string[], url: string): void {
    if (url.includes("*")) return;
    const source = url
      .split("/")
      .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/");
    const pattern = new RegExp(`^${source}/?$`);
    for (const m of [method].flat()) this.routes.push({ pattern, method: m.toUpperCase() });
  }

  /** The methods that `path` (without its query) takes; empty when no route has the path. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes) if (route.pattern.test(path)) methods.add(route.method);
    return [...methods].sort();
  }
}
