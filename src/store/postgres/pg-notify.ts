/** Notification rules, on-call rosters and users' notification profiles in PostgreSQL. */
import {
  NotifyDocs,
  notifyFromRow,
  notifyParams,
  notifyStatements,
  type NotifyKind,
  type NotifyRecord,
} from "../notify-rows.js";
import type { Row } from "../rows.js";
import type { PgDb } from "./pg-db.js";

const SQL = notifyStatements((i) => `$${i}`);

export class PgNotify extends NotifyDocs {
  constructor(private readonly db: PgDb) {
    super();
  }

  async put<K extends NotifyKind>(kind: K, record: NotifyRecord<K>): Promise<void> {
    await this.db.query(SQL[kind].put, notifyParams(kind, record));
  }

  async get<K extends NotifyKind>(kind: K, key: string): Promise<NotifyRecord<K> | undefined> {
    const { rows } = await this.db.query<Row>(SQL[kind].get, [key]);
    return rows[0] === undefined ? undefined : notifyFromRow<K>(rows[0]);
  }

  async list<K extends NotifyKind>(kind: K): Promise<NotifyRecord<K>[]> {
    const { rows } = await this.db.query<Row>(SQL[kind].list);
    return rows.map((row) => notifyFromRow<K>(row));
  }

  async remove(kind: NotifyKind, key: string): Promise<boolean> {
    const { rowCount } = await this.db.query(SQL[kind].delete, [key]);
    return (rowCount ?? 0) > 0;
  }
}
