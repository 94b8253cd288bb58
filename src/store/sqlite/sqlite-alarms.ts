/** Alarms and their workflow actions in SQLite. */
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
import { appendAuditNow } from "./sqlite-audit.js";
import type { SqliteDb } from "./sqlite-db.js";

const SELECT = `SELECT ${ALARM_COLUMNS.join(", ")} FROM alarms`;
const UPSERT = `INSERT INTO alarms (${ALARM_COLUMNS.join(", ")}) VALUES (${ALARM_COLUMNS.map(() => "?").join(", ")})
  ON CONFLICT (id) DO UPDATE SET ${ALARM_UPSERT_SET}`;
const bindBool = (v: boolean): number => (v ? 1 : 0);
type WorkflowUpdate = Parameters<AlarmStore["act"]>[1];

export class SqliteAlarms implements AlarmStore {
  constructor(private readonly s: SqliteDb) {}

  upsert(alarm: AlarmRecord): Promise<void> {
    return this.upsertMany([alarm]);
  }

  upsertMany(alarms: readonly AlarmRecord[], audit: readonly AuditEntry[] = []): Promise<void> {
    return this.s.write(() => {
      const upsert = this.s.stmt(UPSERT);
      for (const alarm of alarms) upsert.run(alarmParams(alarm, bindBool));
      appendAuditNow(this.s, audit);
    });
  }

  get(id: string): Promise<AlarmRecord | undefined> {
    return this.s.read(() => {
      const row = this.s.stmt(`${SELECT} WHERE id = ?`).get(id) as Row | undefined;
      return row === undefined ? undefined : alarmFromRow(row);
    });
  }

  list(filter: AlarmFilter = {}): Promise<AlarmRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const inList = (column: string, values: readonly string[] | undefined): void => {
      if (values === undefined) return;
      where.push(`${column} IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(values));
    };
    inList("workflow", filter.workflow);
    inList("type", filter.types);
    inList("severity", filter.severities);
    inList("trip", filter.tripIds);
    if (filter.includeRetracted !== true) where.push("retracted = 0");
    params.push(filter.limit ?? -1, filter.offset ?? 0);
    const sql = `${SELECT} ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY severity_rank, raised_at_ms, id LIMIT ? OFFSET ?`;
    return this.s.read(() => (this.s.stmt(sql).all(...params) as Row[]).map(alarmFromRow));
  }

  forTrip(tripId: string): Promise<AlarmRecord[]> {
    return this.s.read(() =>
      (this.s.stmt(`${SELECT} WHERE trip = ? ORDER BY started_at_ms, id`).all(tripId) as Row[]).map(
        alarmFromRow,
      ),
    );
  }

  act(action: AlarmActionRecord, update: WorkflowUpdate): Promise<void> {
    return this.s.write(() => {
      if (this.s.stmt("SELECT 1 FROM alarms WHERE id = ?").get(action.alarmId) === undefined)
        throw new StoreError(
          "UNKNOWN_REFERENCE",
          `${this.s.location}: alarm ${action.alarmId} does not exist`,
        );
      this.s
        .stmt(
          "INSERT INTO alarm_actions (id, alarm_id, action, actor, at_ms, details) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .run(alarmActionParams(action));
      const sets: string[] = ["updated_at_ms = ?"];
      const params: unknown[] = [action.atMs];
      for (const [field, column] of Object.entries(ALARM_ACTION_UPDATES)) {
        const value = update[field as keyof WorkflowUpdate];
        if (value === undefined) continue;
        sets.push(`${column} = ?`);
        params.push(value);
      }
      this.s.stmt(`UPDATE alarms SET ${sets.join(", ")} WHERE id = ?`).run(...params, action.alarmId);
    });
  }

  actions(alarmId: string): Promise<AlarmActionRecord[]> {
    return this.s.read(() =>
      (
        this.s
          .stmt(
            "SELECT id, alarm_id, action, actor, at_ms, details FROM alarm_actions WHERE alarm_id = ? ORDER BY at_ms, rowid",
          )
          .all(alarmId) as Row[]
      ).map(alarmActionFromRow),
    );
  }
}
