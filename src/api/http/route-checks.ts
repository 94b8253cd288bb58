/**
 * Checks every route declares at registration, so that a new route cannot forget them: an access
 * rule (a permission or public access), and bounds on every value of its path, query string and
 * headers — numbers with a minimum and a maximum, strings with a maximum length (or a fixed list),
 * arrays with a maximum count. A number no schema bounds reaches the store as `offset=1e19`; these
 * checks make that a start-up failure of the route's author instead of a 500 for a caller.
 */

type Schema = Record<string, unknown>;

/** The request parts whose values come from the URL and headers (text that is coerced). */
export const BOUNDED_PARTS = ["params", "querystring", "headers"] as const;

function types(schema: Schema): string[] {
  const type = schema.type;
  return typeof type === "string" ? [type] : Array.isArray(type) ? (type as string[]) : [];
}

function has(schema: Schema, ...keys: string[]): boolean {
  return keys.some((key) => schema[key] !== undefined);
}

/** Problems of one schema, each naming the value (`query.offset: no maximum`). */
export function unboundedValues(schema: unknown, where: string): string[] {
  const problems: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (typeof node !== "object" || node === null) return;
    const s = node as Schema;
    for (const key of ["anyOf", "oneOf", "allOf"])
      if (Array.isArray(s[key])) for (const branch of s[key] as unknown[]) walk(branch, path);
    if (has(s, "enum", "const")) return;
    for (const type of types(s)) {
      if (type === "integer" || type === "number") {
        if (!has(s, "minimum", "exclusiveMinimum")) problems.push(`${path}: no minimum`);
        if (!has(s, "maximum", "exclusiveMaximum")) problems.push(`${path}: no maximum`);
      } else if (type === "string") {
        if (!has(s, "maxLength")) problems.push(`${path}: no maxLength`);
      } else if (type === "array") {
        if (!has(s, "maxItems")) problems.push(`${path}: no maxItems`);
        walk(s.items, `${path}[]`);
      } else if (type === "object") {
        const properties = (s.properties ?? {}) as Record<string, unknown>;
        for (const [name, child] of Object.entries(properties)) walk(child, `${path}.${name}`);
      }
    }
  };
  walk(schema, where);
  return problems;
}

/** The problems of a route's path, query and header schemas. */
export function routeBoundProblems(schema: object | undefined): string[] {
  if (schema === undefined) return [];
  const parts = schema as Partial<Record<string, unknown>>;
  return BOUNDED_PARTS.flatMap((part) =>
    parts[part] === undefined ? [] : unboundedValues(parts[part], part === "querystring" ? "query" : part),
  );
}
