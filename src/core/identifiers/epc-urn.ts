/**
 * EPC pure-identity URNs for transport equipment (standards.md §3): `urn:epc:id:bic:<ISO 6346
 * container number>` and `urn:epc:id:imovn:<IMO ship number>`. Syntax-only checkers (the Python
 * epcpy library, for one) accept a container number with a wrong check digit, and such numbers
 * appear in third-party EPC test data (`CSQJ3054381`); this module verifies the check digits.
 * Other EPC schemes (GIAI, SGTIN, …) are rejected as unsupported, not as malformed.
 */

import { validateContainerNumber } from "./container-number.js";
import { validateImoNumber } from "./imo-number.js";
import { accept, describeType, reject, showChar, type IdentifierResult } from "./result.js";

export type EpcScheme = "bic" | "imovn";

const PREFIX = "urn:epc:id:";

function validateBody(scheme: EpcScheme, body: string): IdentifierResult {
  switch (scheme) {
    case "bic":
      return validateContainerNumber(body);
    case "imovn":
      // The imovn body is the bare 7 digits; the "IMO" prefix the ship validator tolerates is not part of it.
      return /^imo/i.test(body)
        ? reject(`must be 7 digits without "IMO", got "${body}"`)
        : validateImoNumber(body);
  }
}

function isScheme(text: string): text is EpcScheme {
  return text === "bic" || text === "imovn";
}

/**
 * Validates an EPC URN for a container (`bic`) or a vessel (`imovn`). Surrounding whitespace is
 * trimmed; inner whitespace is rejected. "urn:epc:id:" and the scheme name are matched without
 * regard to case and returned lower-case, the identifier in its normalised upper-case form, so
 * "URN:EPC:ID:BIC:csqu3054383" becomes `urn:epc:id:bic:CSQU3054383`.
 */
export function validateEpcUrn(input: unknown): IdentifierResult {
  if (typeof input !== "string") return reject(`must be a string, got ${describeType(input)}`);
  const text = input.trim();
  if (text.length === 0) return reject("is empty");
  const space = /\s/u.exec(text);
  if (space !== null) {
    return reject(`must not contain whitespace, got ${showChar(space[0])} at position ${space.index + 1}`);
  }
  if (text.slice(0, PREFIX.length).toLowerCase() !== PREFIX) return reject(`must start with "${PREFIX}"`);
  const rest = text.slice(PREFIX.length);
  const colon = rest.indexOf(":");
  if (colon < 0) return reject(`must be "${PREFIX}<scheme>:<identifier>"`);
  const scheme = rest.slice(0, colon).toLowerCase();
  if (!isScheme(scheme)) {
    return reject(`unsupported EPC scheme "${rest.slice(0, colon)}"; supported: bic, imovn`);
  }
  const body = validateBody(scheme, rest.slice(colon + 1));
  if (!body.ok) return reject(`${scheme} identifier: ${body.reason}`);
  return accept(`${PREFIX}${scheme}:${body.value}`, body.warnings ?? []);
}
