/**
 * The HTTP edge, for every route at once: the framework's own errors in the registry's shape, the
 * JSON depth limit on every body, bounds on every numeric parameter the OpenAPI document declares,
 * and the security headers on every answer (API, dashboard, docs, stream, errors, metrics).
 */
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ROLE_PERMISSIONS } from "../../src/api/auth/policy.js";
import { routeBoundProblems } from "../../src/api/http/route-checks.js";
import { ERROR_CODES } from "../../src/core/errors.js";
import {
  createHarness,
  ROLES,
  type ApiResponse,
  type Caller,
  type ErrorJson,
  type Harness,
} from "./support.js";

/** The error shape; the device gateway's ingest routes may add details (docs/protocols/mqtt-http.md). */
function assertError(
  response: ApiResponse,
  code: keyof typeof ERROR_CODES,
  context = "",
  withDetails = false,
): ErrorJson {
  const body = response.json<ErrorJson>();
  const keys = Object.keys(body).filter((k) => !withDetails || ["code", "message", "statusCode"].includes(k));
  assert.deepEqual(keys.sort(), ["code", "message", "statusCode"], `${context} ${response.body}`);
  assert.equal(body.code, code, `${context}: ${response.body}`);
  assert.equal(body.statusCode, ERROR_CODES[code].status, context);
  assert.equal(response.statusCode, ERROR_CODES[code].status, context);
  assert.ok(body.message.length > 0, context);
  return body;
}

/** A caller allowed to reach the route's handler (the body is parsed after authorization). */
function callerFor(h: Harness, url: string): Caller {
  const route = h.routes.find((r) => r.url === url);
  if (route?.permission === undefined) return "admin";
  // The admin where it may; else the first role that holds the route's permission.
  const permission = route.permission;
  if (ROLE_PERMISSIONS.admin.has(permission)) return "admin";
  const role = ROLES.find((r) => ROLE_PERMISSIONS[r].has(permission));
  assert.ok(role !== undefined, `no role may call ${url}`);
  return role;
}

/** `/api/v1/trips/:id/arm` with a syntactically valid value for each parameter. */
function concrete(url: string): string {
  return url
    .replace(/:keyId/g, "key-1")
    .replace(/:id/g, (_m, offset: number) =>
      url.startsWith("/api/v1/api-keys") && offset > 0 ? "0123456789abcdef" : "X-1",
    );
}

function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (answer += chunk));
    socket.on("close", () => resolve(answer));
    socket.on("error", (error: NodeJS.ErrnoException) =>
      error.code === "ECONNRESET" ? resolve(answer) : reject(error),
    );
  });
}

function assertSecurityHeaders(headers: Record<string, unknown>, context: string): void {
  assert.equal(headers["x-content-type-options"], "nosniff", context);
  assert.equal(headers["x-frame-options"], "DENY", context);
  assert.equal(headers["referrer-policy"], "no-referrer", context);
  assert.match(String(headers["content-security-policy"]), /frame-ancestors 'none'/, context);
  assert.ok(headers["permissions-policy"] !== undefined, context);
  assert.equal(headers["cross-origin-opener-policy"], "same-origin", context);
}

