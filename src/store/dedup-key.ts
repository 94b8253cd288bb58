/**
 * The deduplication key of a reading: the same reading delivered twice (a device retransmitting
 * after a lost acknowledgement, a gateway retrying a batch) has the same key and is stored once.
 *
 * key = hex(SHA-256(canonicalJson(content))), where content is the reading without `seq`,
 * `receivedAtMs`, `raw`, `protocol` and `dedupKey` (so it still holds `deviceId` and `atMs`),
 * undefined members omitted, bigints as decimal strings. See docs/storage.md.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../core/canonical-json.js";
import { normalizeJson } from "./json-value.js";
import type { ReadingRecord } from "./ports.js";

/** What the key is computed from: a reading, with or without the fields the key ignores. */
export type DedupInput = Omit<ReadingRecord, "seq" | "receivedAtMs" | "raw" | "protocol" | "dedupKey"> &
  Partial<Pick<ReadingRecord, "seq" | "receivedAtMs" | "raw" | "protocol" | "dedupKey">>;

/** The deduplication key of `reading` (64 lowercase hex characters). */
export function dedupKey(reading: DedupInput): string {
  const {
    seq: _seq,
    receivedAtMs: _received,
    raw: _raw,
    protocol: _protocol,
    dedupKey: _key,
    ...content
  } = reading;
  return createHash("sha256")
    .update(canonicalJson(normalizeJson(content)))
    .digest("hex");
}

/** `reading` with its `dedupKey` filled in. */
export function withDedupKey(reading: Omit<ReadingRecord, "dedupKey">): ReadingRecord {
  return { ...reading, dedupKey: dedupKey(reading) };
}

const KEY = /^[0-9a-f]{64}$/;

/** Throws unless `reading.dedupKey` looks like a key (64 lowercase hex digits). */
export function checkDedupKey(reading: Pick<ReadingRecord, "seq" | "dedupKey">): void {
  if (!KEY.test(reading.dedupKey))
    throw new TypeError(`reading ${reading.seq}: dedupKey is not 64 lowercase hex digits`);
}
