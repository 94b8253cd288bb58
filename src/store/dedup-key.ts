/**
 * The deduplication key of a reading: the same reading delivered twice (a device retransmitting
 * after a lost acknowledgement, a gateway retrying a batch) has the same key and is stored once.
 *
 * key = hex(SHA-256(canonicalJson(content))), where content is the reading without `seq`,
 * `receivedAtMs`, `raw`, `protocol` and `dedupKey` (so it still holds `deviceId` and `atMs`),
 * undefined members omitted, bigints as decimal strings. See docs/storage.md.
 */
import { hash } from "node:crypto";
import { canonicalJson } from "../core/canonical-json.js";
import { normalizeJson, rememberJsonText } from "./json-value.js";
import type { ReadingRecord } from "./ports.js";

/** What the key is computed from: a reading, with or without the fields the key ignores. */
export type DedupInput = Omit<ReadingRecord, "seq" | "receivedAtMs" | "raw" | "protocol" | "dedupKey"> &
  Partial<Pick<ReadingRecord, "seq" | "receivedAtMs" | "raw" | "protocol" | "dedupKey">>;

/**
 * The members a reading's content may have, in code-unit order: the order canonical JSON writes them.
 * A reading with any other member takes the generic (slower) path.
 */
const CONTENT_KEYS = [
  "altitudeM",
  "atMs",
  "batteryPct",
  "courseDeg",
  "deviceId",
  "kind",
  "lat",
  "lon",
  "office",
  "readStatus",
  "seal",
  "speedKmh",
  "tamper",
  "valid",
  "vendor",
] as const;
const CONTENT_KEY_SET: ReadonlySet<string> = new Set(CONTENT_KEYS);
const IGNORED_KEYS: ReadonlySet<string> = new Set(["seq", "receivedAtMs", "raw", "protocol", "dedupKey"]);

/**
 * The canonical JSON of a reading's content, written member by member: the same text as
 * `canonicalJson(normalizeJson(content))`, without serialising and parsing the reading twice.
 * `vendorAt`: where the vendor details' text starts (they are the last member), or -1.
 */
function contentJson(reading: DedupInput): { text: string; vendorAt: number } | undefined {
  const record = reading as unknown as Record<string, unknown>;
  for (const key in record) {
    if (!CONTENT_KEY_SET.has(key) && !IGNORED_KEYS.has(key) && record[key] !== undefined) return undefined;
  }
  let text = "{";
  let vendorAt = -1;
  for (const key of CONTENT_KEYS) {
    const value = record[key];
    if (value === undefined) continue;
    if (text.length > 1) text += ",";
    text += `"${key}":`;
    if (key === "vendor") {
      vendorAt = text.length;
      text += canonicalJson(value);
    } else if (typeof value === "number" || typeof value === "boolean")
      text += Number.isFinite(value) || typeof value === "boolean" ? String(value) : "null";
    else text += JSON.stringify(value);
  }
  return { text: `${text}}`, vendorAt };
}

/** The deduplication key of `reading` (64 lowercase hex characters). */
export function dedupKey(reading: DedupInput): string {
  const content = contentJson(reading);
  if (content === undefined) {
    const {
      seq: _seq,
      receivedAtMs: _received,
      raw: _raw,
      protocol: _protocol,
      dedupKey: _key,
      ...rest
    } = reading;
    return hash("sha256", canonicalJson(normalizeJson(rest)), "hex");
  }
  const { text, vendorAt } = content;
  const key = hash("sha256", text, "hex");
  const vendor = reading.vendor;
  if (vendorAt >= 0 && typeof vendor === "object" && vendor !== null) {
    // The store keeps the details' canonical text for the vendor column rather than serialising
    // them again; cut from the hashed text, which hashing has made one flat string (text built
    // piece by piece is a tree of pieces, which copying to the writer thread would walk slowly).
    rememberJsonText(vendor, text.slice(vendorAt, text.length - 1));
  }
  return key;
}

/** `reading` with its `dedupKey` filled in. */
export function withDedupKey(reading: Omit<ReadingRecord, "dedupKey">): ReadingRecord {
  return { ...reading, dedupKey: dedupKey(reading) };
}

/** Whether `key` is 64 lowercase hex digits. */
function isKey(key: string): boolean {
  if (key.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = key.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** Throws unless `reading.dedupKey` looks like a key (64 lowercase hex digits). */
export function checkDedupKey(reading: Pick<ReadingRecord, "seq" | "dedupKey">): void {
  if (!isKey(reading.dedupKey))
    throw new TypeError(`reading ${reading.seq}: dedupKey is not 64 lowercase hex digits`);
}
