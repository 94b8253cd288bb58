/**
 * HTTP ingest, as a fastify plugin the API server mounts (under /api/v1):
 *
 *   POST /ingest/readings  { "readings": [reading | envelope, …] }   gateways and HTTP devices
 *   POST /ingest/reads     { "reads": [seal read, …] }               checkpoint RFID readers
 *   POST /ingest/epcis     an EPCIS 2.0 EPCISDocument (JSON-LD)       RFID readers, partner systems
 *
 * A 2xx answer is sent only once every accepted item is durable. Items refused for good (unknown
 * device, forged, replayed, invalid) are listed in the answer with their reason and are not to be
 * sent again. When the store fails the answer is 503 (or the store error's status) and the whole
 * batch may be sent again: what was stored is recognized as a duplicate (a signed item as
 * `replayed`). Formats and limits: docs/protocols/mqtt-http.md.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { ERROR_CODES, SealwatchError, type ErrorCode } from "../../core/errors.js";
import type { EpcisLimits } from "../../protocols/epcis/index.js";
import { DEFAULT_EPCIS_LIMITS } from "../../protocols/epcis/index.js";
import type { Store } from "../../store/ports.js";
import { createIngestContext, type IngestContext } from "../context.js";
import type { IngestOutcome, JsonMessage } from "../message-ingest.js";
import type { ReadingSink } from "../sink.js";

/** Who sent a request, as `authenticateGateway` establishes it. */
export interface GatewayPrincipal {
  readonly id: string;
}

export interface IngestRoutesOptions {
  readonly sink: ReadingSink;
  readonly store: Store;
  /**
   * Authenticates the sending gateway or reader (API key, mTLS…); undefined refuses the request
   * with 401. Without it requests are anonymous and only per-message security applies.
   */
  readonly authenticateGateway?: (request: FastifyRequest) => Promise<GatewayPrincipal | undefined>;
  /** The gateway's shared ingest context (counters, caches, keys); built from `masterKey` when absent. */
  readonly context?: IngestContext;
  /** The master key sealing device keys, when no `context` is given. */
  readonly masterKey?: Buffer;
  /** Largest body of /ingest/readings and /ingest/reads (default 1 MiB). */
  readonly bodyLimitBytes?: number;
  /** Most items in one batch (default 1,000). */
  readonly maxItems?: number;
  readonly epcisLimits?: Partial<EpcisLimits>;
}

export const DEFAULT_INGEST_BODY_LIMIT_BYTES = 1_048_576;
export const DEFAULT_INGEST_MAX_ITEMS = 1_000;

interface ItemResult {
  readonly index: number;
  readonly status: "stored" | "duplicate" | "rejected" | "failed";
  readonly seq?: number;
  readonly reason?: string;
  readonly detail?: string;
  readonly errors?: readonly { path: string; message: string }[];
}

function resultOf(index: number, settled: PromiseSettledResult<IngestOutcome>): ItemResult {
  if (settled.status === "rejected") return { index, status: "failed", reason: "store_failed" };
  const o = settled.value;
  if (o.status !== "rejected") return { index, status: o.status, seq: o.seq };
  return {
    index,
    status: "rejected",
    reason: o.reason,
    detail: o.detail,
    ...(o.issues === undefined ? {} : { errors: o.issues }),
  };
}

function storeFailure(
  settled: readonly PromiseSettledResult<unknown>[],
): { status: number; code: string } | undefined {
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed === undefined) return undefined;
  const error: unknown = failed.reason;
  return error instanceof SealwatchError && error.statusCode >= 500
    ? { status: error.statusCode, code: error.code }
    : { status: 503, code: "STORE_UNAVAILABLE" };
}

