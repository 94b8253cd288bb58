/** Login, sessions, API keys, logout, password change, and the brute-force slowdown. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { hashPassword, verifyPassword } from "../../src/api/auth/passwords.js";
import { LoginThrottle } from "../../src/api/auth/login-throttle.js";
import type { SqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import {
  createHarness,
  PASSWORD,
  type ErrorJson,
  type Harness,
  type LoginJson,
  type UserJson,
  type Items,
} from "./support.js";

describe("passwords", () => {
  it("are hashed with scrypt in the store's format and verified", async () => {
    const hash = await hashPassword("a long enough password");
    assert.match(hash, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.equal(await verifyPassword("a long enough password", hash), true);
    assert.equal(await verifyPassword("a long enough passworD", hash), false);
    assert.equal(await verifyPassword("x", "not-a-hash"), false);
  });
});

describe("the login throttle", () => {
  it("lets a few failures through, then doubles the wait per failure, per user and per address", () => {
    const throttle = new LoginThrottle({ freeUserFailures: 3, freeAddressFailures: 10, baseDelayMs: 1000 });
    for (let i = 0; i < 3; i++) {
      assert.equal(throttle.waitMs("alice", "10.0.0.1", 0), 0);
      throttle.failed("alice", "10.0.0.1", 0);
    }
    assert.equal(throttle.waitMs("alice", "10.0.0.2", 0), 1000);
    assert.equal(throttle.waitMs("ALICE", "10.0.0.2", 500), 500);
    throttle.failed("alice", "10.0.0.1", 1000);
    assert.equal(throttle.waitMs("alice", "10.0.0.3", 1000), 2000);
    assert.equal(throttle.waitMs("bob", "10.0.0.3", 1000), 0);
    throttle.succeeded("alice");
    assert.equal(throttle.waitMs("alice", "10.0.0.3", 1000), 0);
  });
});

describe("authentication", () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  it("refuses a request without credentials, with a malformed header, or with an unknown token", async () => {
    const variants: Record<string, string>[] = [
      {},
      { authorization: "Basic abc" },
      { authorization: "Bearer sws_nope" },
      { authorization: "Bearer swk_0123456789abcdef_nopenopenopenopenopenope" },
    ];
    for (const headers of variants) {
      const r = await h.request("GET", "/api/v1/trips", { headers });
      assert.equal(r.statusCode, 401);
      assert.equal(r.json<ErrorJson>().code, "UNAUTHENTICATED");
    }
  });

  it("logs in with a username and password (case-insensitive name) and says who the caller is", async () => {
    const r = await h.request("POST", "/api/v1/auth/login", {
      body: { username: "OFFICER", password: PASSWORD },
    });
    assert.equal(r.statusCode, 200);
    const { token, expiresAt, user } = r.json<LoginJson>();
    assert.match(token, /^sws_/);
    assert.equal(Date.parse(expiresAt), h.clock.nowMs() + h.config.sessionTtlS * 1000);
    assert.equal(user.role, "officer");
    assert.equal((user as Record<string, unknown>).passwordHash, undefined);
    const me = (await h.request("GET", "/api/v1/auth/me", { token })).json<Record<string, unknown>>();
    assert.deepEqual(me, {
      kind: "user",
      id: "officer",
      name: "officer",
      role: "officer",
      offices: ["OFF-ORIGIN", "OFF-DEST"],
      actor: "user:officer",
    });
  });

  it("stores only the SHA-256 of session tokens", async () => {
    const { token } = (
      await h.request("POST", "/api/v1/auth/login", { body: { username: "operator", password: PASSWORD } })
    ).json<LoginJson>();
    const rows = (h.store as SqliteStore).database.prepare("SELECT token_hash FROM sessions").all() as {
      token_hash: string;
    }[];
    assert.ok(rows.length > 0);
    assert.ok(rows.every((row) => /^[0-9a-f]{64}$/.test(row.token_hash) && row.token_hash !== token));
  });

  it("refuses a wrong password and an unknown user alike", async () => {
    for (const body of [
      { username: "supervisor", password: "wrong password!!" },
      { username: "nobody", password: PASSWORD },
    ]) {
      const r = await h.request("POST", "/api/v1/auth/login", { body });
      assert.equal(r.statusCode, 401);
      assert.deepEqual(r.json(), {
        code: "UNAUTHENTICATED",
        message: "wrong username or password",
        statusCode: 401,
      });
    }
  });

  it("revokes a session at logout", async () => {
    const { token } = (
      await h.request("POST", "/api/v1/auth/login", { body: { username: "trader", password: PASSWORD } })
    ).json<LoginJson>();
    assert.equal((await h.request("GET", "/api/v1/auth/me", { token })).statusCode, 200);
    assert.equal((await h.request("POST", "/api/v1/auth/logout", { token })).statusCode, 204);
    assert.equal((await h.request("GET", "/api/v1/auth/me", { token })).statusCode, 401);
  });

  it("a disabled user's sessions stop working at once", async () => {
    await h.request("POST", "/api/v1/users", {
      as: "admin",
      body: { username: "temp", password: PASSWORD, role: "operator" },
    });
    const { token } = (
      await h.request("POST", "/api/v1/auth/login", { body: { username: "temp", password: PASSWORD } })
    ).json<LoginJson>();
    const patched = await h.request("PATCH", "/api/v1/users/temp", { as: "admin", body: { disabled: true } });
    assert.equal(patched.json<UserJson>().disabled, true);
    assert.equal((await h.request("GET", "/api/v1/auth/me", { token })).statusCode, 401);
    assert.equal(
      (await h.request("POST", "/api/v1/auth/login", { body: { username: "temp", password: PASSWORD } }))
        .statusCode,
      401,
    );
  });

  it("changes one's own password after checking the current one", async () => {
    await h.request("POST", "/api/v1/users", {
      as: "admin",
      body: { username: "changer", password: PASSWORD, role: "operator" },
    });
    const { token } = (
      await h.request("POST", "/api/v1/auth/login", { body: { username: "changer", password: PASSWORD } })
    ).json<LoginJson>();
    const wrong = await h.request("POST", "/api/v1/auth/password", {
      token,
      body: { currentPassword: "not it at all", newPassword: "a brand new passphrase" },
    });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json<ErrorJson>().code, "WRONG_PASSWORD");
    const short = await h.request("POST", "/api/v1/auth/password", {
      token,
      body: { currentPassword: PASSWORD, newPassword: "short" },
    });
    assert.equal(short.statusCode, 400);
    assert.equal(short.json<ErrorJson>().code, "WEAK_PASSWORD");
    const ok = await h.request("POST", "/api/v1/auth/password", {
      token,
      body: { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
    });
    assert.equal(ok.statusCode, 204);
    const login = await h.request("POST", "/api/v1/auth/login", {
      body: { username: "changer", password: "a brand new passphrase" },
    });
    assert.equal(login.statusCode, 200);
  });

  it("issues API keys shown once, stored hashed, revocable", async () => {
    const created = await h.request("POST", "/api/v1/api-keys", {
      as: "admin",
      body: { name: "NCTS declaration system", role: "officer", offices: ["OFF-ORIGIN"] },
    });
    assert.equal(created.statusCode, 201);
    const { key, token } = created.json<{ key: { id: string }; token: string }>();
    assert.match(token, /^swk_[0-9a-f]{16}_/);
    const me = (await h.request("GET", "/api/v1/auth/me", { token })).json<{ kind: string; actor: string }>();
    assert.equal(me.kind, "apiKey");
    assert.equal(me.actor, `apikey:${key.id}`);
    const listed = (await h.request("GET", "/api/v1/api-keys", { as: "admin" })).json<
      Items<{ id: string }>
    >();
    assert.ok(listed.items.some((k: { id: string }) => k.id === key.id));
    // The secret is everything after "swk_<id>_" (base64url: it may hold "_" itself).
    const secret = token.slice("swk_".length + 16 + 1);
    assert.ok(secret.length >= 32);
    assert.ok(!JSON.stringify(listed).includes(secret));
    assert.equal((await h.request("DELETE", `/api/v1/api-keys/${key.id}`, { as: "admin" })).statusCode, 204);
    assert.equal((await h.request("GET", "/api/v1/auth/me", { token })).statusCode, 401);
    const forged = token.slice(0, -2) + (token.endsWith("A") ? "BB" : "AA");
    assert.equal((await h.request("GET", "/api/v1/auth/me", { token: forged })).statusCode, 401);
  });

  it("slows a brute-forced login and logs each failure", async () => {
    await h.request("POST", "/api/v1/users", {
      as: "admin",
      body: { username: "target", password: PASSWORD, role: "operator" },
    });
    const attempt = (password: string) =>
      h.request("POST", "/api/v1/auth/login", { body: { username: "target", password } });
    // Three failures are let through; an attempt within the wait that follows is refused unchecked.
    for (let i = 0; i < 3; i++) assert.equal((await attempt(`guess number ${i}`)).statusCode, 401);
    const throttled = await attempt(PASSWORD);
    assert.equal(throttled.statusCode, 429);
    assert.equal(throttled.json<ErrorJson>().code, "LOGIN_THROTTLED");
    assert.ok(Number(throttled.headers["retry-after"]) >= 1);
    // Another user from the same address is not held up.
    assert.equal(
      (await h.request("POST", "/api/v1/auth/login", { body: { username: "operator", password: PASSWORD } }))
        .statusCode,
      200,
    );
    h.clock.advance(1_000);
    assert.equal((await attempt(PASSWORD)).statusCode, 200);
  });
});

describe("session lifetime", () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ sessionTtlS: 60 });
  });
  after(() => h.close());

  it("expires a session sessionTtlS after login", async () => {
    const { token } = (
      await h.request("POST", "/api/v1/auth/login", { body: { username: "trader", password: PASSWORD } })
    ).json<LoginJson>();
    h.clock.advance(59_000);
    assert.equal((await h.request("GET", "/api/v1/auth/me", { token })).statusCode, 200);
    h.clock.advance(1_000);
    const expired = await h.request("GET", "/api/v1/auth/me", { token });
    assert.equal(expired.statusCode, 401);
    assert.match(expired.json<ErrorJson>().message, /expired/);
  });
});

describe("the login rate limit", () => {
  let h: Harness;
  before(async () => {
    // The harness logs in eight callers from this address while it starts.
    h = await createHarness({ loginRateLimitPerMin: 11 });
  });
  after(() => h.close());

  it("refuses more than loginRateLimitPerMin logins a minute from one address", async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (
          await h.request("POST", "/api/v1/auth/login", {
            body: { username: "operator", password: PASSWORD },
          })
        ).statusCode,
      );
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const last = await h.request("POST", "/api/v1/auth/login", {
      body: { username: "operator", password: PASSWORD },
    });
    assert.equal(last.json<ErrorJson>().code, "RATE_LIMITED");
    assert.equal(last.json<ErrorJson>().statusCode, 429);
    assert.ok(last.headers["retry-after"] !== undefined);
  });
});
