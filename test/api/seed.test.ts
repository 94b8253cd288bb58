/** The first administrator and seeded users: created once, never with a built-in password. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { verifyPassword } from "../../src/api/auth/passwords.js";
import { ensureAdmin, seedUsers } from "../../src/api/seed.js";
import { ManualClock } from "../../src/monitor/clock.js";
import { openStore, type OpenedStore } from "../../src/store/open.js";

class Lines {
  readonly lines: { message: string; details: Record<string, unknown> }[] = [];
  info(details: object, message: string): void {
    this.lines.push({ message, details: details as Record<string, unknown> });
  }
  warn(details: object, message: string): void {
    this.lines.push({ message, details: details as Record<string, unknown> });
  }
}

describe("seeding", () => {
  let dir: string;
  let store: OpenedStore;
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "sealwatch-seed-"));
    store = await openStore({ url: join(dir, "sealwatch.db") });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates the first administrator with a one-time password written once to the log", async () => {
    const log = new Lines();
    const first = await ensureAdmin(store, { adminUsername: "root", adminPassword: undefined }, clock, log);
    assert.ok(first?.generatedPassword !== undefined);
    assert.equal(first.generatedPassword.length, 20);
    assert.equal(first.user.role, "admin");
    assert.equal(await verifyPassword(first.generatedPassword, first.user.passwordHash), true);
    assert.equal(log.lines[0]?.details.oneTimePassword, first.generatedPassword);
    const audit = await store.audit.list({ subjectType: "user" });
    assert.equal(audit[0]?.action, "user.create");
    // Never again once a user exists.
    assert.equal(
      await ensureAdmin(store, { adminUsername: "root", adminPassword: undefined }, clock, log),
      undefined,
    );
    assert.equal(log.lines.length, 1);
  });

  it("seeds users idempotently", async () => {
    const users = [
      { username: "ops1", password: "a long password for ops", role: "operator" as const },
      { username: "sup1", password: "a long password for sup", role: "supervisor" as const },
    ];
    const first = await seedUsers(store, clock, users);
    const again = await seedUsers(store, clock, users);
    assert.deepEqual(
      again.map((u) => u.id),
      first.map((u) => u.id),
    );
    assert.equal((await store.access.users()).length, 3);
  });

  it("uses the configured password when there is one, and refuses a short one", async () => {
    const other = await openStore({ url: join(dir, "other.db") });
    try {
      await assert.rejects(
        ensureAdmin(other, { adminUsername: "admin", adminPassword: "short" }, clock, new Lines()),
        /at least 15/,
      );
      const made = await ensureAdmin(
        other,
        { adminUsername: "admin", adminPassword: "configured passphrase" },
        clock,
        new Lines(),
      );
      assert.equal(made?.generatedPassword, undefined);
      assert.equal(await verifyPassword("configured passphrase", made!.user.passwordHash), true);
    } finally {
      await other.close();
    }
  });
});
