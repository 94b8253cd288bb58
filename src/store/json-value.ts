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

/** Where a JSON text already computed for an object is kept, on the object itself (see rememberJsonText). */
const JSON_TEXT = Symbol("sealwatch.jsonText");

/**
 * Remembers that `text` is a JSON text of `value` (canonical JSON qualifies: the same value, members
 * in order), so that storing `value` does not serialise it again. Only for values never changed
 * later. Kept on the object under a symbol, not enumerable: JSON, `Object.keys`, structured clones
 * and spreads (`{ ...value, changed }` must not inherit a text that no longer fits) do not see it.
 */
export function rememberJsonText(value: object, text: string): void {
  if (!Object.isExtensible(value)) return;
  Object.defineProperty(value, JSON_TEXT, {
    value: text,
    enumerable: false,
    writable: true,
    configurable: true,
  });
}

/** `toJsonText(value)`, or the text remembered for it. */
export function storedJsonText(value: unknown): string | null {
  if (typeof value === "object" && value !== null) {
    const text = (value as { [JSON_TEXT]?: string })[JSON_TEXT];
    if (text !== undefined) return text;
  }
  return toJsonText(value);
}

/** Parses a JSON column (null stays undefined). */
export function fromJsonText(text: unknown): unknown {
  if (text === null || text === undefined) return undefined;
  if (typeof text !== "string") throw new TypeError(`expected JSON text, got ${typeof text}`);
  return JSON.parse(text) as unknown;
}
