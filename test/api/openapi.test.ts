/**
 * The OpenAPI document is valid OpenAPI 3.1 as far as a structural schema can tell, its schemas are
 * valid JSON Schema 2020-12 (the dialect of OpenAPI 3.1), every $ref resolves, and every route of
 * the API is in it.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Ajv2020 } from "ajv/dist/2020.js";
import { createHarness, type Harness } from "./support.js";

const METHODS = ["get", "put", "post", "delete", "patch", "options", "head", "trace"] as const;

/** The parts of the OpenAPI 3.1 schema that a generated document must satisfy. */
const OPENAPI_31_SHAPE = {
  type: "object",
  required: ["openapi", "info", "paths"],
  properties: {
    openapi: { type: "string", pattern: "^3\\.1\\.\\d+$" },
    info: {
      type: "object",
      required: ["title", "version"],
      properties: { title: { type: "string" }, version: { type: "string" }, description: { type: "string" } },
    },
    servers: { type: "array", items: { type: "object", required: ["url"] } },
    security: { type: "array", items: { type: "object" } },
    tags: { type: "array", items: { type: "object", required: ["name"] } },
    paths: {
      type: "object",
      propertyNames: { pattern: "^/" },
      additionalProperties: {
        type: "object",
        propertyNames: { enum: [...METHODS, "summary", "description", "servers", "parameters", "$ref"] },
        additionalProperties: {
          type: "object",
          required: ["responses"],
          properties: {
            tags: { type: "array", items: { type: "string" } },
            summary: { type: "string" },
            operationId: { type: "string" },
            parameters: {
              type: "array",
              items: {
                type: "object",
                required: ["name", "in"],
                properties: {
                  in: { enum: ["query", "header", "path", "cookie"] },
                  name: { type: "string" },
                  required: { type: "boolean" },
                },
                if: { properties: { in: { const: "path" } } },
                then: { required: ["required"], properties: { required: { const: true } } },
              },
            },
            requestBody: {
              type: "object",
              required: ["content"],
              properties: { content: { type: "object", minProperties: 1 } },
            },
            responses: {
              type: "object",
              minProperties: 1,
              propertyNames: { pattern: "^([1-5](\\d\\d|XX)|default)$" },
              additionalProperties: {
                type: "object",
                required: ["description"],
                properties: { description: { type: "string" }, content: { type: "object" } },
              },
            },
            security: { type: "array" },
          },
        },
      },
    },
    components: {
      type: "object",
      properties: {
        schemas: { type: "object", additionalProperties: { type: ["object", "boolean"] } },
        securitySchemes: {
          type: "object",
          additionalProperties: {
            type: "object",
            required: ["type"],
            properties: { type: { enum: ["apiKey", "http", "mutualTLS", "oauth2", "openIdConnect"] } },
          },
        },
      },
    },
  },
};

type Json = Record<string, unknown>;

function walk(value: unknown, visit: (node: Json, path: string) => void, path = "#"): void {
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, visit, `${path}/${i}`));
  else if (typeof value === "object" && value !== null) {
    visit(value as Json, path);
    for (const [k, v] of Object.entries(value)) walk(v, visit, `${path}/${k}`);
  }
}

describe("the OpenAPI document", () => {
  let h: Harness;
  let doc: Json;
  before(async () => {
    h = await createHarness();
    const response = await h.request("GET", "/api/v1/openapi.json");
    assert.equal(response.statusCode, 200);
    doc = response.json();
  });
  after(() => h.close());

  it("has the structure of an OpenAPI 3.1 document", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(OPENAPI_31_SHAPE);
    assert.equal(validate(doc), true, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  });

  it("holds only valid JSON Schema 2020-12 schemas", () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const schemas: [string, unknown][] = [];
    for (const [name, schema] of Object.entries((doc.components as Json).schemas as Json))
      schemas.push([`components/${name}`, schema]);
    walk(doc.paths, (node, path) => {
      if ("schema" in node && typeof node.schema === "object") schemas.push([path, node.schema]);
    });
    assert.ok(schemas.length > 50);
    for (const [where, schema] of schemas)
      assert.equal(ajv.validateSchema(schema as object), true, `${where}: ${ajv.errorsText()}`);
  });

  it("resolves every $ref", () => {
    const refs: string[] = [];
    walk(doc, (node) => {
      if (typeof node.$ref === "string") refs.push(node.$ref);
    });
    assert.ok(refs.length > 20);
    for (const ref of refs) {
      assert.match(ref, /^#\/components\/schemas\//);
      const target = ref
        .split("/")
        .slice(1)
        .reduce<unknown>((at, key) => (at as Json | undefined)?.[key], doc);
      assert.ok(target !== undefined, `${ref} does not resolve`);
    }
  });

  it("describes every route of the API with its method", () => {
    const paths = doc.paths as Record<string, Json>;
    const missing = h.routes
      .map((r) => ({ method: r.method.toLowerCase(), path: r.url.replace(/:([A-Za-z]+)/g, "{$1}") }))
      .filter((r) => paths[r.path]?.[r.method] === undefined)
      .map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(missing, []);
  });

  it("documents authentication, error answers and the shared schemas", () => {
    const components = doc.components as Json;
    assert.deepEqual((components.securitySchemes as Json).bearer, {
      type: "http",
      scheme: "bearer",
      description: "A session token (sws_...) from /auth/login, or an API key (swk_...).",
    });
    for (const name of ["Trip", "Alarm", "Zone", "Device", "AuditRecord", "Error"])
      assert.ok((components.schemas as Json)[name], name);
    const declare = (doc.paths as Record<string, Record<string, Json>>)["/api/v1/trips"]!.post!;
    assert.ok((declare.responses as Json)["4XX"] ?? (declare.responses as Json)["4xx"]);
    const login = (doc.paths as Record<string, Record<string, Json>>)["/api/v1/auth/login"]!.post!;
    assert.deepEqual(login.security, []);
  });

  it("serves the docs page from the package's own files (offline)", async () => {
    const page = await h.request("GET", "/api/docs/");
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /swagger-ui/i);
    assert.doesNotMatch(page.body, /https?:\/\/(?!localhost)[a-z0-9.-]+\/[^"']*\.(js|css)/i);
    const bundle = await h.request("GET", "/api/docs/static/swagger-ui-bundle.js");
    assert.equal(bundle.statusCode, 200);
  });
});
