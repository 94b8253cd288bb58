/** Inspection records (recommendation fixed at arrival, decision, outcome) in SQLite. */
import type { InspectionFilter, InspectionRecord, InspectionStore } from "../inspection-ports.js";
import {
  INSPECTION_COLUMNS,
  inspectionFromRow,
  inspectionParams,
  inspectionWhere,
} from "../inspection-rows.js";
import type { Row } from "../rows.js";
import type { SqliteDb } from "./sqlite-db.js";
import { upsertSql } from "./sqlite-registry.js";

export class SqliteInspections implements InspectionStore {
  constructor(private readonly s: SqliteDb) {}

  put(record: InspectionRecord): Promise<void> {
    return this.s.write(() => {
      this.s.stmt(upsertSql("inspections", INSPECTION_COLUMNS, ["trip_id"])).run(inspectionParams(record));
    });
  }

  fix(record: InspectionRecord): Promise<{ readonly record: InspectionRecord; readonly created: boolean }> {
    return this.s.write(() => {
      const result = this.s
        .stmt(
          `INSERT INTO inspections (${INSPECTION_COLUMNS.join(", ")}) VALUES (${INSPECTION_COLUMNS.map(() => "?").join(", ")})
           ON CONFLICT (trip_id) DO NOTHING`,
        )
        .run(inspectionParams(record));
      const row = this.s.stmt("SELECT doc FROM inspections WHERE trip_id = ?").get(record.tripId) as Row;
      return { record: inspectionFromRow(row), created: result.changes === 1 };
    });
  }

  get(tripId: string): Promise<InspectionRecord | undefined> {
    return this.s.read(() => {
      const row = this.s.stmt("SELECT doc FROM inspections WHERE trip_id = ?").get(tripId) as Row | undefined;
      return row === undefined ? undefined : inspectionFromRow(row);
    });
  }

  list(filter: InspectionFilter = {}): Promise<InspectionRecord[]> {
    const where = inspectionWhere(filter, () => "?");
    return this.s.read(() =>
      (
        this.s
          .stmt(
            `SELECT doc FROM inspections ${where.sql.replaceAll("FALSE", "0")} ORDER BY fixed_at_ms, trip_id`,
          )
          .all(...where.params) as Row[]
      ).map(inspectionFromRow),
    );
  }
}
