/**
 * The one error type the store throws: a `SealwatchError` whose code is one of the registry's
 * `STORE_*` codes (or `UNKNOWN_REFERENCE` for a write that refers to a missing row). The message
 * always names where the data lives, without secrets.
 */
import { SealwatchError, type ErrorCode } from "../core/errors.js";

export type StoreErrorCode = Extract<ErrorCode, `STORE_${string}`> | "UNKNOWN_REFERENCE";

export class StoreError extends SealwatchError {
  declare readonly code: StoreErrorCode;

  constructor(
    code: StoreErrorCode,
    message: string,
    /** The driver's error, when there was one. */
    override readonly cause?: unknown,
  ) {
    super(code, message);
    this.name = "StoreError";
  }
}

/** Whether `error` is a StoreError, optionally with the given code. */
export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}
