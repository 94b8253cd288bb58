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
  STORE_FAILED: { status: 500, description: "The database reported an unexpected error." },
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
