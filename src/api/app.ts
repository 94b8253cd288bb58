/**
 * The HTTP API as a value: `buildApp(deps)` returns a ready fastify instance that tests drive with
 * `app.inject` and `sealwatch serve` listens with. Everything under /api/v1 is authenticated and
 * authorized by one hook from each route's declared permission (a route without one is refused at
 * start); every failure becomes `{ code, message, statusCode }` in one error handler.
 */
import rateLimit from "@fastify/rate-limit";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Ajv } from "ajv";
import formats from "ajv-formats";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifySchemaCompiler } from "fastify";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { SealwatchError } from "../core/errors.js";
import { LoginThrottledError } from "./auth/authenticator.js";
import { allows, type Permission } from "./auth/policy.js";
import { ApiContext } from "./context.js";
import type { ApiDeps } from "./deps.js";
import { errorBody } from "./errors.js";
import { clientErrorHandler, frameworkErrorHandler, MethodIndex } from "./http/edge-errors.js";
import { registerJsonParser } from "./http/json-body.js";
import { routeBoundProblems } from "./http/route-checks.js";
import { originsOf, registerSecurityHeaders } from "./http/security-headers.js";
import { API_PREFIX, registerOpenApi } from "./openapi.js";
import { adminRoutes } from "./routes/admin.js";
import { alarmRoutes } from "./routes/alarms.js";
import { auditRoutes } from "./routes/audit.js";
import { authRoutes } from "./routes/auth.js";
import { dashboardRoutes } from "./routes/dashboard.js";
import { deviceRoutes } from "./routes/devices.js";
import { federationHandoverRoutes } from "./routes/federation-handovers.js";
import { federationKeyRoutes } from "./routes/federation-keys.js";
import { federationPartnerRoutes } from "./routes/federation-partners.js";
import { dossierRoutes } from "./routes/dossier.js";
import { ingestRoutes } from "./routes/ingest.js";
import { interopRoutes } from "./routes/interop.js";
import { streamRoutes } from "./routes/stream.js";
import { subscriptionRoutes } from "./routes/subscriptions.js";
import { systemRoutes } from "./routes/system.js";
import { tripRoutes } from "./routes/trips.js";
import { inspectionFigureRoutes, inspectionRoutes } from "./routes/inspections.js";
import { notificationRoutes } from "./routes/notifications.js";
import { trainingRoutes } from "./routes/training.js";
import { zoneRoutes } from "./routes/zones.js";
import { SHARED_SCHEMAS } from "./schemas/views.js";
import { INSPECTION_SCHEMAS } from "./schemas/inspection.js";
import { TRAINING_SCHEMAS } from "./schemas/training.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** What the caller must be allowed to do (see auth/policy.ts). */
    permission?: Permission;
    /** Reachable without credentials (login, health, the API description). */
    public?: boolean;
    /**
     * The answer is about a training session's isolated workspace (routes/training.ts), visible to
     * its participants: the live store's trip and device scope does not apply to it.
     */
    trainingWorkspace?: boolean;
  }
}

export type ApiApp = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** A route under /api/v1 with its access rule (for the role matrix and the docs). */
export interface ApiRoute {
  readonly method: string;
  readonly url: string;
  readonly permission?: Permission;
  readonly public: boolean;
}

/** A built app and what it shares with the process (the escalation run by the tick, the streams). */
export interface BuiltApp {
  readonly app: ApiApp;
  readonly context: ApiContext;
  readonly routes: readonly ApiRoute[];
}

function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const common = {
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    discriminator: true,
    strict: false,
  } as const;
  // Bodies are JSON and keep their types; path and query parts are text and are coerced.
  const bodies = new Ajv({ ...common, coerceTypes: false });
  const parts = new Ajv({ ...common, coerceTypes: "array" });
  formats.default(bodies);
  formats.default(parts);
  return ({ schema, httpPart }) => (httpPart === "body" ? bodies : parts).compile(schema as object);
}