describe("the HTTP edge", () => {
  let h: Harness;
  let port: number;
  before(async () => {
    h = await createHarness({ apiBodyLimitBytes: 65_536, trustProxy: true });
    await h.app.listen({ host: "127.0.0.1", port: 0 });
    port = (h.app.server.address() as { port: number }).port;
  });
  after(() => h.close());

  it("answers the framework's own errors in the registry's shape", async () => {
    const cases: [string, string, { body?: string; type?: string }, keyof typeof ERROR_CODES][] = [
      ["GET", "/api/v1/trips/%ZZ", {}, "MALFORMED_REQUEST"],
      ["GET", "/%E0%A4%A", {}, "MALFORMED_REQUEST"],
      ["GET", `/api/v1/trips/${"x".repeat(200)}`, {}, "URI_TOO_LONG"],
      ["GET", "/api/v1/no-such-thing", {}, "ROUTE_NOT_FOUND"],
      ["GET", "/no-such-page.js", {}, "ROUTE_NOT_FOUND"],
      ["DELETE", "/api/v1/trips", {}, "METHOD_NOT_ALLOWED"],
      ["POST", "/api/v1/trips", { body: "{not json", type: "application/json" }, "MALFORMED_BODY"],
      ["POST", "/api/v1/trips", { body: "", type: "application/json" }, "MALFORMED_BODY"],
      [
        "POST",
        "/api/v1/trips",
        { body: '{"__proto__":{"a":1}}', type: "application/json" },
        "MALFORMED_BODY",
      ],
      [
        "POST",
        "/api/v1/trips",
        { body: '{"constructor":{"prototype":{"a":1}}}', type: "application/json" },
        "MALFORMED_BODY",
      ],
      ["POST", "/api/v1/trips", { body: "<trip/>", type: "application/xml" }, "UNSUPPORTED_MEDIA_TYPE"],
      ["POST", "/api/v1/trips", { body: "hello", type: "text/plain" }, "UNSUPPORTED_MEDIA_TYPE"],
      [
        "POST",
        "/api/v1/trips",
        { body: JSON.stringify({ goodsDescription: "x".repeat(70_000) }), type: "application/json" },
        "BODY_TOO_LARGE",
      ],
    ];
    for (const [method, url, options, code] of cases) {
      const response = await h.request(method, url, {
        as: "admin",
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(options.type === undefined ? {} : { headers: { "content-type": options.type } }),
      });
      assertError(response, code, `${method} ${url}`);
      assertSecurityHeaders(response.headers, `${method} ${url}`);
    }
  });

  it("answers a wrong method with 405 and the methods the path takes", async () => {
    const response = await h.request("PATCH", "/api/v1/trips/TRIP-X/arm", { as: "admin" });
    assertError(response, "METHOD_NOT_ALLOWED");
    assert.equal(response.headers.allow, "POST");
    const health = await h.request("DELETE", "/api/v1/health");
    assertError(health, "METHOD_NOT_ALLOWED");
    assert.equal(health.headers.allow, "GET, HEAD");
  });

  it("never quotes the body in a malformed-JSON message (it may hold a password)", async () => {
    const response = await h.request("POST", "/api/v1/auth/login", {
      body: '{"username":"admin","password":"hunter2 secret',
      headers: { "content-type": "application/json" },
    });
    const body = assertError(response, "MALFORMED_BODY");
    assert.doesNotMatch(body.message, /hunter2/);
  });

  it("answers requests node's HTTP parser refuses in the registry's shape, with the headers", async () => {
    const garbage = await rawRequest(port, "NOT AN HTTP REQUEST\r\n\r\n");
    assert.match(garbage, /^HTTP\/1\.1 400 /);
    assert.match(garbage, /x-content-type-options: nosniff/i);
    const body = JSON.parse(garbage.slice(garbage.indexOf("\r\n\r\n") + 4)) as ErrorJson;
    assert.deepEqual(body, {
      code: "MALFORMED_REQUEST",
      message: ERROR_CODES.MALFORMED_REQUEST.description,
      statusCode: 400,
    });
    const huge = await rawRequest(
      port,
      `GET /api/v1/health HTTP/1.1\r\nhost: x\r\nx-filler: ${"a".repeat(40_000)}\r\n\r\n`,
    );
    assert.match(huge, /^HTTP\/1\.1 431 /);
    assert.match(huge, /"code":"HEADERS_TOO_LARGE"/);
    // The server goes on serving.
    assert.equal((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).status, 200);
  });

  it("refuses a body nested too deep on every route that takes one, before it is parsed", async () => {
    const deep = "[".repeat(4500) + "]".repeat(4500);
    const bodies = [`{"a":${deep}}`, deep, `{"settings":{"x":${deep}}}`];
    const routes = h.routes.filter((r) => ["POST", "PUT", "PATCH"].includes(r.method));
    assert.ok(routes.length > 20);
    for (const route of routes) {
      for (const body of bodies) {
        const response = await h.request(route.method, concrete(route.url), {
          as: callerFor(h, route.url),
          body,
          headers: { "content-type": "application/json" },
        });
        const ingest = route.url.startsWith("/api/v1/ingest/");
        const error = assertError(response, "BODY_TOO_DEEP", `${route.method} ${route.url}`, ingest);
        assert.match(error.message, /nested (more than 32 levels )?deep/);
      }
    }
    // A zone as GeoJSON is parsed by the same parser.
    const geo = await h.request("POST", "/api/v1/zones", {
      as: "admin",
      body: `{"type":"Feature","geometry":{"type":"Polygon","coordinates":${deep}}}`,
      headers: { "content-type": "application/geo+json" },
    });
    assertError(geo, "BODY_TOO_DEEP");
    // And the process goes on serving what is reasonable.
    const device = await h.newDevice("ACME");
    const settings = await h.request("GET", `/api/v1/devices/${device}`, { as: "admin" });
    assert.equal(settings.statusCode, 200);
  });

  it("accepts device settings nested within the limit and gives them back", async () => {
    const id = await h.newDevice("ACME");
    let nested: unknown = { leaf: true };
    for (let i = 0; i < 28; i++) nested = { level: nested };
    const response = await h.request("PUT", `/api/v1/devices/${id}`, {
      as: "admin",
      body: {
        class: "active",
        vendor: "Teltonika",
        model: "FMB920",
        protocol: "teltonika",
        identifiers: [`35${id}`],
        settings: { io: nested },
      },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json<{ settings: unknown }>().settings, { io: nested });
  });

  it("bounds every numeric parameter the OpenAPI document declares, with a clear 400", async () => {
    const doc = (await h.request("GET", "/api/v1/openapi.json")).json<{
      paths: Record<string, Record<string, { parameters?: Parameter[] }>>;
    }>();
    interface Parameter {
      name: string;
      in: string;
      schema: { type?: string; minimum?: number; maximum?: number };
    }
    let checked = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const parameter of operation.parameters ?? []) {
          const { type, minimum, maximum } = parameter.schema;
          if (type !== "integer" && type !== "number") continue;
          const where = `${method.toUpperCase()} ${path} ${parameter.name}`;
          assert.ok(minimum !== undefined && maximum !== undefined, `${where} is not bounded`);
          const values = [
            String(maximum + 1),
            "1e19",
            "9223372036854775807",
            "-9223372036854775809",
            String(minimum - 1),
            "abc",
            "NaN",
            "Infinity",
            ...(type === "integer" ? ["1.5"] : []),
          ];
          const route = path.replace(/\{(\w+)\}/g, ":$1");
          // A path parameter is put in the path itself; a query parameter after the "?".
          const inPath = parameter.in === "path";
          for (const value of values) {
            const target = inPath
              ? concrete(route.replace(`:${parameter.name}`, encodeURIComponent(value)))
              : `${concrete(route)}?${parameter.name}=${encodeURIComponent(value)}`;
            const response = await h.request(method.toUpperCase(), target, { as: callerFor(h, route) });
            const error = assertError(response, "VALIDATION_FAILED", `${where}=${value}`);
            const prefix = inPath ? "params" : "query";
            assert.match(error.message, new RegExp(`^${prefix}\\.${parameter.name}: `), `${where}=${value}`);
          }
          checked++;
        }
      }
    }
    assert.ok(checked >= 7, `only ${checked} numeric parameters found`);
  });

  it("puts the security headers on every answer of every route", async () => {
    for (const route of h.routes) {
      if (route.url === "/api/v1/stream") continue;
      const response = await h.request(route.method, concrete(route.url), {
        as: callerFor(h, route.url),
        ...(route.method === "GET" || route.method === "DELETE" ? {} : { body: {} }),
      });
      const context = `${route.method} ${route.url} (${response.statusCode})`;
      assertSecurityHeaders(response.headers, context);
      // Answers about what a caller may see are never cached; a public route may choose its own.
      if (!route.public) assert.equal(response.headers["cache-control"], "no-store", context);
    }
    for (const url of ["/metrics", "/api/docs/", "/api/docs/static/swagger-ui-bundle.js"]) {
      const response = await h.request("GET", url);
      assert.equal(response.statusCode, 200, url);
      assertSecurityHeaders(response.headers, url);
    }
    const docsPolicy = String((await h.request("GET", "/api/docs/")).headers["content-security-policy"]);
    assert.doesNotMatch(docsPolicy, /upgrade-insecure-requests|https:|frame-ancestors 'self'/);
  });

  it("gives the live stream the same headers", async () => {
    const abort = new AbortController();
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/stream`, {
      headers: { authorization: `Bearer ${h.tokens.operator}` },
      signal: abort.signal,
    });
    assert.equal(response.status, 200);
    assertSecurityHeaders(Object.fromEntries(response.headers), "stream");
    abort.abort();
  });

  it("sets HSTS only for requests that came over HTTPS (here through a trusted proxy)", async () => {
    const plain = await h.request("GET", "/api/v1/health");
    assert.equal(plain.headers["strict-transport-security"], undefined);
    const tls = await h.request("GET", "/api/v1/health", { headers: { "x-forwarded-proto": "https" } });
    assert.match(String(tls.headers["strict-transport-security"]), /^max-age=\d+/);
  });

  it("gives the dashboard page a strict Content-Security-Policy", async () => {
    const page = await h.request("GET", "/");
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers["content-type"]), /^text\/html/);
    assertSecurityHeaders(page.headers, "/");
    const policy = String(page.headers["content-security-policy"]);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "worker-src 'self' blob:",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ])
      assert.ok(policy.split("; ").includes(directive), `${directive} in ${policy}`);
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|\*/);
  });
});

describe("the bounds check on route parameters", () => {
  it("names every number, string and array a route leaves unbounded", () => {
    const problems = routeBoundProblems({
      querystring: {
        type: "object",
        properties: {
          offset: { type: "integer", minimum: 0 },
          limit: { type: "integer", minimum: 1, maximum: 100 },
          name: { type: "string" },
          code: { type: "string", maxLength: 8 },
          state: { type: "array", items: { type: "string", enum: ["a", "b"] } },
          ids: { type: "array", maxItems: 5, items: { type: "string" } },
          at: { anyOf: [{ type: "number", maximum: 1 }, { type: "null" }] },
        },
      },
      params: { type: "object", properties: { id: { type: "string", maxLength: 64 } } },
      body: { type: "object", properties: { free: { type: "number" } } },
    });
    assert.deepEqual(problems, [
      "query.offset: no maximum",
      "query.name: no maxLength",
      "query.state: no maxItems",
      "query.ids[]: no maxLength",
      "query.at: no minimum",
    ]);
  });
});