export const ingestRoutes: FastifyPluginAsync<IngestRoutesOptions> = async (app, options) => {
  const context =
    options.context ??
    (() => {
      if (options.masterKey === undefined)
        throw new Error("ingestRoutes needs either { context } (the gateway's) or { masterKey }");
      return createIngestContext({ sink: options.sink, store: options.store, masterKey: options.masterKey });
    })();
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_INGEST_BODY_LIMIT_BYTES;
  const maxItems = options.maxItems ?? DEFAULT_INGEST_MAX_ITEMS;
  const epcisLimit = options.epcisLimits?.maxDocumentBytes ?? DEFAULT_EPCIS_LIMITS.maxDocumentBytes;
  const principals = new WeakMap<FastifyRequest, GatewayPrincipal>();
  const peerOf = (request: FastifyRequest): string =>
    `${principals.get(request)?.id ?? "anonymous"}@${request.ip}`;

  app.addHook("preHandler", async (request, reply) => {
    if (options.authenticateGateway === undefined) return;
    const principal = await options.authenticateGateway(request);
    if (principal === undefined) {
      return ingestError(reply, "UNAUTHENTICATED", "this gateway is not authenticated");
    }
    principals.set(request, principal);
  });

  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, request, reply) => {
    const code = error.code ?? "";
    if (code === "FST_ERR_CTP_BODY_TOO_LARGE")
      return ingestError(
        reply,
        "BODY_TOO_LARGE",
        `the body is larger than ${request.routeOptions.bodyLimit ?? bodyLimit} bytes`,
        {
          errors: [],
        },
      );
    if (code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
      return ingestError(reply, "UNSUPPORTED_MEDIA_TYPE", "send application/json");
    if (code === "FST_ERR_CTP_EMPTY_JSON_BODY" || code === "FST_ERR_CTP_INVALID_JSON_BODY")
      return ingestError(reply, "MALFORMED_BODY", "the body is not JSON", { errors: [] });
    // Everything else (a store failure in an EPCIS capture is a StoreError) goes to the server's
    // error handler, the one place where errors become { code, message, statusCode }.
    throw error;
  });

  const batch = async (
    request: FastifyRequest,
    reply: FastifyReply,
    member: "readings" | "reads",
    ingest: (message: JsonMessage) => Promise<IngestOutcome>,
  ): Promise<FastifyReply> => {
    const body = request.body as Record<string, unknown> | null;
    const items =
      typeof body === "object" && body !== null && !Array.isArray(body) ? body[member] : undefined;
    if (!Array.isArray(items) || items.length === 0)
      return ingestError(
        reply,
        "VALIDATION_FAILED",
        `the body is { "${member}": [ … ] } with at least one item`,
        {
          errors: [{ path: `/${member}`, message: "must be a non-empty array" }],
        },
      );
    if (items.length > maxItems)
      return ingestError(reply, "BODY_TOO_LARGE", `at most ${maxItems} ${member} per request`, {
        errors: [{ path: `/${member}`, message: `has ${items.length} items` }],
      });
    const peer = peerOf(request);
    const settled = await Promise.allSettled(
      items.map((item: unknown) => {
        context.counters.received("http");
        return ingest({
          transport: "http",
          value: item,
          raw: Buffer.from(JSON.stringify(item) ?? "null", "utf8"),
          peer,
        });
      }),
    );
    const results = settled.map((s, i) => resultOf(i, s));
    const failure = storeFailure(settled);
    if (failure !== undefined)
      return reply.code(failure.status).send({
        code: failure.code,
        statusCode: failure.status,
        message:
          "some items could not be stored: send the batch again (stored items come back as duplicates)",
        results,
      });
    const count = (status: ItemResult["status"]): number => results.filter((r) => r.status === status).length;
    return reply.code(200).send({
      stored: count("stored"),
      duplicates: count("duplicate"),
      rejected: count("rejected"),
      results,
    });
  };

  app.post("/ingest/readings", { bodyLimit }, (request, reply) =>
    batch(request, reply, "readings", (m) => context.messages.ingestReading(m)),
  );
  app.post("/ingest/reads", { bodyLimit }, (request, reply) =>
    batch(request, reply, "reads", (m) => context.messages.ingestRead(m)),
  );

  await app.register((epcis, _options, done) => {
    // The capture is validated from its bytes (size, UTF-8, JSON, schema), so it is read as a buffer.
    epcis.removeContentTypeParser(["application/json"]);
    epcis.addContentTypeParser(
      ["application/json", "application/ld+json"],
      { parseAs: "buffer", bodyLimit: epcisLimit },
      (_request, body, done) => done(null, body),
    );
    epcis.post("/ingest/epcis", { bodyLimit: epcisLimit }, async (request, reply) => {
      const body = request.body;
      if (!Buffer.isBuffer(body))
        return ingestError(reply, "UNSUPPORTED_MEDIA_TYPE", "send application/ld+json");
      const result = await context.epcis.capture(body, peerOf(request));
      if (result.kind === "rejected") {
        const r = result.rejection;
        const registryCode: ErrorCode =
          r.code === "too_large"
            ? "BODY_TOO_LARGE"
            : r.code === "malformed_json"
              ? "MALFORMED_BODY"
              : r.code === "too_deep"
                ? "BODY_TOO_DEEP"
                : "VALIDATION_FAILED";
        // `reason` keeps the capture's own finer reason (too_deep, forbidden_key, not_epcis_document...).
        return ingestError(reply, registryCode, r.message, {
          reason: r.code,
          errors: r.errors,
          omittedErrors: r.omittedErrors,
        });
      }
      return reply.code(202).send({
        eventCount: result.eventCount,
        reads: result.reads,
        readings: result.readings,
        stored: result.stored,
        duplicates: result.duplicates,
        implausible: result.implausible,
        notices: result.notices,
      });
    });
    done();
  });
};

/** An ingest error in the API's shape: a registry code, a message, the status, and any details. */
function ingestError(
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  details: object = {},
): FastifyReply {
  const statusCode = ERROR_CODES[code].status;
  return reply.code(statusCode).send({ code, message, statusCode, ...details });
}