export async function buildApp(deps: ApiDeps): Promise<BuiltApp> {
  const context = new ApiContext(deps);
  const { config } = deps;
  const rejected = (body: { code: string }): void =>
    context.metrics.rejectedRequests.inc({ code: body.code });
  const app = Fastify({
    ...(deps.logger === undefined ? { logger: false } : { loggerInstance: deps.logger }),
    bodyLimit: config.apiBodyLimitBytes,
    trustProxy: config.trustProxy,
    // Sockets of a closing server are ended at once, except for requests still being answered.
    forceCloseConnections: "idle",
    // Requests that arrive while closing get SHUTTING_DOWN from the hook below, in the usual shape.
    return503OnClosing: false,
    // Errors met before a route runs (a URL that cannot be decoded) and requests node cannot parse.
    frameworkErrors: frameworkErrorHandler(rejected),
    clientErrorHandler: clientErrorHandler(rejected),
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as ApiApp;

  app.setValidatorCompiler(validatorCompiler());
  registerJsonParser(app, config.apiJsonMaxDepth);
  registerSecurityHeaders(app, {
    apiPrefix: API_PREFIX,
    mapOrigins: originsOf([config.tileStyleUrl, ...(config.dashboardMapOrigins ?? "").split(/[\s,]+/)]),
  });
  for (const schema of [...SHARED_SCHEMAS, ...INSPECTION_SCHEMAS, ...TRAINING_SCHEMAS]) app.addSchema(schema);
  app.decorateRequest("principal", undefined);

  // Checked once every plugin has had its say (an inner scope may set a route's permission).
  const apiRoutes: {
    method: string | string[];
    url: string;
    config?: { permission?: Permission; public?: boolean };
    schema?: object;
  }[] = [];
  const methods = new MethodIndex();
  app.addHook("onRoute", (route) => {
    methods.add(route.method, route.url);
    if (route.url.startsWith(API_PREFIX)) apiRoutes.push(route);
  });
  const routes: ApiRoute[] = [];
  app.addHook("onReady", (done) => {
    const problems: string[] = [];
    for (const route of apiRoutes) {
      const permission = route.config?.permission;
      const isPublic = route.config?.public === true;
      const name = `route ${String(route.method)} ${route.url}`;
      if (!isPublic && permission === undefined)
        problems.push(`${name} declares neither a permission nor public access`);
      if (![route.method].flat().every((m) => m === "HEAD"))
        for (const problem of routeBoundProblems(route.schema)) problems.push(`${name}: ${problem}`);
      for (const method of [route.method].flat()) {
        if (method === "HEAD") continue;
        routes.push({
          method,
          url: route.url,
          ...(permission === undefined ? {} : { permission }),
          public: isPublic,
        });
      }
    }
    done(problems.length === 0 ? undefined : new Error(problems.join("\n")));
  });

  let closing = false;
  app.addHook("onRequest", async (request) => {
    if (closing) throw new SealwatchError("SHUTTING_DOWN", "the server is shutting down");
    const routeConfig = request.routeOptions.config;
    const permission = routeConfig.permission;
    if (permission === undefined) return;
    const fromQuery = permission === "stream.read" ? request.query : undefined;
    const principal = await context.auth.authenticate(bearerToken(request.headers.authorization, fromQuery));
    request.principal = principal;
    if (!allows(principal, permission))
      throw new SealwatchError("FORBIDDEN", `role ${principal.role} may not ${permission.replace(".", " ")}`);
  });

  // Every answer's references obey the visibility of what they name (src/api/scope.ts): one hook,
  // so that no route, present or future, can forget.
  app.addHook("preSerialization", async (request, reply, payload) => {
    const principal = request.principal;
    if (principal === undefined || reply.statusCode >= 400) return payload;
    if (payload === null || typeof payload !== "object") return payload;
    if (request.routeOptions.config.trainingWorkspace === true) return payload;
    return context.scope(principal).redact(payload);
  });

  // A POST without a body is an empty object, so that its schema says what is missing.
  app.addHook("preValidation", (request, _reply, done) => {
    if (
      request.body === undefined &&
      (request.method === "POST" || request.method === "PUT" || request.method === "PATCH")
    )
      request.body = {};
    done();
  });

  app.setErrorHandler((error, request, reply) => {
    const body = errorBody(error);
    if (body.statusCode >= 500) request.log.error({ err: error }, "request failed");
    else request.log.info({ code: body.code, reason: body.message }, "request refused");
    rejected(body);
    if (error instanceof LoginThrottledError) void reply.header("retry-after", String(error.retryAfterS));
    return reply.code(body.statusCode).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    const allowed = methods.allowed(path);
    const body = errorBody(
      allowed.length === 0
        ? new SealwatchError("ROUTE_NOT_FOUND", `no endpoint ${request.method} ${path}`)
        : allowed.includes(request.method)
          ? // The path has the shape of a route the router did not take: a segment over its length limit.
            new SealwatchError("URI_TOO_LONG", `a path segment of ${path.slice(0, 80)}… is too long`)
          : new SealwatchError(
              "METHOD_NOT_ALLOWED",
              `${path} does not take ${request.method}; it takes ${allowed.join(", ")}`,
            ),
    );
    rejected(body);
    if (body.code === "METHOD_NOT_ALLOWED") void reply.header("allow", allowed.join(", "));
    return reply.code(body.statusCode).send(body);
  });

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, limit) =>
      new SealwatchError(
        "RATE_LIMITED",
        `rate limit of ${limit.max} requests in ${limit.after} exceeded; retry later`,
      ),
  });
  await registerOpenApi(app);

  await app.register(
    async (api) => {
      const scoped = api as ApiApp;
      systemRoutes(scoped, context);
      authRoutes(scoped, context);
      adminRoutes(scoped, context);
      zoneRoutes(scoped, context);
      deviceRoutes(scoped, context);
      tripRoutes(scoped, context);
      inspectionRoutes(scoped, context);
      inspectionFigureRoutes(scoped, context);
      notificationRoutes(scoped, context);
      alarmRoutes(scoped, context);
      auditRoutes(scoped, context);
      federationKeyRoutes(scoped, context);
      federationPartnerRoutes(scoped, context);
      federationHandoverRoutes(scoped, context);
      dossierRoutes(scoped, context);
      streamRoutes(scoped, context);
      interopRoutes(scoped, context);
      subscriptionRoutes(scoped, context);
      trainingRoutes(scoped, context);
      await scoped.register(ingestRoutes(context));
    },
    { prefix: API_PREFIX },
  );

  await app.register(dashboardRoutes(context));

  app.get("/metrics", { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    void reply.header("content-type", context.metrics.registry.contentType);
    return context.metrics.registry.metrics();
  });

  app.addHook("preClose", (done) => {
    closing = true;
    for (const client of [...context.streams]) client.close();
    context.close();
    done();
  });

  await app.ready();
  return { app, context, routes };
}

/** The bearer token of a request; the stream also takes `?access_token=` (EventSource sends no headers). */
function bearerToken(header: string | undefined, query: unknown): string | undefined {
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match === null)
      throw new SealwatchError(
        "UNAUTHENTICATED",
        "the Authorization header is not of the form Bearer <token>",
      );
    return match[1];
  }
  const fromQuery = (query as { access_token?: unknown } | undefined)?.access_token;
  return typeof fromQuery === "string" ? fromQuery : undefined;
}
