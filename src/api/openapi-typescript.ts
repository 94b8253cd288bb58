/**
 * TypeScript types from the OpenAPI document: every component schema, and the answers of chosen
 * operations that have no component of their own, as read-only types. The dashboard's types of the
 * API (web/src/api/openapi.gen.ts) are written from it by test/dashboard/api-types.test.ts, which
 * also fails when the committed file drifts from the document.
 *
 * Covers the JSON Schema the API's TypeBox schemas produce: objects (properties, required,
 * additionalProperties, patternProperties), arrays (a fixed length of two to four is a tuple, e.g.
 * `[lon, lat]`), enums, const, anyOf/oneOf, allOf and local `$ref`s to components.
 */

/** A JSON Schema as the OpenAPI document holds it (only what the conversion reads). */
export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly patternProperties?: Readonly<Record<string, JsonSchema>>;
  readonly items?: JsonSchema;
  readonly prefixItems?: readonly JsonSchema[];
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly description?: string;
}

export interface OpenApiDocument {
  readonly paths?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, JsonSchema>> };
}

/** A named type taken from an operation's answer: `GET /api/v1/kpis/inspections` 200. */
export interface OperationType {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly status: string;
}

const LONGEST_TUPLE = 4;
const COMPONENT_REF = /^#\/components\/schemas\/([A-Za-z_][\w]*)$/;

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

function comment(text: string | undefined, indent: string): string {
  if (text === undefined || text.trim() === "") return "";
  const safe = text.replace(/\*\//g, "* /").trim();
  const lines = safe.split("\n");
  if (lines.length === 1) return `${indent}/** ${safe} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`.trimEnd()).join("\n")}\n${indent} */\n`;
}

function union(parts: readonly string[]): string {
  const unique = [...new Set(parts)];
  if (unique.includes("unknown")) return "unknown";
  return unique.length === 0 ? "never" : unique.join(" | ");
}

function objectType(schema: JsonSchema, indent: string): string {
  const inner = `${indent}  `;
  const required = new Set(schema.required ?? []);
  const members: string[] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const optional = required.has(name) ? "" : "?";
    members.push(
      `${comment(property.description, inner)}${inner}readonly ${key(name)}${optional}: ${typeOf(property, inner)};`,
    );
  }
  const extra: string[] = [];
  for (const pattern of Object.values(schema.patternProperties ?? {})) extra.push(typeOf(pattern, inner));
  const additional = schema.additionalProperties;
  if (additional === true) extra.push("unknown");
  else if (typeof additional === "object") extra.push(typeOf(additional, inner));
  if (extra.length > 0) {
    // Named members must fit the index signature: a record with members takes any value.
    const value = members.length > 0 ? "unknown" : union(extra);
    members.push(`${inner}readonly [key: string]: ${value};`);
  }
  return members.length === 0 ? "Record<string, never>" : `{\n${members.join("\n")}\n${indent}}`;
}

function arrayType(schema: JsonSchema, indent: string): string {
  if (schema.prefixItems !== undefined)
    return `readonly [${schema.prefixItems.map((s) => typeOf(s, indent)).join(", ")}]`;
  const item = schema.items === undefined ? "unknown" : typeOf(schema.items, indent);
  const length = schema.minItems;
  if (length !== undefined && length === schema.maxItems && length >= 2 && length <= LONGEST_TUPLE)
    return `readonly [${Array.from({ length }, () => item).join(", ")}]`;
  return /^[\w.]+$/.test(item) ? `readonly ${item}[]` : `readonly (${item})[]`;
}

function singleType(schema: JsonSchema, type: string, indent: string): string {
  switch (type) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array":
      return arrayType(schema, indent);
    case "object":
      return objectType(schema, indent);
    default:
      return "unknown";
  }
}

/** The TypeScript type of one schema (`indent`: the indentation of the line it starts on). */
export function typeOf(schema: JsonSchema | boolean, indent = ""): string {
  if (schema === true) return "unknown";
  if (schema === false) return "never";
  if (schema.$ref !== undefined) {
    const match = COMPONENT_REF.exec(schema.$ref);
    if (match === null) throw new Error(`unsupported $ref ${schema.$ref}: only components are referenced`);
    return match[1]!;
  }
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum !== undefined) return union(schema.enum.map((v) => JSON.stringify(v)));
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives !== undefined) return union(alternatives.map((s) => typeOf(s, indent)));
  if (schema.allOf !== undefined) return schema.allOf.map((s) => typeOf(s, indent)).join(" & ");
  if (Array.isArray(schema.type)) return union(schema.type.map((t: string) => singleType(schema, t, indent)));
  if (typeof schema.type === "string") return singleType(schema, schema.type, indent);
  if (schema.properties !== undefined) return objectType(schema, indent);
  return "unknown";
}

function operationSchema(doc: OpenApiDocument, op: OperationType): JsonSchema {
  const operation = doc.paths?.[op.path]?.[op.method] as
    { responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }> } | undefined;
  const schema = operation?.responses?.[op.status]?.content?.["application/json"]?.schema;
  if (schema === undefined)
    throw new Error(`no JSON answer ${op.status} of ${op.method.toUpperCase()} ${op.path} in the document`);
  return schema;
}

/** The module's source: one exported type per component, then one per chosen operation answer. */
export function typesFromOpenApi(
  doc: OpenApiDocument,
  options: { readonly header: string; readonly operations?: readonly OperationType[] },
): string {
  const blocks: string[] = [options.header.trimEnd()];
  const named = new Set<string>();
  const add = (name: string, schema: JsonSchema, origin?: string) => {
    if (named.has(name)) throw new Error(`two types named ${name}`);
    named.add(name);
    const doc = [schema.description, origin].filter((x) => x !== undefined).join("\n\n");
    blocks.push(`${comment(doc, "")}export type ${name} = ${typeOf(schema)};`);
  };
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) add(name, schema);
  for (const op of options.operations ?? [])
    add(
      op.name,
      operationSchema(doc, op),
      `The answer ${op.status} of ${op.method.toUpperCase()} ${op.path}.`,
    );
  return `${blocks.join("\n\n")}\n`;
}
