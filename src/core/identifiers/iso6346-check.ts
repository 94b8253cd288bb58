/**
 * The ISO 6346 check digit (standards.md §2), shared by container numbers and EU MRNs (§5.3).
 *
 * Digits keep their value; letters count up from A = 10 and skip the multiples of 11, so
 * A10 B12 … K21 L23 … U32 V34 … Z38. The character at 0-based position i is weighted 2^i, and the
 * check digit is (sum mod 11) mod 10. A remainder of 10 therefore gives 0, the same digit as a
 * remainder of 0, which is why owners avoid serials that produce it.
 */

const LETTER_VALUES: ReadonlyMap<string, number> = (() => {
  const values = new Map<string, number>();
  let value = 10;
  for (const letter of "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
    if (value % 11 === 0) value += 1;
    values.set(letter, value);
    value += 1;
  }
  return values;
})();

/** The ISO 6346 value of one upper-case ASCII letter or digit, or `undefined` for anything else. */
export function iso6346CharValue(ch: string): number | undefined {
  if (ch.length === 1 && ch >= "0" && ch <= "9") return ch.charCodeAt(0) - 48;
  return LETTER_VALUES.get(ch);
}

/**
 * The weighted sum Σ value(cᵢ)·2^i over `body` (the characters before the check digit), or
 * `undefined` when `body` holds a character with no ISO 6346 value. Exact for bodies of up to 40
 * characters (38·2^40 is far below 2^53); container numbers use 10 and MRNs 17.
 */
export function iso6346WeightedSum(body: string): number | undefined {
  let sum = 0;
  let weight = 1;
  for (const ch of body) {
    const value = iso6346CharValue(ch);
    if (value === undefined) return undefined;
    sum += value * weight;
    weight *= 2;
  }
  return sum;
}

export interface Iso6346Check {
  /** The check digit, 0–9. */
  readonly digit: number;
  /** sum mod 11, 0–10; 10 is the case that collapses onto digit 0. */
  readonly remainder: number;
}

/** The check digit for `body`, or `undefined` when `body` holds a character with no value. */
export function iso6346Check(body: string): Iso6346Check | undefined {
  const sum = iso6346WeightedSum(body);
  if (sum === undefined) return undefined;
  const remainder = sum % 11;
  return { digit: remainder % 10, remainder };
}
