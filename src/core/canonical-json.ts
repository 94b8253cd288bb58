/**
 * RFC 8785 (JCS) canonical JSON: object members sorted by the UTF-16 code units of their names, no
 * insignificant whitespace, numbers and strings serialised as ECMAScript does (Number::toString and
 * JSON.stringify's string escaping are exactly what JCS prescribes; -0 is written 0).
 *
 * Two entry points share one serialiser:
 * - `jcs(value)` is JCS exactly: it refuses what JCS has no form for (NaN and the infinities, strings
 *   with a lone UTF-16 surrogate, which I-JSON forbids, bigints, and undefined, functions or symbols
 *   as values) with a `CanonicalJsonError`. Signed documents (dossiers, partner messages) use it.
 * - `canonicalJson(value)` is the lenient form the engine and the audit chain have always hashed:
 *   non-finite numbers become `null`, a lone surrogate is escaped as `\udxxx` (as JSON.stringify
 *   does), a bigint is written as a decimal string, and an undefined array element as `null`. On
 *   every input `jcs` accepts, the two give the same text.
 */

/** Thrown by `jcs` for a value that has no RFC 8785 form; `path` names where it is (`$.a[2]`). */
export class CanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = "CanonicalJsonError";
  }
}

/** Lenient canonical JSON (see the module comment); never throws for JSON-like values. */
export function canonicalJson(value: unknown): string {
  return serialise(value, false, "$");
}

/** RFC 8785 canonical JSON; throws a CanonicalJsonError for values JCS cannot represent. */
export function jcs(value: unknown): string {
  return serialise(value, true, "$");
}

/** A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serialise(value: unknown, strict: boolean, path: string): string {
  switch (typeof value) {
    case "string":
      if (strict && LONE_SURROGATE.test(value))
        throw new CanonicalJsonError(path, "a string with a lone UTF-16 surrogate has no I-JSON form");
      return JSON.stringify(value);
    case "number":
      if (Number.isFinite(value)) return String(value);
      if (strict) throw new CanonicalJsonError(path, `${String(value)} has no JSON number form`);
      return "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      if (strict) throw new CanonicalJsonError(path, "a bigint has no JSON form (use a decimal string)");
      return `"${value.toString()}"`;
    case "object":
      if (value === null) return "null";
      return Array.isArray(value)
        ? arrayJson(value, strict, path)
        : objectJson(value as Record<string, unknown>, strict, path);
    case "undefined":
    case "function":
    case "symbol":
      if (strict) throw new CanonicalJsonError(path, `a ${typeof value} has no JSON form`);
      // No JSON form; they never occur in parsed JSON.
      return "null";
  }
}

function arrayJson(items: readonly unknown[], strict: boolean, path: string): string {
  let text = "[";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) text += ",";
    text += serialise(items[i], strict, strict ? `${path}[${i}]` : path);
  }
  return `${text}]`;
}

/** Member names that need no escaping, written without calling JSON.stringify. */
const PLAIN_NAME = /^[A-Za-z0-9_$-]*$/;
/** `"name":` for names seen before (objects of one shape repeat their names); bounded. */
const QUOTED = new Map<string, string>();
const QUOTED_MAX = 4_096;

function quoted(key: string, strict: boolean, path: string): string {
  let text = QUOTED.get(key);
  if (text === undefined) {
    if (strict && LONE_SURROGATE.test(key))
      throw new CanonicalJsonError(path, "a member name with a lone UTF-16 surrogate has no I-JSON form");
    text = PLAIN_NAME.test(key) ? `"${key}":` : `${JSON.stringify(key)}:`;
    // Only names that are valid in both forms are shared between them.
    if (QUOTED.size < QUOTED_MAX && !LONE_SURROGATE.test(key)) QUOTED.set(key, text);
  }
  return text;
}

function objectJson(record: Record<string, unknown>, strict: boolean, path: string): string {
  const keys = Object.keys(record);
  // Decoders build their objects with members in order already: sort only when they are not.
  // Both `>` and the default sort compare strings by UTF-16 code units, as RFC 8785 §3.2.3 asks.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort();
      break;
    }
  }
  let text = "{";
  let first = true;
  for (const key of keys) {
    const member = record[key];
    // An absent member: JSON.stringify leaves undefined members out, and so does JCS's I-JSON input.
    if (member === undefined) continue;
    if (!first) text += ",";
    first = false;
    const memberPath = strict ? `${path}.${key}` : path;
    text += quoted(key, strict, memberPath);
    text += serialise(member, strict, memberPath);
  }
  return `${text}}`;
}
