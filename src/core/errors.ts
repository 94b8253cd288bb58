/**
 * Every real failure in Sealwatch is a `SealwatchError` with a stable code from this one registry.
 * Expected outcomes (a rejected input, a refused command) are values, not errors.
 */

export const ERROR_CODES = {
  INVALID_CONFIG: { status: 500, description: "The configuration has invalid or unknown settings." },
  INVALID_DEFINITION: { status: 400, description: "A zone, device or trip definition is invalid." },
  DUPLICATE_ID: { status: 409, description: "An id is already in use." },
  UNKNOWN_REFERENCE: { status: 404, description: "A definition refers to an id that does not exist." },
  STORE_UNAVAILABLE: { status: 503, description: "The database cannot be reached or opened." },
  STORE_CORRUPT: { status: 500, description: "The database file is damaged." },
  STORE_FOREIGN: { status: 500, description: "The file or database is not a Sealwatch store." },
  STORE_LOCKED: { status: 503, description: "Another process has the database open for writing." },
  STORE_READ_ONLY: { status: 503, description: "The database is read-only; nothing was written." },
  STORE_FULL: { status: 507, description: "The database or its disk is full; nothing was written." },
  STORE_CONFLICT: {
    status: 409,
    description: "A write conflicts with what is stored (an id or a name in use).",
  },
  STORE_NOT_EXPORTED: {
    status: 409,
    description: "A readings partition cannot be dropped before it has been exported.",
  },
  STORE_SCHEMA_TOO_NEW: {
    status: 500,
    description: "The database was migrated by a newer Sealwatch than this one.",
  },
  READING_REFUSED: {
    status: 422,
    description:
      "A reading holds a value the store cannot keep (see the message); it is refused, not retried.",
  },
  STORE_FAILED: { status: 500, description: "The database reported an unexpected error." },
  BUS_UNAVAILABLE: {
    status: 503,
    description: "The message bus (NATS JetStream) cannot be reached, or did not confirm in time.",
  },
  UNAUTHENTICATED: {
    status: 401,
    description: "The request has no credentials, or its token or API key is invalid, expired or revoked.",
  },
  FORBIDDEN: { status: 403, description: "The caller's role or offices do not allow this action." },
  NOT_FOUND: { status: 404, description: "The resource does not exist or is not visible to the caller." },
  ROUTE_NOT_FOUND: { status: 404, description: "No endpoint has this method and path." },
  VALIDATION_FAILED: {
    status: 400,
    description:
      "The request does not match its schema: a field is missing, mistyped, out of range or unknown.",
  },
  INVALID_IDENTIFIER: {
    status: 400,
    description: "A container number, MRN, customs office reference or UN/LOCODE fails its format or check.",
  },
  INVALID_CURSOR: {
    status: 400,
    description:
      "A cursor (stream Last-Event-ID or after) is not one this server issued to the caller: altered, another caller's, or another installation's.",
  },
  MALFORMED_BODY: { status: 400, description: "The request body is not valid JSON." },
  BODY_TOO_DEEP: {
    status: 400,
    description: "The request body nests arrays or objects deeper than the server accepts.",
  },
  MALFORMED_REQUEST: {
    status: 400,
    description:
      "The request cannot be read: bad percent-encoding in the URL, or a malformed request line or header.",
  },
  BODY_TOO_LARGE: { status: 413, description: "The request body is larger than the configured limit." },
  URI_TOO_LONG: { status: 414, description: "A path segment of the URL is longer than the server accepts." },
  HEADERS_TOO_LARGE: {
    status: 431,
    description: "The request's headers are larger than the server accepts.",
  },
  REQUEST_TIMEOUT: { status: 408, description: "The request was not received completely in time." },
  METHOD_NOT_ALLOWED: {
    status: 405,
    description: "The endpoint exists but does not take this method; the Allow header lists those it takes.",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    description: "The request body is not JSON (application/json; application/ld+json for EPCIS captures).",
  },
  RATE_LIMITED: {
    status: 429,
    description: "Too many requests from this address; retry after the delay given.",
  },
  LOGIN_THROTTLED: {
    status: 429,
    description: "Too many failed logins for this user or address; retry after the delay given.",
  },
  WRONG_PASSWORD: {
    status: 401,
    description: "The current password given to confirm a change is wrong; the session itself stays valid.",
  },
  WEAK_PASSWORD: {
    status: 400,
    description:
      "A new password breaks the password policy: too short or too long, common or breached, repetitive or sequential, or containing the user's or the service's name.",
  },
  COMMAND_REFUSED: {
    status: 409,
    description: "The engine refused the trip command (arm, disarm, cancel) in the trip's current state.",
  },
  DISARM_REFUSED: {
    status: 409,
    description:
      "Disarming needs the officer's inspection decision first (red channel, or an alarm of the trip still open or unresolved).",
  },
  DECISION_REFUSED: {
    status: 409,
    description:
      "An inspection decision or outcome cannot be recorded now: the trip is not at its destination, or the step is out of order.",
  },
  INVALID_RULE_SET: {
    status: 400,
    description: "A risk rule set or monitoring overrides file is invalid; every problem is listed.",
  },
  INVALID_TRANSITION: {
    status: 409,
    description:
      "The device lifecycle or the alarm workflow does not allow this change from the current state.",
  },
  DEVICE_UNAVAILABLE: {
    status: 409,
    description: "A device is retired, in maintenance, or on another live trip.",
  },
  GATEWAY_UNAVAILABLE: {
    status: 503,
    description: "The device gateway (keys, commands to devices) is not running in this process.",
  },
  SHUTTING_DOWN: { status: 503, description: "The server is shutting down; retry against another instance." },
  INTERNAL_ERROR: { status: 500, description: "An unexpected error; the details are in the server log." },
  EXPORT_INVALID: {
    status: 500,
    description: "An export (EPCIS, DCSA, NCTS) failed its own check against the standard; nothing was sent.",
  },
  FEDERATION_UNAVAILABLE: {
    status: 503,
    description: "This instance cannot sign or reach partners now (no signing key or master key).",
  },
  PARTNER_UNKNOWN: {
    status: 401,
    description:
      "A partner request names an administration that is not a partner here, or whose partnership is revoked.",
  },
  PARTNER_KEY_UNTRUSTED: {
    status: 401,
    description:
      "A partner request or document is signed with a key not pinned for that partner, or revoked.",
  },
  SIGNATURE_INVALID: {
    status: 401,
    description: "A signature does not verify: the request or document was forged or changed after signing.",
  },
  REQUEST_EXPIRED: {
    status: 401,
    description:
      "A signed partner request is outside the accepted time window (clocks apart, or an old copy).",
  },
  REPLAYED: {
    status: 409,
    description: "A signed partner request was received before (its nonce is used): a replay.",
  },
  HANDOVER_DUPLICATE: {
    status: 409,
    description: "The trip was already handed over to this administration.",
  },
  TRIP_UNKNOWN: {
    status: 404,
    description: "A partner message names a trip that is not shared with that partner.",
  },
  OFFICE_NOT_PARTNERS: {
    status: 422,
    description: "The office named is not one of the administration's offices that the message goes to.",
  },
  OUT_OF_SCOPE: {
    status: 403,
    description: "A partner sent data outside the agreement scope.",
  },
  DOSSIER_INVALID: {
    status: 422,
    description: "A trip dossier does not verify (signature, key, records, proofs or seal continuity).",
  },
  SEAL_MISMATCH: {
    status: 422,
    description:
      "A handover's devices or seals are not those of its dossier, or not the devices registered here under those identifiers.",
  },
  KEY_ROTATION_REFUSED: {
    status: 422,
    description: "A new partner key is not endorsed by a key pinned for that partner.",
  },
  TRAINING_REFUSED: {
    status: 409,
    description:
      "A training action cannot be taken: the session is finished, the trip or alarm is not the session's, or the session would run against the live workspace.",
  },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class SealwatchError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SealwatchError";
  }

  get statusCode(): number {
    return ERROR_CODES[this.code].status;
  }
}
