/**
 * Whether a reading can be stored as it stands, checked before it is given a place in the log: a
 * value that a column cannot hold (a NUL in a text column for PostgreSQL, a time that is not a whole
 * number of milliseconds, NaN) would fail its whole batch on every retry and take the readings of
 * other devices in that batch down with it. Such a reading is refused once, with the problem named,
 * instead of wedging its device.
 *
 * Pure and total: whatever the input, the answer is a list of problems, never a throw.
 */

/** Longest text column value (device ids, seal numbers, office ids) the store takes. */
export const MAX_TEXT_CHARS = 1_000;
/** Largest raw frame kept as evidence. */
export const MAX_RAW_BYTES = 1024 * 1024;
/** Deepest vendor details (objects and arrays) the store takes; decoders produce two or three. */
export const MAX_VENDOR_DEPTH = 16;
/** Most values (members and items, counted recursively) in the vendor details. */
export const MAX_VENDOR_VALUES = 10_000;

const TEXT_MEMBERS = ["deviceId", "protocol", "office"] as const;
const NUMBER_MEMBERS = ["lon", "lat", "speedKmh", "courseDeg", "altitudeM", "batteryPct"] as const;
const BOOLEAN_MEMBERS = ["valid", "tamper"] as const;

function textProblem(name: string, value: unknown, required: boolean): string | undefined {
  if (value === undefined) return required ? `${name} is missing` : undefined;
  if (typeof value !== "string") return `${name} is not text`;
  if (required && value.length === 0) return `${name} is empty`;
  if (value.length > MAX_TEXT_CHARS) return `${name} is longer than ${MAX_TEXT_CHARS} characters`;
  if (value.includes("\u0000")) return `${name} holds a NUL character`;
  return undefined;
}

/** Walks vendor details without recursion limits of its own: depth and size are bounded here. */
function vendorProblem(vendor: unknown): string | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value: vendor, depth: 0 }];
  let values = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (++values > MAX_VENDOR_VALUES) return `vendor details hold more than ${MAX_VENDOR_VALUES} values`;
    switch (typeof value) {
      case "string":
      case "boolean":
        continue;
      case "number":
        if (!Number.isFinite(value)) return `vendor details hold a number that is not finite`;
        continue;
      case "bigint":
        continue;
      case "object": {
        if (value === null) continue;
        if (depth >= MAX_VENDOR_DEPTH) return `vendor details nest deeper than ${MAX_VENDOR_DEPTH}`;
        const items = Array.isArray(value) ? (value as unknown[]) : Object.values(value);
        for (const item of items) if (item !== undefined) stack.push({ value: item, depth: depth + 1 });
        continue;
      }
      case "undefined":
        continue;
      case "function":
      case "symbol":
        return `vendor details hold a ${typeof value}`;
    }
  }
  return undefined;
}

/** What keeps `reading` out of the store (empty when nothing does). */
export function storabilityProblems(reading: object): string[] {
  const r = reading as Record<string, unknown>;
  const problems: string[] = [];
  const push = (problem: string | undefined): void => {
    if (problem !== undefined) problems.push(problem);
  };
  for (const name of TEXT_MEMBERS) push(textProblem(name, r[name], name !== "office"));
  if (r.seal !== undefined && r.seal !== "closed" && r.seal !== "open")
    problems.push("seal is not closed or open");
  if (r.readStatus !== undefined && r.readStatus !== "intact" && r.readStatus !== "broken")
    problems.push("readStatus is not intact or broken");
  if (r.kind !== "message" && r.kind !== "read")
    problems.push(`kind ${String(r.kind)} is not message or read`);
  for (const name of ["atMs", "receivedAtMs"] as const) {
    const value = r[name];
    if (value === undefined && name === "receivedAtMs") continue;
    if (typeof value !== "number" || !Number.isSafeInteger(value))
      problems.push(`${name} is not a whole number of milliseconds`);
  }
  for (const name of NUMBER_MEMBERS) {
    const value = r[name];
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value)))
      problems.push(`${name} is not a finite number`);
  }
  for (const name of BOOLEAN_MEMBERS) {
    const value = r[name];
    if (value !== undefined && typeof value !== "boolean") problems.push(`${name} is not true or false`);
  }
  if (!(r.raw instanceof Uint8Array)) problems.push("raw is not bytes");
  else if (r.raw.byteLength > MAX_RAW_BYTES) problems.push(`raw is larger than ${MAX_RAW_BYTES} bytes`);
  if (r.vendor !== undefined) push(vendorProblem(r.vendor));
  return problems;
}
