/**
 * The audit hash chain, shared by both stores and by offline verification:
 * hash(n) = hex(SHA-256(prevHash + canonicalJson({seq, atMs, actor, action, subjectType, subjectId,
 * details}))), with prevHash the hash of record n-1 (64 zeros for record 1). Seqs start at 1 and have
 * no gaps, so a deleted, inserted, edited or reordered record breaks the chain at or after itself.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../core/canonical-json.js";
import { normalizeJson } from "./json-value.js";
import type { AuditEntry, AuditRecord, AuditVerification } from "./ports.js";

export const GENESIS_HASH = "0".repeat(64);

/** The hash of a record with the given content after `prevHash`. */
export function auditHash(prevHash: string, record: AuditEntry & { readonly seq: number }): string {
  const content = canonicalJson({
    seq: record.seq,
    atMs: record.atMs,
    actor: record.actor,
    action: record.action,
    subjectType: record.subjectType,
    subjectId: record.subjectId,
    details: record.details,
  });
  return createHash("sha256").update(prevHash).update(content).digest("hex");
}

/** The record that follows `head` (undefined for an empty chain) with `entry`'s content. */
export function nextAuditRecord(
  head: { seq: number; hash: string } | undefined,
  entry: AuditEntry,
): AuditRecord {
  const details = normalizeJson(entry.details);
  const content = {
    seq: (head?.seq ?? 0) + 1,
    atMs: entry.atMs,
    actor: entry.actor,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    ...(details === undefined ? {} : { details }),
  };
  const prevHash = head?.hash ?? GENESIS_HASH;
  return { ...content, prevHash, hash: auditHash(prevHash, content) };
}

/** Checks records fed in stored order; remembers the first break. */
export class AuditChainVerifier {
  private count = 0;
  private last: { seq: number; hash: string } | undefined;
  private broken: { seq: number; problem: string } | undefined;

  /** Feeds the next record; returns false once the chain is broken (further records are ignored). */
  push(record: AuditRecord): boolean {
    if (this.broken !== undefined) return false;
    this.count++;
    const expectedSeq = (this.last?.seq ?? 0) + 1;
    const expectedPrev = this.last?.hash ?? GENESIS_HASH;
    if (record.seq > expectedSeq) {
      this.broken = {
        seq: expectedSeq,
        problem: `record ${expectedSeq} is missing: the chain jumps from ${expectedSeq - 1} to ${record.seq} (deleted record)`,
      };
    } else if (record.seq < expectedSeq) {
      this.broken = {
        seq: record.seq,
        problem: `record ${record.seq} appears after record ${expectedSeq - 1} (repeated or reordered record)`,
      };
    } else if (record.prevHash !== expectedPrev) {
      this.broken = {
        seq: record.seq,
        problem:
          record.seq === 1
            ? "the first record does not start from the genesis hash (records inserted or removed before it)"
            : `its prevHash does not match the hash of record ${record.seq - 1} (record ${record.seq - 1} rewritten, or records reordered, inserted or removed)`,
      };
    } else if (auditHash(record.prevHash, record) !== record.hash) {
      this.broken = { seq: record.seq, problem: "its content does not match its hash (edited record)" };
    }
    if (this.broken !== undefined) return false;
    this.last = { seq: record.seq, hash: record.hash };
    return true;
  }

  /** The verdict over everything fed so far. */
  result(): AuditVerification {
    if (this.broken !== undefined)
      return { ok: false, records: this.count, firstBroken: this.broken.seq, problem: this.broken.problem };
    return this.last === undefined
      ? { ok: true, records: this.count }
      : { ok: true, records: this.count, head: { seq: this.last.seq, hash: this.last.hash } };
  }
}
