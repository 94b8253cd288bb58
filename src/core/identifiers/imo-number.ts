/**
 * IMO ship identification numbers, which standards.md §3 uses in EPC URNs
 * (`urn:epc:id:imovn:9176187`): "IMO" and 7 digits, the last a check digit. standards.md does not
 * give the check algorithm; this follows the widely published description of the IMO scheme
 * (e.g. https://tarkistusmerkit.teppovuori.fi/coden.htm and the "IMO number" encyclopaedia
 * entries): the first six digits weighted 7, 6, 5, 4, 3, 2 from the left, and the check digit is
 * the last digit of the sum.
 *
 * The weights 2, 4, 5 and 6 share a factor with 10, so some single-digit errors pass the check
 * (7625811 and 7605811 differ in one digit and are both valid; the source above names both ships). IMO company numbers use a different
 * rule and are not handled here.
 */

import { accept, describeType, reject, showChar, type IdentifierResult } from "./result.js";

const WEIGHTS = [7, 6, 5, 4, 3, 2] as const;

/** The check digit for the first six digits of an IMO number, or `undefined` if `body` is not 6 digits. */
export function imoCheckDigit(body: string): number | undefined {
  if (!/^[0-9]{6}$/.test(body)) return undefined;
  let sum = 0;
  WEIGHTS.forEach((weight, i) => {
    sum += weight * (body.charCodeAt(i) - 48);
  });
  return sum % 10;
}

/**
 * Validates an IMO ship number. Whitespace is removed and an optional "IMO" prefix (any case) is
 * dropped, so "IMO 9176187" and "9176187" are both accepted as `9176187`, the form the EPC `imovn`
 * scheme uses.
 */
export function validateImoNumber(input: unknown): IdentifierResult {
  if (typeof input !== "string") return reject(`must be a string, got ${describeType(input)}`);
  const compact = input.replace(/\s+/gu, "");
  const digits = /^imo/i.test(compact) ? compact.slice(3) : compact;
  if (digits.length === 0) return reject("is empty");
  const bad = /[^0-9]/u.exec(digits);
  if (bad !== null) {
    return reject(`character ${showChar(bad[0])} at position ${bad.index + 1} of the number is not a digit`);
  }
  if (digits.length !== 7) return reject(`must be 7 digits, got ${digits.length}`);
  const expected = imoCheckDigit(digits.slice(0, 6));
  const given = digits.slice(6);
  if (expected === undefined) return reject("internal: body is not 6 digits");
  if (Number(given) !== expected) return reject(`check digit is ${given}, expected ${expected}`);
  return accept(digits);
}
