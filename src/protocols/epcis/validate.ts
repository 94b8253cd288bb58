/**
 * Validation of a parsed EPCIS document: the structural limits, then the official EPCIS 2.0 JSON
 * schema (Ajv 8 with ajv-formats, compiled once on first use), then the one JSON-LD rule the
 * schema cannot express: a document's own context may not redefine the EPCIS context's terms.
 */
import { Ajv, type SchemaValidateFunction, type ValidateFunction } from "ajv";
import formats from "ajv-formats";
import { canonicalJson } from "../../core/canonical-json.js";
import { EPCIS_SCHEMA, PROTECTED_TERMS } from "./artefacts.js";
import { capIssues, childPointer, describeSchemaErrors, type ValidationIssue } from "./issues.js";
import { resolveLimits, type EpcisLimits } from "./limits.js";
import { checkShape } from "./shape.js";

export type ValidationFailureCode =
  "too_many_events" | "array_too_long" | "too_deep" | "forbidden_key" | "not_epcis_document" | "invalid";

export type ValidationResult =
  | { readonly ok: true; readonly document: Readonly<Record<string, unknown>> }
  | {
      readonly ok: false;
      readonly code: ValidationFailureCode;
      readonly errors: readonly ValidationIssue[];
      /** Errors beyond `maxErrors`, counted but not listed. */
      readonly omittedErrors: number;
    };

let compiled: ValidateFunction | undefined;

/**
 * `uniqueItems` in one pass. Ajv compares every pair of items when the schema does not say they
 * are scalars (it does not for `epcList`), so 2 MiB of short EPCs in long lists took seconds.
 * Equal canonical JSON (RFC 8785) is exactly JSON Schema's equality: same values, any key order.
 */
const uniqueItems: SchemaValidateFunction = (schema: unknown, data: unknown): boolean => {
  if (schema !== true || !Array.isArray(data)) return true;
  const firstIndex = new Map<string, number>();
  for (const [j, item] of (data as unknown[]).entries()) {
    const key = canonicalJson(item);
    const i = firstIndex.get(key);
    if (i !== undefined) {
      uniqueItems.errors = [
        { keyword: "uniqueItems", message: "must NOT have duplicate items", params: { i, j } },
      ];
      return false;
    }
    firstIndex.set(key, j);
  }
  return true;
};

/** The compiled schema; compiling takes a few hundred milliseconds, so it happens once per process. */
function schemaValidator(): ValidateFunction {
  if (compiled === undefined) {
    // allErrors: the sender gets every problem (capped), not one per round trip.
    // strict: false: the official schema uses keywords Ajv's strict mode frowns upon; it is not ours to edit.
    // ownProperties: never read a property through the prototype chain.
    const ajv = new Ajv({ allErrors: true, strict: false, ownProperties: true });
    formats.default(ajv);
    ajv.removeKeyword("uniqueItems");
    ajv.addKeyword({
      keyword: "uniqueItems",
      type: "array",
      schemaType: "boolean",
      errors: true,
      validate: uniqueItems,
    });
    compiled = ajv.compile(EPCIS_SCHEMA);
  }
  return compiled;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Inline context definitions that redefine a protected EPCIS term, at document or event level. */
function contextIssues(document: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const check = (context: unknown, path: string): void => {
    const entries = Array.isArray(context)
      ? context.map((item, index) => [item, childPointer(path, index)] as const)
      : [[context, path] as const];
    for (const [entry, entryPath] of entries) {
      if (!isRecord(entry)) continue;
      for (const term of Object.keys(entry)) {
        if (PROTECTED_TERMS.has(term)) {
          issues.push({
            path: childPointer(entryPath, term),
            message: `redefines "${term}", a protected term of the EPCIS context; choose another name or prefix`,
          });
        }
      }
    }
  };
  if (Object.hasOwn(document, "@context")) check(document["@context"], "/@context");
  const body = document.epcisBody;
  const events = isRecord(body) && Array.isArray(body.eventList) ? (body.eventList as unknown[]) : [];
  events.forEach((event, index) => {
    if (isRecord(event) && Object.hasOwn(event, "@context")) {
      check(event["@context"], `/epcisBody/eventList/${index}/@context`);
    }
  });
  return issues;
}

/**
 * Validates a parsed value as an EPCIS 2.0 capture document. Never throws on any JSON value. A
 * standalone event or an EPCISQueryDocument is refused: capture takes whole EPCISDocuments.
 */
export function validateEpcisDocument(
  value: unknown,
  overrides: Partial<EpcisLimits> = {},
): ValidationResult {
  const limits = resolveLimits(overrides);
  const shape = checkShape(value, limits);
  if (shape !== undefined) {
    return {
      ok: false,
      code: shape.code,
      errors: [{ path: shape.path, message: shape.message }],
      omittedErrors: 0,
    };
  }
  if (!isRecord(value) || value.type !== "EPCISDocument") {
    const path = isRecord(value) ? "/type" : "";
    const message = isRecord(value)
      ? `must be "EPCISDocument"; capture takes whole EPCIS documents, got ${JSON.stringify(value.type) ?? "nothing"}`
      : "must be a JSON object (an EPCISDocument)";
    return { ok: false, code: "not_epcis_document", errors: [{ path, message }], omittedErrors: 0 };
  }
  const validate = schemaValidator();
  const issues: ValidationIssue[] = [];
  if (!validate(value)) {
    issues.push(...describeSchemaErrors(validate.errors ?? []));
    if (issues.length === 0)
      issues.push({ path: "", message: "does not conform to the EPCIS 2.0 JSON schema" });
  }
  issues.push(...contextIssues(value));
  if (issues.length === 0) return { ok: true, document: value };
  const capped = capIssues(issues, limits.maxErrors);
  return { ok: false, code: "invalid", errors: capped.issues, omittedErrors: capped.omitted };
}
