/**
 * JSON as the store keeps it: bigints become decimal strings, undefined members disappear, the rest
 * is JSON.stringify's. What is read back is the normalized value, which is also what the dedup key
 * and the audit hash are computed from (over its canonical encoding).
 */

function replacer(_key: string, member: unknown): unknown {
  return typeof member === "bigint" ? member.toString() : member;
}

/** The JSON value `value` stands for (undefined stays undefined). */
export function normalizeJson(value: unknown): unknown {
  const text = toJsonText(value);
  return text === null ? undefined : (JSON.parse(text) as unknown);
}

/** JSON text of `value`, or null when it is undefined (a NULL column). */
export function toJsonText(value: unknown): string | null {
  if (value === undefined) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    // Only bigints (Teltonika IO values beyond 2^53) need help; the native path is twice as fast.
    if (!(error instanceof TypeError)) throw error;
    text = JSON.stringify(value, replacer);
  }
  return text ?? null;
}

/** Parses a JSON column (null stays undefined). */
export function fromJsonText(text: unknown): unknown {
  if (text === null || text === undefined) return undefined;
  if (typeof text !== "string") throw new TypeError(`expected JSON text, got ${typeof text}`);
  return JSON.parse(text) as unknown;
}
