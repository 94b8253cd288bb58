/** Inspection records (recommendation fixed at arrival, decision, outcome) in PostgreSQL. */
import type { InspectionFilter, InspectionRecord, InspectionStore } from "../inspection-ports.js";
import {
  INSPECTION_COLUMNS,
  inspectionFromRow,
  inspectionParams,
  inspectionWhere,
} from "../inspection-rows.js";
import type { Row } from "../rows.js";
import type { PgDb } from "./pg-db.js";
import { upsertSql } from "./pg-sql.js";

export class PgInspections implements InspectionStore {
  constructor(private readonly db: PgDb) {}

  async put(record: InspectionRecord): Promise<void> {
    await this.db.query(upsertSql("inspections", INSPECTION_COLUMNS, ["trip_id"]), inspectionParams(record));
  }

  async fix(
    record: InspectionRecord,
  ): Promise<{ readonly record: InspectionRecord; readonly created: boolean }> {
    const { rowCount } = await this.db.query(
      `INSERT INTO inspections (${INSPECTION_COLUMNS.join(", ")})
       VALUES (${INSPECTION_COLUMNS.map((_, i) => `$${i + 1}`).join(", ")}) ON CONFLICT (trip_id) DO NOTHING`,
      inspectionParams(record),
    );
    return { record: (await this.get(record.tripId)) ?? record, created: rowCount === 1 };
  }

  async get(tripId: string): Promise<InspectionRecord | undefined> {
    const { rows } = await this.db.query<Row>("SELECT doc FROM inspections WHERE trip_id = $1", [tripId]);
    return rows[0] === undefined ? undefined : inspectionFromRow(rows[0]);
  }

  async list(filter: InspectionFilter = {}): Promise<InspectionRecord[]> {
    const where = inspectionWhere(filter, (i) => `$${i}`);
    const { rows } = await this.db.query<Row>(
      `SELECT doc FROM inspections ${where.sql} ORDER BY fixed_at_ms, trip_id COLLATE "C"`,
      where.params,
    );
    return rows.map(inspectionFromRow);
  }
}
