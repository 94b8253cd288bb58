/**
 * EU Movement Reference Numbers (standards.md §5.3): 18 characters, NCTS field `MRN` an18.
 *
 *   1–2   year of acceptance, YY
 *   3–4   ISO 3166-1 alpha-2 country of the issuing office
 *   5–17  national identifier, letters and digits; under the UCC-era scheme position 17 is a
 *         procedure category letter (J transit only, …), but older MRNs (German ATLAS E/M/T) use
 *         the position differently, so it is not checked here
 *   18    check character: the ISO 6346 rule over positions 1–17, weights 2^0…2^16
 */

import { iso6346Check } from "./iso6346-check.js";
import { accept, compactAlphanumeric, isDigits, isLetters, reject, type IdentifierResult } from "./result.js";

export const MRN_LENGTH = 18;

export const MRN_REMAINDER_TEN_WARNING =
  "check character 0 comes from remainder 10, so it cannot tell this MRN from one whose " +
  "remainder is 0; confirm it against the issuing system";

/**
 * The check character for the first 17 characters of an MRN, with the remainder it came from, or
 * `undefined` when `body` is not 2 digits, 2 letters and 13 letters or digits.
 */
export function mrnCheckCharacter(body: string): { digit: number; remainder: number } | undefined {
  if (!/^[0-9]{2}[A-Z]{2}[A-Z0-9]{13}$/.test(body)) return undefined;
  return iso6346Check(body);
}

/**
 * Validates an MRN. Whitespace is removed and letters upper-cased first. The country is checked
 * as two letters, not against the ISO 3166 list, because NCTS also uses codes such as XI.
 */
export function validateMrn(input: unknown): IdentifierResult {
  const compact = compactAlphanumeric(input);
  if (!compact.ok) return compact;
  const text = compact.value;
  if (text.length !== MRN_LENGTH) return reject(`must be ${MRN_LENGTH} characters, got ${text.length}`);
  const year = text.slice(0, 2);
  const country = text.slice(2, 4);
  const given = text.slice(17);
  if (!isDigits(year)) return reject(`year (positions 1–2) must be 2 digits, got "${year}"`);
  if (!isLetters(country)) return reject(`country code (positions 3–4) must be 2 letters, got "${country}"`);
  if (!isDigits(given)) return reject(`check character must be a digit, got "${given}"`);
  const check = iso6346Check(text.slice(0, 17));
  if (check === undefined) return reject("internal: body has no ISO 6346 value");
  if (Number(given) !== check.digit) return reject(`check character is ${given}, expected ${check.digit}`);
  return accept(text, check.remainder === 10 ? [MRN_REMAINDER_TEN_WARNING] : []);
}
