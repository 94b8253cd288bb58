/**
 * Customs office reference numbers (standards.md §5.2): an8, an ISO 3166-1 alpha-2 country code
 * followed by a 6-character office code, `^[A-Z]{2}[A-Z0-9]{6}$`, e.g. `DE004058`. The office
 * code is often a UN/LOCODE location plus a subdivision, but that is only a suggestion and real
 * codes (DE004058) do not follow it, so only the format is checked. Whether the office exists is
 * a question for the code lists (CL171, CL172, CL173, CL175, CL141), not for this module.
 */

import { accept, compactAlphanumeric, isLetters, reject, type IdentifierResult } from "./result.js";

export const CUSTOMS_OFFICE_LENGTH = 8;

/** Validates a customs office reference number. Whitespace is removed and letters upper-cased first. */
export function validateCustomsOfficeReference(input: unknown): IdentifierResult {
  const compact = compactAlphanumeric(input);
  if (!compact.ok) return compact;
  const text = compact.value;
  if (text.length !== CUSTOMS_OFFICE_LENGTH) {
    return reject(`must be ${CUSTOMS_OFFICE_LENGTH} characters, got ${text.length}`);
  }
  const country = text.slice(0, 2);
  if (!isLetters(country)) return reject(`country code must be 2 letters, got "${country}"`);
  // compactAlphanumeric already limited the office code to letters and digits.
  return accept(text);
}
