/**
 * The JSON formats devices and gateways send (schema files beside this module): a reading, a passive
 * seal read, and the signed or encrypted envelope around a reading. Compiled once with Ajv; errors
 * come back as `{ path, message }` (a JSON pointer into the value), a few at most.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import envelopeSchema from "./schema/envelope.schema.json" with { type: "json" };
import readSchema from "./schema/read.schema.json" with { type: "json" };
import readingSchema from "./schema/reading.schema.json" with { type: "json" };

export const READING_SCHEMA: Readonly<Record<string, unknown>> = readingSchema;
export const READ_SCHEMA: Readonly<Record<string, unknown>> = readSchema;
export const ENVELOPE_SCHEMA: Readonly<Record<string, unknown>> = envelopeSchema;

export interface JsonIssue {
  readonly path: string;
  readonly message: string;
}

export interface JsonReading {
  readonly deviceId?: string;
  readonly at: string;
  readonly position?: {
    readonly lon: number;
    readonly lat: number;
    readonly speedKmh?: number;
    readonly courseDeg?: number;
    readonly valid?: boolean;
    readonly altitudeM?: number;
    readonly satellites?: number;
  };
  readonly seal?: "closed" | "open";
  readonly tamper?: boolean;
  readonly batteryPct?: number;
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface JsonRead {
  readonly sealId: string;
  readonly office: string;
  readonly status: "intact" | "broken";
  readonly at: string;
  readonly readerId?: string;
  /** The seal number the reader found on the seal, compared with the trip's declared seals. */
  readonly sealNumber?: string;
}

export type JsonEnvelope = {
  readonly v?: 1;
  readonly deviceId: string;
  readonly keyId: string;
  readonly counter: number;
} & (
  | { readonly payload: Record<string, unknown> | string; readonly mac: string }
  | { readonly iv: string; readonly ciphertext: string; readonly tag: string }
);

export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: JsonIssue[] };

const MAX_ISSUES = 10;

let compiled: { reading: ValidateFunction; read: ValidateFunction; envelope: ValidateFunction } | undefined;

/** Compiles the schemas now (the gateway does it at start, so that a schema problem stops it there). */
export function compileJsonSchemas(): void {
  validators();
}

function validators(): NonNullable<typeof compiled> {
  if (compiled === undefined) {
    // ownProperties: never read a member through the prototype chain of hostile JSON.
    // strictRequired off: the envelope's oneOf uses `not: { required }` to forbid members, which is intended.
    const ajv = new Ajv({
      allErrors: true,
      ownProperties: true,
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
    });
    compiled = {
      reading: ajv.compile(readingSchema),
      read: ajv.compile(readSchema),
      envelope: ajv.compile(envelopeSchema),
    };
  }
  return compiled;
}

function issuesOf(errors: readonly ErrorObject[] | null | undefined): JsonIssue[] {
  const issues: JsonIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    // oneOf/not noise: one line per place is enough.
    const message =
      error.keyword === "additionalProperties"
        ? `has an unknown member "${String((error.params as { additionalProperty?: unknown }).additionalProperty)}"`
        : (error.message ?? "is invalid");
    const key = `${error.instancePath}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path: error.instancePath, message });
    if (issues.length >= MAX_ISSUES) break;
  }
  return issues;
}

function check<T>(validate: ValidateFunction, value: unknown): Checked<T> {
  return validate(value) ? { ok: true, value: value as T } : { ok: false, issues: issuesOf(validate.errors) };
}

export function checkReading(value: unknown): Checked<JsonReading> {
  return check(validators().reading, value);
}

export function checkRead(value: unknown): Checked<JsonRead> {
  return check(validators().read, value);
}

export function checkEnvelope(value: unknown): Checked<JsonEnvelope> {
  return check(validators().envelope, value);
}

/** Whether a JSON value is meant as an envelope (it has a counter and a MAC or a ciphertext). */
export function looksLikeEnvelope(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const has = (name: string): boolean => Object.prototype.hasOwnProperty.call(value, name);
  return has("counter") || has("mac") || has("ciphertext");
}
