/**
 * The audit chain in PostgreSQL. Appends from any number of processes are serialized by a
 * transaction-scoped advisory lock taken before the head is read, so two appends never chain onto
 * the same record. `verify` reads the whole chain through a cursor, in seq order.
 */
import type pg from "pg";
import { AuditChainVerifier, nextAuditRecord } from "../audit-chain.js";
import { AUDIT_COLUMNS, auditFromRow, auditParams, type Row } from "../rows.js";
import type { AuditEntry, AuditLog, AuditRecord, AuditVerification } from "../ports.js";
import type { PgDb } from "./pg-db.js";
import { placeholders } from "./pg-sql.js";

const SELECT = `SELECT ${AUDIT_COLUMNS.join(", ")} FROM audit_log`;
/** pg_advisory_xact_lock key for audit appends ("SWAUDIT"). */
const AUDIT_LOCK = 0x5357_4155_4454;
const VERIFY_BATCH = 5000;

/** Chains `entries` onto the log inside the caller's transaction on `c` (see PgDb.transaction). */
export async function appendAuditIn(
  db: PgDb,
  c: pg.PoolClient,
  entries: readonly AuditEntry[],
): Promise<AuditRecord[]> {
  if (entries.length === 0) return [];
  await db.query("SELECT pg_advisory_xact_lock($1)", [AUDIT_LOCK], c);
  const { rows } = await db.query<{ seq: number; hash: string }>(
    "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
    [],
    c,
  );
  let head: { seq: number; hash: string } | undefined = rows[0];
  const records: AuditRecord[] = [];
  for (const entry of entries) {
    const record = nextAuditRecord(head, entry);
    await db.query(
      `INSERT INTO audit_log (${AUDIT_COLUMNS.join(", ")}) VALUES (${placeholders(AUDIT_COLUMNS.length)})`,
      auditParams(record),
      c,
    );
    records.push(record);
    head = record;
  }
  return records;
}

export class PgAudit implements AuditLog {
  constructor(private readonly db: PgDb) {}

  append(entry: AuditEntry): Promise<AuditRecord> {
    return this.appendMany([entry]).then((records) => records[0]!);
  }

  appendMany(entries: readonly AuditEntry[]): Promise<AuditRecord[]> {
    return this.db.transaction((c) => appendAuditIn(this.db, c, entries));
  }

  async list(
    filter: { subjectType?: string; subjectId?: string; afterSeq?: number; limit?: number } = {},
  ): Promise<AuditRecord[]> {
    const { rows } = await this.db.query<Row>(
      `${SELECT} WHERE ($1::text IS NULL OR subject_type = $1) AND ($2::text IS NULL OR subject_id = $2) AND seq > $3
       ORDER BY seq LIMIT $4`,
      [filter.subjectType ?? null, filter.subjectId ?? null, filter.afterSeq ?? 0, filter.limit ?? null],
    );
    return rows.map(auditFromRow);
  }

  async head(): Promise<AuditRecord | undefined> {
    const { rows } = await this.db.query<Row>(`${SELECT} ORDER BY seq DESC LIMIT 1`);
    return rows[0] === undefined ? undefined : auditFromRow(rows[0]);
  }

  verify(): Promise<AuditVerification> {
    return this.db.transaction(async (c) => {
      await c.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
      await c.query(`DECLARE audit_chain NO SCROLL CURSOR FOR ${SELECT} ORDER BY seq`);
      const verifier = new AuditChainVerifier();
      for (;;) {
        const { rows } = await c.query<Row>(`FETCH ${VERIFY_BATCH} FROM audit_chain`);
        if (rows.length === 0) break;
        if (!rows.every((row) => verifier.push(auditFromRow(row)))) break;
      }
      return verifier.result();
    });
  }
}
