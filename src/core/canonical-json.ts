/**
 * RFC 8785 (JCS) canonical JSON: object members sorted by the UTF-16 code units of their names, no
 * insignificant whitespace, numbers and strings serialised as ECMAScript does. Used to decide whether
 * two inputs carry the same content and to order same-instant inputs deterministically.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    const text = JSON.stringify(value);
    // undefined, functions and symbols have no JSON form; they never occur in parsed JSON.
    return text === undefined ? "null" : text;
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => canonicalJson(item)).join(",")}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  const parts: string[] = [];
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${parts.join(",")}}`;
}
