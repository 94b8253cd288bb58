/**
 * The identifiers an event names and which of them Sealwatch accepts. Syntax is checked here;
 * whether a device carries the identifier is the caller's lookup. Identifiers are passed to the
 * lookup exactly as sent (a container URN with its letters upper-cased): an EPC URN and the GS1
 * Digital Link of the same object are different strings, and converting between them needs the
 * company-prefix length, which is not in the data.
 *
 * | Scheme        | Form                                                         | Typical use            |
 * |---------------|--------------------------------------------------------------|------------------------|
 * | giai          | `urn:epc:id:giai:4000001.12345`                              | RFID seal, e-lock      |
 * | sgtin         | `urn:epc:id:sgtin:0614141.107346.2017`                       | serialised seal        |
 * | grai          | `urn:epc:id:grai:4012345.55555.987`                          | reusable asset / lock  |
 * | bic           | `urn:epc:id:bic:CSQU3054383` (ISO 6346 check digit verified) | container              |
 * | digital-link  | `https://id.gs1.org/8004/…`, `/8003/…`, `/01/…/21/…`         | the same, as a URL     |
 * | seal-number   | extension property `sw:sealId`, ≤ 35 visible characters      | printed seal number    |
 */
import { validateEpcUrn } from "../../core/identifiers/epc-urn.js";
import { validateSealIdentifier } from "../../core/identifiers/seal-identifier.js";

export type SubjectScheme = "giai" | "sgtin" | "grai" | "bic" | "digital-link" | "seal-number";

/** What the caller's device lookup is given: an EPC, or a seal number from `sw:sealId`. */
export type SubjectKind = "epc" | "sealId";

export type SubjectCheck =
  | { readonly ok: true; readonly id: string; readonly scheme: SubjectScheme }
  | {
      readonly ok: false;
      readonly reason: "unsupported_epc" | "malformed_identifier";
      readonly detail: string;
    };

// EPC identifiers are short; longer strings are refused before any pattern runs.
const MAX_EPC_LENGTH = 256;

// GS1 AI-encodable characters (TDS "GS3A3" component), with %-escapes.
const SERIAL = "(?:[A-Za-z0-9!'()*+,\\-.:;=_]|%[0-9A-Fa-f]{2})";

const GS1_URNS: readonly { scheme: SubjectScheme; pattern: RegExp; digits?: number }[] = [
  // Company prefix + item reference (with indicator) = 13 digits; serial ≤ 20 characters.
  {
    scheme: "sgtin",
    pattern: new RegExp(`^urn:epc:id:sgtin:(\\d{6,12})\\.(\\d{1,7})\\.${SERIAL}{1,20}$`, "i"),
    digits: 13,
  },
  // Company prefix + asset type = 12 digits; serial ≤ 16 characters.
  {
    scheme: "grai",
    pattern: new RegExp(`^urn:epc:id:grai:(\\d{6,12})\\.(\\d{0,6})\\.${SERIAL}{0,16}$`, "i"),
    digits: 12,
  },
  // Company prefix + individual asset reference ≤ 30 characters, so the reference is ≤ 24.
  { scheme: "giai", pattern: new RegExp(`^urn:epc:id:giai:(\\d{6,12})\\.${SERIAL}{1,24}$`, "i") },
];

// GS1 Digital Link on any host and path prefix: GIAI (8004), GRAI (8003) or GTIN + serial (01/21).
const DIGITAL_LINK = new RegExp(
  `^https?://[^/?#\\s]+(?:/[^?#\\s]*)?/(?:8004/${SERIAL}{1,30}|8003/\\d{14}${SERIAL}{0,16}|01/\\d{14}/21/${SERIAL}{1,20})(?:[?#]\\S*)?$`,
);

/** Checks one EPC from `epcList` or a sensor's `deviceID`. */
export function checkEpc(epc: string): SubjectCheck {
  if (epc.length > MAX_EPC_LENGTH) {
    return { ok: false, reason: "unsupported_epc", detail: `is ${epc.length} characters long, no EPC is` };
  }
  const lower = epc.toLowerCase();
  if (lower.startsWith("urn:epc:id:bic:")) {
    const result = validateEpcUrn(epc);
    return result.ok
      ? { ok: true, id: result.value, scheme: "bic" }
      : { ok: false, reason: "malformed_identifier", detail: `container EPC ${result.reason}` };
  }
  for (const { scheme, pattern, digits } of GS1_URNS) {
    if (!lower.startsWith(`urn:epc:id:${scheme}:`)) continue;
    const m = pattern.exec(epc);
    if (m === null || (digits !== undefined && (m[1] ?? "").length + (m[2] ?? "").length !== digits)) {
      return {
        ok: false,
        reason: "malformed_identifier",
        detail: `is not a well-formed ${scheme.toUpperCase()} EPC URN`,
      };
    }
    return { ok: true, id: epc, scheme };
  }
  if (DIGITAL_LINK.test(epc)) return { ok: true, id: epc, scheme: "digital-link" };
  return {
    ok: false,
    reason: "unsupported_epc",
    detail:
      "is not a seal or container identifier Sealwatch accepts (GIAI, SGTIN, GRAI, BIC or their GS1 Digital Link)",
  };
}

/** Checks one seal number from `sw:sealId`; surrounding whitespace is trimmed. */
export function checkSealNumber(value: unknown): SubjectCheck {
  const result = validateSealIdentifier(value);
  return result.ok
    ? { ok: true, id: result.value, scheme: "seal-number" }
    : { ok: false, reason: "malformed_identifier", detail: `seal number ${result.reason}` };
}
