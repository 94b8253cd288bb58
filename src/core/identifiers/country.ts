/**
 * ISO 3166-1 alpha-2 country codes: two upper-case letters naming a country or territory. The
 * list of assigned codes comes from the Unicode CLDR region names built into the runtime
 * (Intl.DisplayNames); user-assigned codes (AA, QM–QZ, XA–XZ, ZZ) and the exceptional
 * reservations that are not countries (EU, EZ, UN) are refused. XK (Kosovo), which customs
 * administrations use in practice, is accepted.
 */
import { accept, reject, type IdentifierResult } from "./result.js";

const NOT_COUNTRIES = new Set(["AA", "ZZ", "EU", "EZ", "UN", "QO"]);
let names: Intl.DisplayNames | undefined;

/** The English name of an assigned ISO 3166-1 alpha-2 code, or undefined. */
export function countryName(code: string): string | undefined {
  if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return undefined;
  if (/^(Q[M-Z]|X[A-Z])$/.test(code) && code !== "XK") return undefined;
  names ??= new Intl.DisplayNames(["en"], { type: "region", fallback: "code" });
  const name = names.of(code);
  return name === undefined || name === code ? undefined : name;
}

/** Validates an ISO 3166-1 alpha-2 code (upper case, as written in customs messages). */
export function validateCountryCode(input: unknown): IdentifierResult {
  if (typeof input !== "string") return reject("must be text");
  if (!/^[A-Z]{2}$/.test(input))
    return reject(`must be two upper-case letters (ISO 3166-1 alpha-2), got "${input}"`);
  return countryName(input) === undefined
    ? reject(`"${input}" is not an assigned ISO 3166-1 country code`)
    : accept(input);
}
