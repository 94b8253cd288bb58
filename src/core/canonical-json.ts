/**
 * RFC 8785 (JCS) canonical JSON: object members sorted by the UTF-16 code units of their names, no
 * insignificant whitespace, numbers and strings serialised as ECMAScript does. Used to decide whether
 * two inputs carry the same content and to order same-instant inputs deterministically.
 * Bigints, which JSON has no form for, are written as decimal strings.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return `"${value.toString()}"`;
    case "object":
      if (value === null) return "null";
      return Array.isArray(value) ? arrayJson(value) : objectJson(value as Record<string, unknown>);
    case "undefined":
    case "function":
    case "symbol":
      // No JSON form; they never occur in parsed JSON.
      return "null";
  }
}

function arrayJson(items: readonly unknown[]): string {
  let text = "[";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) text += ",";
    text += canonicalJson(items[i]);
  }
  return `${text}]`;
}

/** Member names that need no escaping, written without calling JSON.stringify. */
const PLAIN_NAME = /^[A-Za-z0-9_$-]*$/;
/** `"name":` for names seen before (objects of one shape repeat their names); bounded. */
const QUOTED = new Map<string, string>();
const QUOTED_MAX = 4_096;

function quoted(key: string): string {
  let text = QUOTED.get(key);
  if (text === undefined) {
    text = PLAIN_NAME.test(key) ? `"${key}":` : `${JSON.stringify(key)}:`;
    if (QUOTED.size < QUOTED_MAX) QUOTED.set(key, text);
  }
  return text;
}

function objectJson(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  // Decoders build their objects with members in order already: sort only when they are not.
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
    if (member === undefined) continue;
    if (!first) text += ",";
    first = false;
    text += quoted(key);
    text += canonicalJson(member);
  }
  return `${text}}`;
}
