/**
 * Validators for the identifiers a trip declaration carries. Each is pure and total: it takes any
 * value and returns an `IdentifierResult`, never throwing.
 */

import { validateContainerNumber } from "./container-number.js";
import { validateCustomsOfficeReference } from "./customs-office.js";
import { validateEpcUrn } from "./epc-urn.js";
import { validateImoNumber } from "./imo-number.js";
import { validateMrn } from "./mrn.js";
import type { IdentifierResult } from "./result.js";
import { validateSealIdentifier } from "./seal-identifier.js";
import { validateUnLocode } from "./un-locode.js";

export {
  CONTAINER_NUMBER_LENGTH,
  REMAINDER_TEN_WARNING,
  containerCheckDigit,
  validateContainerNumber,
  type ContainerCategory,
} from "./container-number.js";
export { CUSTOMS_OFFICE_LENGTH, validateCustomsOfficeReference } from "./customs-office.js";
export { validateEpcUrn, type EpcScheme } from "./epc-urn.js";
export { imoCheckDigit, validateImoNumber } from "./imo-number.js";
export { iso6346CharValue, iso6346Check, iso6346WeightedSum, type Iso6346Check } from "./iso6346-check.js";
export { MRN_LENGTH, MRN_REMAINDER_TEN_WARNING, mrnCheckCharacter, validateMrn } from "./mrn.js";
export type { IdentifierResult } from "./result.js";
export {
  DCSA_SEAL_NUMBER_MAX_LENGTH,
  NCTS_SEAL_ID_MAX_LENGTH,
  SEAL_ID_MAX_LENGTH,
  validateSealIdentifier,
  validateSealIdentifiers,
} from "./seal-identifier.js";
export { UN_LOCODE_LENGTH, validateUnLocode } from "./un-locode.js";

export type IdentifierKind =
  "containerNumber" | "mrn" | "customsOffice" | "unLocode" | "sealIdentifier" | "imoNumber" | "epcUrn";

export const IDENTIFIER_KINDS: readonly IdentifierKind[] = [
  "containerNumber",
  "mrn",
  "customsOffice",
  "unLocode",
  "sealIdentifier",
  "imoNumber",
  "epcUrn",
];

/** Validates `input` as an identifier of the given kind. */
export function validateIdentifier(kind: IdentifierKind, input: unknown): IdentifierResult {
  switch (kind) {
    case "containerNumber":
      return validateContainerNumber(input);
    case "mrn":
      return validateMrn(input);
    case "customsOffice":
      return validateCustomsOfficeReference(input);
    case "unLocode":
      return validateUnLocode(input);
    case "sealIdentifier":
      return validateSealIdentifier(input);
    case "imoNumber":
      return validateImoNumber(input);
    case "epcUrn":
      return validateEpcUrn(input);
  }
}
