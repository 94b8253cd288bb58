/** Notification rules, on-call rosters and users' notification profiles in SQLite. */
import {
  NotifyDocs,
  notifyFromRow,
  notifyParams,
  notifyStatements,
  type NotifyKind,
  type NotifyRecord,
} from "../notify-rows.js";
import type { Row } from "../rows.js";
import type { SqliteDb } from "./sqlite-db.js";

const SQL = notifyStatements(() => "?");

export class SqliteNotify extends NotifyDocs {
  constructor(private readonly s: SqliteDb) {
    super();
  }

  put<K extends NotifyKind>(kind: K, record: NotifyRecord<K>): Promise<void> {
    return this.s.write(() => {
      this.s.stmt(SQL[kind].put).run(notifyParams(kind, record));
    });
  }

  get<K extends NotifyKind>(kind: K, key: string): Promise<NotifyRecord<K> | undefined> {
    return this.s.read(() => {
      const row = this.s.stmt(SQL[kind].get).get(key) as Row | undefined;
      return row === undefined ? undefined : notifyFromRow<K>(row);
    });
  }

  list<K extends NotifyKind>(kind: K): Promise<NotifyRecord<K>[]> {
    return this.s.read(() =>
      (this.s.stmt(SQL[kind].list).all() as Row[]).map((row) => notifyFromRow<K>(row)),
    );
  }

  remove(kind: NotifyKind, key: string): Promise<boolean> {
    return this.s.write(() => this.s.stmt(SQL[kind].delete).run(key).changes > 0);
  }
}
