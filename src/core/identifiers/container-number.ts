/**
 * ISO 6346 container numbers (standards.md §2): `^[A-Z]{3}[UJZ][0-9]{6}[0-9]$`, that is a 3-letter
 * owner code registered with BIC, a category letter (U freight container, J detachable
 * container-related equipment, Z trailer or chassis), a 6-digit serial and a check digit.
 */

import { iso6346Check } from "./iso6346-check.js";
import { accept, compactAlphanumeric, isDigits, isLetters, reject, type IdentifierResult } from "./result.js";

export type ContainerCategory = "U" | "J" | "Z";

const CATEGORIES: readonly string[] = ["U", "J", "Z"] satisfies readonly ContainerCategory[];

export const CONTAINER_NUMBER_LENGTH = 11;

/** The warning attached to a number whose check digit comes from remainder 10. */
export const REMAINDER_TEN_WARNING =
  "check digit 0 comes from remainder 10, which ISO 6346 serials conventionally avoid; " +
  "confirm the number against the container marking";

/**
 * The check digit for the first 10 characters of a container number (owner code, category and
 * serial), with the remainder it came from, or `undefined` when `body` is not 3 letters, a
 * category letter and 6 digits.
 */
export function containerCheckDigit(body: string): { digit: number; remainder: number } | undefined {
  if (!/^[A-Z]{3}[UJZ][0-9]{6}$/.test(body)) return undefined;
  return iso6346Check(body);
}

/**
 * Validates an ISO 6346 container number. Whitespace is removed and letters upper-cased first,
 * so "Csq u3054383" is accepted as `CSQU3054383`. A check digit of 0 that comes from remainder 10
 * is accepted with a warning.
 */
export function validateContainerNumber(input: unknown): IdentifierResult {
  const compact = compactAlphanumeric(input);
  if (!compact.ok) return compact;
  const text = compact.value;
  if (text.length !== CONTAINER_NUMBER_LENGTH) {
    return reject(`must be ${CONTAINER_NUMBER_LENGTH} characters, got ${text.length}`);
  }
  const owner = text.slice(0, 3);
  const category = text.slice(3, 4);
  const serial = text.slice(4, 10);
  const given = text.slice(10);
  if (!isLetters(owner)) return reject(`owner code must be 3 letters, got "${owner}"`);
  if (!CATEGORIES.includes(category)) return reject(`category must be U, J or Z, got "${category}"`);
  if (!isDigits(serial)) return reject(`serial number must be 6 digits, got "${serial}"`);
  if (!isDigits(given)) return reject(`check digit must be a digit, got "${given}"`);
  const check = iso6346Check(text.slice(0, 10));
  if (check === undefined) return reject("internal: body has no ISO 6346 value");
  if (Number(given) !== check.digit) return reject(`check digit is ${given}, expected ${check.digit}`);
  return accept(text, check.remainder === 10 ? [REMAINDER_TEN_WARNING] : []);
}
