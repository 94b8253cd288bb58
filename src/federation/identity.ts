/**
 * Who this instance is to other administrations: an id (how it names itself in what it signs and
 * how partners register it), a name, an ISO 3166-1 country and the customs offices it owns. Read
 * from the configuration and checked once, every problem reported together.
 */
import type { Config } from "../config/schema.js";
import { SealwatchError } from "../core/errors.js";
import { validateCountryCode } from "../core/identifiers/country.js";
import { validateCustomsOfficeReference } from "../core/identifiers/customs-office.js";
import type { ZoneRecord } from "../store/ports.js";

export interface AdministrationIdentity {
  readonly id: string;
  readonly name: string;
  /** ISO 3166-1 alpha-2, when configured. */
  readonly country?: string;
  /** Customs office reference numbers it owns, when configured (else its office zones' codes). */
  readonly offices?: readonly string[];
  readonly publicUrl?: string;
}

/** An administration id: what partners register and what signed documents name as issuer. */
export const ADMINISTRATION_ID = /^[A-Z0-9][A-Z0-9._-]{1,31}$/;

/** Reads and checks the identity; throws INVALID_CONFIG listing every problem. */
export function identityFromConfig(
  config: Pick<
    Config,
    | "administrationId"
    | "administrationName"
    | "administrationCountry"
    | "administrationOffices"
    | "publicUrl"
  >,
): AdministrationIdentity {
  const problems: string[] = [];
  const id = config.administrationId.trim();
  if (!ADMINISTRATION_ID.test(id))
    problems.push(
      `administrationId "${id}": 2–32 characters of A–Z 0–9 . _ -, starting with a letter or digit`,
    );
  const name = config.administrationName.trim();
  if (name.length === 0 || name.length > 200) problems.push("administrationName: 1–200 characters");
  let country: string | undefined;
  if (config.administrationCountry !== undefined && config.administrationCountry !== "") {
    const checked = validateCountryCode(config.administrationCountry.trim());
    if (checked.ok) country = checked.value;
    else problems.push(`administrationCountry: ${checked.reason}`);
  }
  let offices: string[] | undefined;
  if (config.administrationOffices !== undefined && config.administrationOffices.trim() !== "") {
    offices = [];
    for (const part of config.administrationOffices.split(",")) {
      const checked = validateCustomsOfficeReference(part);
      if (!checked.ok) problems.push(`administrationOffices: "${part.trim()}" ${checked.reason}`);
      else if (country !== undefined && !checked.value.startsWith(country))
        problems.push(
          `administrationOffices: ${checked.value} is not an office of ${country} (its code starts with ${checked.value.slice(0, 2)})`,
        );
      else if (!offices.includes(checked.value)) offices.push(checked.value);
    }
  }
  if (problems.length > 0)
    throw new SealwatchError(
      "INVALID_CONFIG",
      `the administration's identity has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  return {
    id,
    name,
    ...(country === undefined ? {} : { country }),
    ...(offices === undefined ? {} : { offices }),
    ...(config.publicUrl === undefined ? {} : { publicUrl: config.publicUrl.replace(/\/+$/, "") }),
  };
}

/** The offices this administration owns: as configured, else every office zone's office code. */
export function ownedOffices(identity: AdministrationIdentity, zones: readonly ZoneRecord[]): string[] {
  if (identity.offices !== undefined) return [...identity.offices];
  const codes = new Set<string>();
  for (const zone of zones)
    if (zone.kind === "office" && zone.officeCode !== undefined) codes.add(zone.officeCode);
  return [...codes].sort();
}
