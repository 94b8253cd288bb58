/**
 * The pure part of the EPCIS 2.0 capture interface (`POST /capture`): body bytes in, Sealwatch
 * inputs out. The order is cheapest first: byte size, UTF-8 and JSON, event count and shape,
 * schema, then mapping. A document is rejected as a whole only when it breaks a limit or is not
 * valid EPCIS; within a valid one, each event that cannot be used gets a notice.
 */
import { Buffer } from "node:buffer";
import type { NormalizedReading } from "../../core/domain/reading.js";
import type { ReadInput } from "../../core/engine/inputs.js";
import type { ValidationIssue } from "./issues.js";
import { resolveLimits, type EpcisLimits } from "./limits.js";
import { mapEpcisDocument, type EventNotice, type MappingContext } from "./map.js";
import { validateEpcisDocument, type ValidationFailureCode } from "./validate.js";

export type CaptureRejectionCode = "too_large" | "malformed_json" | ValidationFailureCode;

export interface CaptureRejection {
  readonly code: CaptureRejectionCode;
  /** One sentence for the log line and the response. */
  readonly message: string;
  /** Where and what, capped at `maxErrors`. */
  readonly errors: readonly ValidationIssue[];
  readonly omittedErrors: number;
}

export type CaptureOutcome =
  | {
      readonly kind: "accepted";
      readonly eventCount: number;
      /** Passive seal reads, in document order. */
      readonly reads: readonly ReadInput[];
      /** Readings of active and semi-active devices, in document order. */
      readonly readings: readonly NormalizedReading[];
      /** One per event or identifier that produced nothing, with the reason. */
      readonly notices: readonly EventNotice[];
    }
  | { readonly kind: "rejected"; readonly rejection: CaptureRejection };

const SUMMARIES: Readonly<Record<CaptureRejectionCode, string>> = {
  too_large: "The document is larger than this server accepts.",
  malformed_json: "The body is not JSON.",
  too_many_events: "The document has more events than this server accepts in one capture.",
  array_too_long: "The document has an array longer than this server accepts.",
  too_deep: "The document is nested deeper than this server accepts.",
  forbidden_key: "The document uses a key that is not accepted.",
  not_epcis_document: "The body is not an EPCISDocument.",
  invalid: "The document is not valid EPCIS 2.0.",
};

function reject(
  code: CaptureRejectionCode,
  errors: readonly ValidationIssue[],
  omittedErrors = 0,
): CaptureOutcome {
  return { kind: "rejected", rejection: { code, message: SUMMARIES[code], errors, omittedErrors } };
}

function byteLength(body: Uint8Array | string): number {
  return typeof body === "string" ? Buffer.byteLength(body, "utf8") : body.byteLength;
}

/**
 * Checks, validates and maps one capture body (a JSON-LD EPCISDocument, UTF-8). Never throws for
 * any body; a `RangeError` for bad `limits`, and whatever the caller's lookup or resolver throws,
 * do propagate.
 */
export function captureEpcis(
  body: Uint8Array | string,
  context: MappingContext,
  limits: Partial<EpcisLimits> = {},
): CaptureOutcome {
  const resolved = resolveLimits(limits);
  // A UTF-16 code unit is at least one UTF-8 byte, so a long string is refused without encoding it.
  const atLeast = typeof body === "string" && body.length > resolved.maxDocumentBytes;
  const size = atLeast ? body.length : byteLength(body);
  if (size > resolved.maxDocumentBytes) {
    return reject("too_large", [
      {
        path: "",
        message: `is ${atLeast ? "at least " : ""}${size} bytes; at most ${resolved.maxDocumentBytes} bytes are accepted`,
      },
    ]);
  }
  let text: string;
  try {
    text = typeof body === "string" ? body : new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return reject("malformed_json", [{ path: "", message: "is not valid UTF-8" }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return reject("malformed_json", [{ path: "", message: `is not JSON: ${reason}` }]);
  }
  const validation = validateEpcisDocument(value, resolved);
  if (!validation.ok) return reject(validation.code, validation.errors, validation.omittedErrors);
  const mapped = mapEpcisDocument(validation.document, context);
  const events = (validation.document.epcisBody as { eventList: unknown[] }).eventList;
  return { kind: "accepted", eventCount: events.length, ...mapped };
}
