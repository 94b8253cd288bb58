/** Trips (with a device index for windowHolding), engine commands, ticks and device commands in PostgreSQL. */
import type { TripState } from "../../core/domain/model.js";
import { StoreError } from "../store-error.js";
import {
  COMMAND_COLUMNS,
  DEVICE_COMMAND_COLUMNS,
  TRIP_COLUMNS,
  commandOrTickFromRow,
  commandParams,
  deviceCommandFromRow,
  deviceCommandParams,
  tripFromRow,
  tripParams,
  type Row,
} from "../rows.js";
import type {
  AuditEntry,
  CommandRecord,
  CommandStore,
  DeviceCommandRecord,
  TickRecord,
  TripRecord,
  TripStore,
} from "../ports.js";
import { appendAuditIn } from "./pg-audit.js";
import type { PgDb } from "./pg-db.js";
import { placeholders, upsertSql } from "./pg-sql.js";

const TRIP_SELECT = `SELECT ${TRIP_COLUMNS.join(", ")} FROM trips`;
type TripStateUpdate = Parameters<TripStore["updateState"]>[0];
const bindBool = (v: boolean): boolean => v;

export class PgTrips implements TripStore {
  constructor(private readonly db: PgDb) {}

  insert(trip: TripRecord): Promise<void> {
    return this.db.transaction(async (c) => {
      const { rowCount } = await this.db.query(
        `INSERT INTO trips (${TRIP_COLUMNS.join(", ")}) VALUES (${placeholders(TRIP_COLUMNS.length)})
         ON CONFLICT (id) DO NOTHING`,
        tripParams(trip),
        c,
      );
      if (rowCount !== 1)
        throw new StoreError("STORE_CONFLICT", `${this.db.location}: trip ${trip.id} already exists`);
      await this.db.query(
        "INSERT INTO trip_devices (trip_id, device_id) SELECT DISTINCT $1::text, unnest($2::text[])",
        [trip.id, trip.devices],
        c,
      );
    });
  }

  updateState(trip: TripStateUpdate, audit: readonly AuditEntry[] = []): Promise<void> {
    return this.db.transaction(async (c) => {
      const { rowCount } = await this.db.query(
        `UPDATE trips SET state = $2, armed_at_ms = $3, in_transit_at_ms = $4, arrived_at_ms = $5, closed_at_ms = $6,
           cancelled_at_ms = $7, arm_seq = $8, updated_at_ms = $9 WHERE id = $1`,
        [
          trip.id,
          trip.state,
          trip.armedAtMs ?? null,
          trip.inTransitAtMs ?? null,
          trip.arrivedAtMs ?? null,
          trip.closedAtMs ?? null,
          trip.cancelledAtMs ?? null,
          trip.armSeq ?? null,
          trip.updatedAtMs,
        ],
        c,
      );
      if (rowCount === 0)
        throw new StoreError("UNKNOWN_REFERENCE", `${this.db.location}: trip ${trip.id} does not exist`);
      await appendAuditIn(this.db, c, audit);
    });
  }

  async get(id: string): Promise<TripRecord | undefined> {
    const { rows } = await this.db.query<Row>(`${TRIP_SELECT} WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : tripFromRow(rows[0]);
  }

  async list(
    filter: {
      states?: readonly TripState[];
      companyId?: string;
      office?: string;
      limit?: number;
      offset?: number;
    } = {},
  ): Promise<TripRecord[]> {
    const { rows } = await this.db.query<Row>(
      `${TRIP_SELECT}
       WHERE ($1::text[] IS NULL OR state = ANY($1))
         AND ($2::text IS NULL OR company_id = $2)
         AND ($3::text IS NULL OR origin = $3 OR destination = $3 OR coalesce(checkpoints::jsonb, '[]') ? $3)
       ORDER BY created_at_ms DESC, id COLLATE "C" LIMIT $4 OFFSET $5`,
      [
        filter.states ?? null,
        filter.companyId ?? null,
        filter.office ?? null,
        filter.limit ?? null,
        filter.offset ?? 0,
      ],
    );
    return rows.map(tripFromRow);
  }

  async windowHolding(deviceId: string, atMs: number): Promise<TripRecord | undefined> {
    const { rows } = await this.db.query<Row>(
      `${TRIP_SELECT} WHERE id IN (SELECT trip_id FROM trip_devices WHERE device_id = $1)
         AND state NOT IN ('declared', 'cancelled') AND armed_at_ms <= $2
         AND (closed_at_ms IS NULL OR $2 < closed_at_ms)
       ORDER BY armed_at_ms DESC, id COLLATE "C" LIMIT 1`,
      [deviceId, atMs],
    );
    return rows[0] === undefined ? undefined : tripFromRow(rows[0]);
  }
}

export class PgCommands implements CommandStore {
  constructor(private readonly db: PgDb) {}

  async append(command: CommandRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO commands (${COMMAND_COLUMNS.join(", ")}) VALUES (${placeholders(COMMAND_COLUMNS.length)})`,
      commandParams(command, bindBool),
    );
  }

  async appendTick(tick: TickRecord): Promise<void> {
    await this.db.query("INSERT INTO ticks (seq, at_ms) VALUES ($1, $2)", [tick.seq, tick.atMs]);
  }

  async forTrip(tripId: string): Promise<CommandRecord[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${COMMAND_COLUMNS.join(", ")} FROM commands WHERE trip_id = $1 ORDER BY seq`,
      [tripId],
    );
    return rows.map(commandOrTickFromRow) as CommandRecord[];
  }

  async maxSeq(): Promise<number> {
    const { rows } = await this.db.query<{ m: string | null }>(
      "SELECT max(m)::text AS m FROM (SELECT max(seq) AS m FROM commands UNION ALL SELECT max(seq) FROM ticks) s",
    );
    return Number(rows[0]?.m ?? 0);
  }

  async afterSeq(afterSeq: number): Promise<(CommandRecord | TickRecord)[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${COMMAND_COLUMNS.join(", ")} FROM commands WHERE seq > $1
       UNION ALL
       SELECT seq, NULL, NULL, at_ms, NULL, NULL, NULL, NULL, NULL FROM ticks WHERE seq > $1
       ORDER BY seq`,
      [afterSeq],
    );
    return rows.map(commandOrTickFromRow);
  }

  async putDeviceCommand(command: DeviceCommandRecord): Promise<void> {
    await this.db.query(
      upsertSql("device_commands", DEVICE_COMMAND_COLUMNS, ["id"]),
      deviceCommandParams(command),
    );
  }

  async pendingDeviceCommands(deviceId: string): Promise<DeviceCommandRecord[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${DEVICE_COMMAND_COLUMNS.join(", ")} FROM device_commands
       WHERE device_id = $1 AND status = 'queued' ORDER BY created_at_ms, id COLLATE "C"`,
      [deviceId],
    );
    return rows.map(deviceCommandFromRow);
  }
}
