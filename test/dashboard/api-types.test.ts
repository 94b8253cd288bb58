/**
 * The dashboard's types of the API come from the OpenAPI document: web/src/api/openapi.gen.ts must be
 * exactly what the generator writes from the document the server serves (drift fails here). With
 * SEALWATCH_UPDATE_GOLDEN=1 the test writes the file instead: run it after changing an API schema.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { format, resolveConfig } from "prettier";
import { typeOf, typesFromOpenApi, type OpenApiDocument } from "../../src/api/openapi-typescript.js";
import { createHarness, type Harness } from "../api/support.js";

const FILE = join(process.cwd(), "web", "src", "api", "openapi.gen.ts");
const update = process.env.SEALWATCH_UPDATE_GOLDEN === "1";

const HEADER = `/**
 * Generated from the OpenAPI document (GET /api/v1/openapi.json) by src/api/openapi-typescript.ts:
 * do not edit. After changing an API schema, rebuild and run
 * SEALWATCH_UPDATE_GOLDEN=1 node --test dist/test/dashboard/api-types.test.js
 */`;

/** Answers without a component of their own that the dashboard reads. */
const OPERATIONS = [
  { name: "Kpis", method: "get", path: "/api/v1/kpis", status: "200" },
  { name: "InspectionFigures", method: "get", path: "/api/v1/kpis/inspections", status: "200" },
  { name: "DashboardConfig", method: "get", path: "/api/v1/dashboard/config", status: "200" },
] as const;

async function generate(doc: OpenApiDocument): Promise<string> {
  const source = typesFromOpenApi(doc, { header: HEADER, operations: OPERATIONS });
  return format(source, { ...(await resolveConfig(FILE)), filepath: FILE });
}

describe("the dashboard's API types", () => {
  let h: Harness;
  let doc: OpenApiDocument;
  before(async () => {
    h = await createHarness();
    doc = (await h.request("GET", "/api/v1/openapi.json")).json<OpenApiDocument>();
  });
  after(() => h.close());

  it("web/src/api/openapi.gen.ts is what the OpenAPI document gives", async () => {
    const expected = await generate(doc);
    if (update) writeFileSync(FILE, expected);
    const actual = readFileSync(FILE, "utf8");
    assert.ok(
      actual === expected,
      "web/src/api/openapi.gen.ts differs from the OpenAPI document: rebuild and run this test with SEALWATCH_UPDATE_GOLDEN=1",
    );
    for (const name of ["Alarm", "AlarmEvidence", "Inspection", "RiskReason", "InspectionFigures"])
      assert.match(actual, new RegExp(`^export type ${name} = `, "m"));
  });

  it("converts the schema forms the API uses", () => {
    assert.equal(typeOf({ anyOf: [{ type: "string" }, { type: "null" }] }), "string | null");
    assert.equal(typeOf({ type: "string", enum: ["green", "red"] }), '"green" | "red"');
    assert.equal(
      typeOf({ type: "array", items: { type: "number" }, minItems: 2, maxItems: 2 }),
      "readonly [number, number]",
    );
    assert.equal(
      typeOf({ type: "array", items: { $ref: "#/components/schemas/RiskReason" } }),
      "readonly RiskReason[]",
    );
    assert.equal(
      typeOf({
        type: "object",
        required: ["a"],
        properties: { a: { type: "integer" }, b: { type: "boolean" } },
      }),
      "{\n  readonly a: number;\n  readonly b?: boolean;\n}",
    );
    assert.equal(
      typeOf({ type: "object", patternProperties: { "^(.*)$": { type: "number" } } }),
      "{\n  readonly [key: string]: number;\n}",
    );
    assert.equal(typeOf({}), "unknown");
    assert.throws(() => typeOf({ $ref: "https://example.com/schema.json" }), /only components/);
  });
});
