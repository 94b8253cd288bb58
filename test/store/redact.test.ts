/** Store locations never carry secrets; URLs pick PostgreSQL, anything else is a SQLite path. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isPostgresUrl, redactUrl } from "../../src/store/redact.js";

describe("redactUrl and isPostgresUrl", () => {
  it("keeps user, host, port and database, drops the password and the query", () => {
    assert.equal(
      redactUrl("postgresql://sealwatch:s3cr%40t@db.example:6432/prod?sslmode=require"),
      "postgresql://sealwatch@db.example:6432/prod",
    );
    assert.equal(redactUrl("postgres://db.example/prod"), "postgres://db.example/prod");
    assert.equal(redactUrl("postgresql://u:pw@[::1]:5432/x"), "postgresql://u@[::1]:5432/x");
    assert.ok(!redactUrl("postgres://a:b@c d/e").includes("b@"));
  });

  it("recognizes PostgreSQL URLs only", () => {
    assert.equal(isPostgresUrl("postgres://h/db"), true);
    assert.equal(isPostgresUrl("PostgreSQL://h/db"), true);
    assert.equal(isPostgresUrl("./data/sealwatch.db"), false);
    assert.equal(isPostgresUrl("/var/lib/postgres/sealwatch.db"), false);
    assert.equal(isPostgresUrl("sqlite://x.db"), false);
  });
});
