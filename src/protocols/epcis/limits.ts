/**
 * Size limits of one capture, checked on the raw body and the parsed value before schema
 * validation, so a hostile document costs little. The REST binding advertises the first two as
 * `GS1-EPCIS-Capture-File-Size-Limit` and `GS1-EPCIS-Capture-Limit`.
 */

export interface EpcisLimits {
  /** Largest accepted document, in bytes of UTF-8. */
  readonly maxDocumentBytes: number;
  /** Most events in `epcisBody.eventList`. */
  readonly maxEvents: number;
  /**
   * Longest array anywhere else (`epcList`, `sensorReport`, `@context`, …). The schema's
   * `uniqueItems` costs time quadratic in the length, so this bound keeps validation fast.
   */
  readonly maxArrayItems: number;
  /** Deepest nesting of objects and arrays; a real document needs about ten levels. */
  readonly maxDepth: number;
  /** Most validation errors reported back; the rest are counted. */
  readonly maxErrors: number;
}

/** 2 MiB, 1,000 events, 2,000 items per array, 32 levels, 20 errors. */
export const DEFAULT_EPCIS_LIMITS: EpcisLimits = Object.freeze({
  maxDocumentBytes: 2 * 1024 * 1024,
  maxEvents: 1_000,
  maxArrayItems: 2_000,
  maxDepth: 32,
  maxErrors: 20,
});

/** The defaults with some limits replaced; throws a `RangeError` for a limit that is not a positive integer. */
export function resolveLimits(overrides: Partial<EpcisLimits> = {}): EpcisLimits {
  const d = DEFAULT_EPCIS_LIMITS;
  const limits: EpcisLimits = {
    maxDocumentBytes: overrides.maxDocumentBytes ?? d.maxDocumentBytes,
    maxEvents: overrides.maxEvents ?? d.maxEvents,
    maxArrayItems: overrides.maxArrayItems ?? d.maxArrayItems,
    maxDepth: overrides.maxDepth ?? d.maxDepth,
    maxErrors: overrides.maxErrors ?? d.maxErrors,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || (value as number) < 1) {
      throw new RangeError(`EPCIS limit ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  return Object.freeze(limits);
}
