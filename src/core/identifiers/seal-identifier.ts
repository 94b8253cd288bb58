/**
 * Seal identifiers (standards.md §1.3). A seal number is whatever is marked on the seal, so it is
 * kept as a string: up to 35 characters (UN/EDIFACT SEL 9308, an..35), the widest field that
 * carries it. Narrower fields produce warnings rather than rejections, because the same seal may
 * never travel through them: NCTS P5 `Seal.identifier` is an..20 and DCSA `seals[].number` ≤ 15.
 *
 * Normalisation only trims surrounding whitespace. Case and inner spaces are kept: the number must
 * match what devices and officers report, and nothing in the notes says case is insignificant.
 */

import { accept, describeType, reject, showChar, type IdentifierResult } from "./result.js";

export const SEAL_ID_MAX_LENGTH = 35;
export const NCTS_SEAL_ID_MAX_LENGTH = 20;
export const DCSA_SEAL_NUMBER_MAX_LENGTH = 15;

// Control, format, private-use, unassigned and separator characters; the plain space is allowed.
const INVISIBLE = /[\p{C}\p{Z}]/u;

/**
 * Validates one seal identifier: a non-empty string of at most 35 visible characters (counted as
 * Unicode code points) after trimming, where the only whitespace allowed is the plain space.
 */
export function validateSealIdentifier(input: unknown): IdentifierResult {
  if (typeof input !== "string") return reject(`must be a string, got ${describeType(input)}`);
  const text = input.trim();
  if (text.length === 0) return reject("is empty");
  const chars = [...text];
  const badIndex = chars.findIndex((ch) => ch !== " " && INVISIBLE.test(ch));
  if (badIndex >= 0) {
    const bad = chars[badIndex] ?? "";
    return reject(
      `character ${showChar(bad)} at position ${badIndex + 1} is not allowed; ` +
        "only visible characters and the plain space are",
    );
  }
  if (chars.length > SEAL_ID_MAX_LENGTH) {
    return reject(`must be at most ${SEAL_ID_MAX_LENGTH} characters, got ${chars.length}`);
  }
  const warnings: string[] = [];
  if (chars.length > NCTS_SEAL_ID_MAX_LENGTH) {
    warnings.push(
      `${chars.length} characters is longer than NCTS P5 Seal.identifier allows (${NCTS_SEAL_ID_MAX_LENGTH})`,
    );
  }
  if (chars.length > DCSA_SEAL_NUMBER_MAX_LENGTH) {
    warnings.push(
      `${chars.length} characters is longer than DCSA seals[].number allows (${DCSA_SEAL_NUMBER_MAX_LENGTH})`,
    );
  }
  return accept(text, warnings);
}

/**
 * Validates the seal identifiers of one declaration: each must be valid, and no two may be equal
 * after normalisation (NCTS rule R0107: a seal identifier is unique across the whole declaration).
 * Reasons and warnings name seals by their 1-based place in the list.
 */
export function validateSealIdentifiers(inputs: unknown): IdentifierResult<readonly string[]> {
  if (!Array.isArray(inputs)) return reject(`must be an array, got ${describeType(inputs)}`);
  const values: string[] = [];
  const warnings: string[] = [];
  const firstPlace = new Map<string, number>();
  for (const [index, input] of (inputs as readonly unknown[]).entries()) {
    const place = index + 1;
    const result = validateSealIdentifier(input);
    if (!result.ok) return reject(`seal ${place}: ${result.reason}`);
    const earlier = firstPlace.get(result.value);
    if (earlier !== undefined) {
      return reject(
        `seal ${place} repeats seal ${earlier} ("${result.value}"); ` +
          "seal identifiers must be unique within a declaration (NCTS rule R0107)",
      );
    }
    firstPlace.set(result.value, place);
    values.push(result.value);
    for (const warning of result.warnings ?? []) warnings.push(`seal ${place}: ${warning}`);
  }
  return accept(values, warnings);
}
