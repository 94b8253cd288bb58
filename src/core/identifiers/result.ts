/**
 * The shared shape of every identifier validator: a value, never an exception. A rejection says
 * exactly what is wrong; an acceptance carries the normalised form and, rarely, warnings about
 * things that are valid but worth a second look.
 */

/** What an identifier validator returns. `warnings` is present only when there is at least one. */
export type IdentifierResult<T = string> =
  | { readonly ok: true; readonly value: T; readonly warnings?: readonly string[] }
  | { readonly ok: false; readonly reason: string };

export function accept<T>(value: T, warnings: readonly string[] = []): IdentifierResult<T> {
  return warnings.length === 0 ? { ok: true, value } : { ok: true, value, warnings };
}

export function reject(reason: string): { readonly ok: false; readonly reason: string } {
  return { ok: false, reason };
}

/** Describes a non-string input for a rejection message ("must be a string, got number"). */
export function describeType(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "array";
  return typeof input;
}

/** A character as it should appear in a reason: quoted, or as a code point when it is invisible. */
export function showChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  // Control, format, private-use, unassigned and separator characters, the space included.
  const invisible = /[\p{C}\p{Z}]/u.test(ch);
  return invisible ? `U+${code.toString(16).toUpperCase().padStart(4, "0")}` : `"${ch}"`;
}

/**
 * The normalisation shared by the compact code identifiers (container numbers, MRNs, office
 * numbers, UN/LOCODEs): remove all whitespace, then upper-case. Only ASCII letters and digits are
 * allowed; the check happens before upper-casing so that characters such as "ı" or "ſ", which
 * `toUpperCase` would turn into "I" or "S", are rejected rather than silently accepted.
 * Positions in reasons are 1-based and count characters after whitespace is removed.
 */
export function compactAlphanumeric(input: unknown): IdentifierResult {
  if (typeof input !== "string") return reject(`must be a string, got ${describeType(input)}`);
  const compact = input.replace(/\s+/gu, "");
  if (compact.length === 0) return reject("is empty");
  let position = 0;
  for (const ch of compact) {
    position += 1;
    if (!/^[A-Za-z0-9]$/.test(ch)) {
      return reject(`character ${showChar(ch)} at position ${position} is not an ASCII letter or digit`);
    }
  }
  return accept(compact.toUpperCase());
}

export function isLetters(text: string): boolean {
  return /^[A-Z]+$/.test(text);
}

export function isDigits(text: string): boolean {
  return /^[0-9]+$/.test(text);
}
