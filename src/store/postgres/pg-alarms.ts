/** Alarms and their workflow actions in PostgreSQL. */
import { StoreError } from "../store-error.js";
import {
  ALARM_ACTION_UPDATES,
  ALARM_COLUMNS,
  ALARM_UPSERT_SET,
  alarmActionFromRow,
  alarmActionParams,
  alarmFromRow,
  alarmParams,
  type Row,
} from "../rows.js";
import type { AlarmActionRecord, AlarmFilter, AlarmRecord, AlarmStore, AuditEntry } from "../ports.js";
import { appendAuditIn } from "./pg-audit.js";
import type { PgDb } from "./pg-db.js";
import { placeholders } from "./pg-sql.js";

const SELECT = `SELECT ${ALARM_COLUMNS.join(", ")} FROM alarms`;
const UPSERT = `INSERT INTO alarms (${ALARM_COLUMNS.join(", ")}) VALUES (${placeholders(ALARM_COLUMNS.length)})
  ON CONFLICT (id) DO UPDATE SET ${ALARM_UPSERT_SET}`;
const bindBool = (v: boolean): boolean => v;
type WorkflowUpdate = Parameters<AlarmStore["act"]>[1];

export class PgAlarms implements AlarmStore {
  constructor(private readonly db: PgDb) {}

  async upsert(alarm: AlarmRecord): Promise<void> {
    await this.db.query(UPSERT, alarmParams(alarm, bindBool));
  }

  upsertMany(alarms: readonly AlarmRecord[], audit: readonly AuditEntry[] = []): Promise<void> {
    return this.db.transaction(async (c) => {
      for (const alarm of alarms) await this.db.query(UPSERT, alarmParams(alarm, bindBool), c);
      await appendAuditIn(this.db, c, audit);
    });
  }

  async get(id: string): Promise<AlarmRecord | undefined> {
    const { rows } = await this.db.query<Row>(`${SELECT} WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : alarmFromRow(rows[0]);
  }

  async list(filter: AlarmFilter = {}): Promise<AlarmRecord[]> {
    const { rows } = await this.db.query<Row>(
      `${SELECT}
       WHERE ($1::text[] IS NULL OR workflow = ANY($1)) AND ($2::text[] IS NULL OR type = ANY($2))
         AND ($3::text[] IS NULL OR severity = ANY($3)) AND ($4::text[] IS NULL OR trip = ANY($4))
         AND ($5 OR NOT retracted)
       ORDER BY severity_rank, raised_at_ms, id COLLATE "C" LIMIT $6 OFFSET $7`,
      [
        filter.workflow ?? null,
        filter.types ?? null,
        filter.severities ?? null,
        filter.tripIds ?? null,
        filter.includeRetracted === true,
        filter.limit ?? null,
        filter.offset ?? 0,
      ],
    );
    return rows.map(alarmFromRow);
  }

  async forTrip(tripId: string): Promise<AlarmRecord[]> {
    const { rows } = await this.db.query<Row>(
      `${SELECT} WHERE trip = $1 ORDER BY started_at_ms, id COLLATE "C"`,
      [tripId],
    );
    return rows.map(alarmFromRow);
  }

  act(action: AlarmActionRecord, update: WorkflowUpdate): Promise<void> {
    return this.db.transaction(async (c) => {
      const sets: string[] = ["updated_at_ms = $2"];
      const values: unknown[] = [action.alarmId, action.atMs];
      for (const [field, column] of Object.entries(ALARM_ACTION_UPDATES)) {
        const value = update[field as keyof WorkflowUpdate];
        if (value === undefined) continue;
        values.push(value);
        sets.push(`${column} = $${values.length}`);
      }
      const { rowCount } = await this.db.query(
        `UPDATE alarms SET ${sets.join(", ")} WHERE id = $1`,
        values,
        c,
      );
      if (rowCount !== 1)
        throw new StoreError(
          "UNKNOWN_REFERENCE",
          `${this.db.location}: alarm ${action.alarmId} does not exist`,
        );
      await this.db.query(
        "INSERT INTO alarm_actions (id, alarm_id, action, actor, at_ms, details) VALUES ($1, $2, $3, $4, $5, $6)",
        alarmActionParams(action),
        c,
      );
    });
  }

  async actions(alarmId: string): Promise<AlarmActionRecord[]> {
    const { rows } = await this.db.query<Row>(
      "SELECT id, alarm_id, action, actor, at_ms, details FROM alarm_actions WHERE alarm_id = $1 ORDER BY at_ms, ord",
      [alarmId],
    );
    return rows.map(alarmActionFromRow);
  }
}
