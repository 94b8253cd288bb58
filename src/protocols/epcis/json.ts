/**
 * Reading a validated document without trusting it: own properties only (a key such as
 * "constructor" must not reach the prototype), and every value's type checked where it is used.
 */

export type JsonRecord = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An own property, or undefined. */
export function own(record: JsonRecord, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function ownString(record: JsonRecord, key: string): string | undefined {
  const value = own(record, key);
  return typeof value === "string" ? value : undefined;
}

export function ownNumber(record: JsonRecord, key: string): number | undefined {
  const value = own(record, key);
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

export function ownRecord(record: JsonRecord, key: string): JsonRecord | undefined {
  const value = own(record, key);
  return isRecord(value) ? value : undefined;
}

/** The records of an own array property; other items and non-arrays give nothing. */
export function ownRecords(record: JsonRecord, key: string): JsonRecord[] {
  const value = own(record, key);
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** A string property or an array of strings, as a list. */
export function ownStrings(record: JsonRecord, key: string): string[] {
  const value = own(record, key);
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}
