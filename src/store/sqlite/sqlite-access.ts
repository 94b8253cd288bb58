/** Companies, users, sessions and API keys, and the engine's small key/value facts, in SQLite. */
import { StoreError } from "../store-error.js";
import {
  API_KEY_COLUMNS,
  USER_COLUMNS,
  apiKeyFromRow,
  apiKeyParams,
  companyFromRow,
  companyParams,
  sessionFromRow,
  sessionParams,
  userFromRow,
  userParams,
  type Row,
} from "../rows.js";
import { usernameKey } from "../../core/identity/username.js";
import type {
  AccessStore,
  ApiKeyRecord,
  CompanyRecord,
  EngineStateStore,
  SessionRecord,
  UserRecord,
} from "../ports.js";
import type { SqliteDb } from "./sqlite-db.js";
import { upsertSql } from "./sqlite-registry.js";

const COMPANY_COLUMNS = ["id", "name", "kind", "country", "created_at_ms", "aeo"];
const SESSION_COLUMNS = ["token_hash", "user_id", "created_at_ms", "expires_at_ms", "revoked_at_ms"];
const bindBool = (v: boolean): number => (v ? 1 : 0);

export class SqliteAccess implements AccessStore {
  constructor(private readonly s: SqliteDb) {}

  putCompany(company: CompanyRecord): Promise<void> {
    return this.s.write(() => {
      this.s.stmt(upsertSql("companies", COMPANY_COLUMNS, ["id"])).run(companyParams(company));
    });
  }

  company(id: string): Promise<CompanyRecord | undefined> {
    return this.getOne(
      `SELECT ${COMPANY_COLUMNS.join(", ")} FROM companies WHERE id = ?`,
      id,
      companyFromRow,
    );
  }

  companies(): Promise<CompanyRecord[]> {
    return this.getAll(`SELECT ${COMPANY_COLUMNS.join(", ")} FROM companies ORDER BY id`, companyFromRow);
  }

  putUser(user: UserRecord): Promise<void> {
    return this.s.write(() => {
      const owner = this.s
        .stmt("SELECT id FROM users WHERE username_key = ?")
        .get(usernameKey(user.username)) as { id: string } | undefined;
      if (owner !== undefined && owner.id !== user.id)
        throw new StoreError(
          "STORE_CONFLICT",
          `${this.s.location}: username ${user.username} is already taken by user ${owner.id}`,
        );
      this.s.stmt(upsertSql("users", USER_COLUMNS, ["id"])).run(userParams(user, bindBool));
    });
  }

  user(id: string): Promise<UserRecord | undefined> {
    return this.getOne(`SELECT ${USER_COLUMNS.join(", ")} FROM users WHERE id = ?`, id, userFromRow);
  }

  userByName(username: string): Promise<UserRecord | undefined> {
    return this.getOne(
      `SELECT ${USER_COLUMNS.join(", ")} FROM users WHERE username_key = ?`,
      usernameKey(username),
      userFromRow,
    );
  }

  users(): Promise<UserRecord[]> {
    return this.getAll(`SELECT ${USER_COLUMNS.join(", ")} FROM users ORDER BY username_key`, userFromRow);
  }

  putSession(session: SessionRecord): Promise<void> {
    return this.s.write(() => {
      this.s.stmt(upsertSql("sessions", SESSION_COLUMNS, ["token_hash"])).run(sessionParams(session));
    });
  }

  session(tokenHash: string): Promise<SessionRecord | undefined> {
    return this.getOne(
      `SELECT ${SESSION_COLUMNS.join(", ")} FROM sessions WHERE token_hash = ?`,
      tokenHash,
      sessionFromRow,
    );
  }

  revokeSession(tokenHash: string, atMs: number): Promise<void> {
    return this.s.write(() => {
      this.s
        .stmt("UPDATE sessions SET revoked_at_ms = ? WHERE token_hash = ? AND revoked_at_ms IS NULL")
        .run(atMs, tokenHash);
    });
  }

  revokeUserSessions(userId: string, atMs: number, exceptTokenHash?: string): Promise<void> {
    return this.s.write(() => {
      this.s
        .stmt(
          "UPDATE sessions SET revoked_at_ms = ? WHERE user_id = ? AND revoked_at_ms IS NULL AND token_hash <> ?",
        )
        .run(atMs, userId, exceptTokenHash ?? "");
    });
  }

  putApiKey(key: ApiKeyRecord): Promise<void> {
    return this.s.write(() => {
      this.s.stmt(upsertSql("api_keys", API_KEY_COLUMNS, ["id"])).run(apiKeyParams(key));
    });
  }

  apiKey(id: string): Promise<ApiKeyRecord | undefined> {
    return this.getOne(`SELECT ${API_KEY_COLUMNS.join(", ")} FROM api_keys WHERE id = ?`, id, apiKeyFromRow);
  }

  apiKeys(): Promise<ApiKeyRecord[]> {
    return this.getAll(`SELECT ${API_KEY_COLUMNS.join(", ")} FROM api_keys ORDER BY id`, apiKeyFromRow);
  }

  private getOne<T>(sql: string, key: string, map: (row: Row) => T): Promise<T | undefined> {
    return this.s.read(() => {
      const row = this.s.stmt(sql).get(key) as Row | undefined;
      return row === undefined ? undefined : map(row);
    });
  }

  private getAll<T>(sql: string, map: (row: Row) => T): Promise<T[]> {
    return this.s.read(() => (this.s.stmt(sql).all() as Row[]).map(map));
  }
}

export class SqliteEngineState implements EngineStateStore {
  constructor(private readonly s: SqliteDb) {}

  get(key: string): Promise<string | undefined> {
    return this.s.read(
      () =>
        (
          this.s.stmt("SELECT value FROM engine_state WHERE key = ?").get(key) as
            { value: string } | undefined
        )?.value,
    );
  }

  set(key: string, value: string): Promise<void> {
    return this.s.write(() => {
      this.s
        .stmt(
          "INSERT INTO engine_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .run(key, value);
    });
  }
}
