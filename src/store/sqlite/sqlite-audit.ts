/**
 * The audit chain in SQLite. Appends are serialized by the single writer (one connection, and the
 * lock file against other processes): head read, hash and insert happen in one IMMEDIATE transaction.
 */
import { AuditChainVerifier, nextAuditRecord } from "../audit-chain.js";
import { AUDIT_COLUMNS, auditFromRow, auditParams, type Row } from "../rows.js";
import type { AuditEntry, AuditLog, AuditRecord, AuditVerification } from "../ports.js";
import type { SqliteDb } from "./sqlite-db.js";

const SELECT = `SELECT ${AUDIT_COLUMNS.join(", ")} FROM audit_log`;

/** Chains `entries` onto the log inside the caller's write transaction (see SqliteDb.write). */
export function appendAuditNow(s: SqliteDb, entries: readonly AuditEntry[]): AuditRecord[] {
  let head = s.stmt("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").get() as
    { seq: number; hash: string } | undefined;
  const insert = s.stmt(
    `INSERT INTO audit_log (${AUDIT_COLUMNS.join(", ")}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const records: AuditRecord[] = [];
  for (const entry of entries) {
    const record = nextAuditRecord(head, entry);
    insert.run(auditParams(record));
    records.push(record);
    head = record;
  }
  return records;
}

export class SqliteAudit implements AuditLog {
  constructor(private readonly s: SqliteDb) {}

  append(entry: AuditEntry): Promise<AuditRecord> {
    return this.appendMany([entry]).then((records) => records[0]!);
  }

  appendMany(entries: readonly AuditEntry[]): Promise<AuditRecord[]> {
    return this.s.write(() => appendAuditNow(this.s, entries));
  }

  list(
    filter: { subjectType?: string; subjectId?: string; afterSeq?: number; limit?: number } = {},
  ): Promise<AuditRecord[]> {
    return this.s.read(() =>
      (
        this.s
          .stmt(
            `${SELECT} WHERE (@type IS NULL OR subject_type = @type) AND (@id IS NULL OR subject_id = @id) AND seq > @after
             ORDER BY seq LIMIT @limit`,
          )
          .all({
            type: filter.subjectType ?? null,
            id: filter.subjectId ?? null,
            after: filter.afterSeq ?? 0,
            limit: filter.limit ?? -1,
          }) as Row[]
      ).map(auditFromRow),
    );
  }

  head(): Promise<AuditRecord | undefined> {
    return this.s.read(() => {
      const row = this.s.stmt(`${SELECT} ORDER BY seq DESC LIMIT 1`).get() as Row | undefined;
      return row === undefined ? undefined : auditFromRow(row);
    });
  }

  verify(): Promise<AuditVerification> {
    return this.s.read(() => {
      const verifier = new AuditChainVerifier();
      for (const row of this.s.db.prepare(`${SELECT} ORDER BY seq`).iterate() as IterableIterator<Row>) {
        if (!verifier.push(auditFromRow(row))) break;
      }
      return verifier.result();
    });
  }
}
