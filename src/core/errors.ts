/**
 * Every real failure in Sealwatch is a `SealwatchError` with a stable code from this one registry.
 * Expected outcomes (a rejected input, a refused command) are values, not errors.
 */

export const ERROR_CODES = {
  INVALID_DEFINITION: { status: 400, description: "A zone, device or trip definition is invalid." },
  DUPLICATE_ID: { status: 409, description: "An id is already in use." },
  UNKNOWN_REFERENCE: { status: 404, description: "A definition refers to an id that does not exist." },
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
