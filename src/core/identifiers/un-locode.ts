/**
 * UN/LOCODE (standards.md §4 and §5.2): `^[A-Z]{2}[A-Z2-9]{3}$`, a 2-letter country code and a
 * 3-character location code. The location code uses letters and the digits 2–9 only; 0 and 1
 * are left out because they are easily read as O and I.
 */

import { accept, compactAlphanumeric, isLetters, reject, type IdentifierResult } from "./result.js";

export const UN_LOCODE_LENGTH = 5;

/**
 * Validates a UN/LOCODE. Whitespace is removed and letters upper-cased first, so the printed
 * form "DE HAM" is accepted as `DEHAM`.
 */
export function validateUnLocode(input: unknown): IdentifierResult {
  const compact = compactAlphanumeric(input);
  if (!compact.ok) return compact;
  const text = compact.value;
  if (text.length !== UN_LOCODE_LENGTH)
    return reject(`must be ${UN_LOCODE_LENGTH} characters, got ${text.length}`);
  const country = text.slice(0, 2);
  if (!isLetters(country)) return reject(`country code must be 2 letters, got "${country}"`);
  const bad = /[01]/.exec(text.slice(2));
  if (bad !== null) {
    return reject(
      `location code may use letters and digits 2–9 only, got "${bad[0]}" at position ${bad.index + 3}`,
    );
  }
  return accept(text);
}
