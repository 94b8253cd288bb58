/**
 * An open live stream ends when its credential does: after a logout, the user's disabling, the API
 * key's revocation and the session's expiry, the stream sends a last `end` event saying why, writes
 * nothing after it and closes. Each case is checked on the path that catches it first: the check
 * before a batch of events (logout), or the timer while nothing happens (the others). On SQLite, and
 * on PostgreSQL when it is reachable (the check reads sessions, users and keys from the store).
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createThrowawayDatabase, dropDatabase, probePostgres } from "../store/pg-support.js";
import { createHarness, MIDWAY, PASSWORD, type Harness } from "./support.js";
import { SseReader } from "./sse.js";

interface EndJson {
  readonly reason: string;
  readonly message: string;
}

const postgres = await probePostgres();

for (const store of ["sqlite", "postgres"] as const)
  describe(`a live stream outliving its credential (${store})`, () => {
    if (store === "postgres" && !postgres.ok)
      return void it.skip(`PostgreSQL is not reachable (${postgres.reason})`);
    let h: Harness;
    let base: string;
    const readers: SseReader[] = [];
    let users = 0;

    /** A new ACME trader with its own session (the shared callers' tokens stay untouched). */
    const newTrader = async (): Promise<{ id: string; token: string }> => {
      const username = `trader-stream-${++users}`;
      const created = await h.request("POST", "/api/v1/users", {
        as: "admin",
        body: { username, password: PASSWORD, role: "trader", companyId: "ACME" },
      });
      assert.equal(created.statusCode, 201, created.body);
      const login = await h.request("POST", "/api/v1/auth/login", { body: { username, password: PASSWORD } });
      return { id: created.json<{ id: string }>().id, token: login.json<{ token: string }>().token };
    };
    const open = async (token: string): Promise<SseReader> => {
      const reader = await SseReader.open(`${base}/api/v1/stream`, { authorization: `Bearer ${token}` });
      readers.push(reader);
      assert.equal(reader.status, 200);
      await reader.until((r) => r.of("ready").length > 0, 5_000, "the ready event");
      return reader;
    };
    /** Waits for the end event; checks it is the last thing on the stream and the stream closed. */
    const endOf = async (reader: SseReader): Promise<EndJson> => {
      await reader.until((r) => r.of("end").length > 0, 10_000, "the end event");
      await reader.until((r) => r.ended, 5_000, "the stream's close");
      assert.equal(reader.events.at(-1)!.event, "end", "nothing after the end event");
      return reader.of<EndJson>("end")[0]!;
    };

    let database: { name: string; url: string } | undefined;

    before(async () => {
      if (store === "postgres") database = await createThrowawayDatabase("sealwatch_stream");
      h = await createHarness(
        { streamRecheckS: 1, sessionTtlS: 3600 },
        { callers: ["trader"], ...(database === undefined ? {} : { storeUrl: database.url }) },
      );
      base = await h.app.listen({ host: "127.0.0.1", port: 0 });
    });
    after(async () => {
      for (const reader of readers) reader.close();
      await h.close();
      if (database !== undefined) await dropDatabase(database.name);
    });

    it("ends at logout, before the next batch of events is written", async () => {
      const { token } = await newTrader();
      const reader = await open(token);
      const still = await open(h.tokens.trader);
      const logout = await h.request("POST", "/api/v1/auth/logout", { token });
      assert.equal(logout.statusCode, 204, logout.body);
      const { tripId, deviceId } = await h.newTrip({ companyId: "ACME", stage: "in_transit" });
      await h.reading(deviceId, MIDWAY);
      const end = await endOf(reader);
      assert.equal(end.reason, "logged_out");
      assert.match(end.message, /log in again/);
      assert.ok(
        !reader.of<{ trip?: { id: string } }>("trip").some((e) => e.trip?.id === tripId),
        "no event after the logout",
      );
      assert.equal(reader.of("reading").length, 0);
      // Another session of the same company carries on and gets those events.
      await still.until((r) => r.of<{ trip: { id: string } }>("trip").some((e) => e.trip.id === tripId));
      assert.equal(still.of("end").length, 0);
      // And the token opens nothing any more.
      assert.equal(
        (await fetch(`${base}/api/v1/stream`, { headers: { authorization: `Bearer ${token}` } })).status,
        401,
      );
    });

    it("ends when the user is disabled, with no event needed", async () => {
      const { id, token } = await newTrader();
      const reader = await open(token);
      const disabled = await h.request("PATCH", `/api/v1/users/${id}`, {
        as: "admin",
        body: { disabled: true },
      });
      assert.equal(disabled.statusCode, 200, disabled.body);
      assert.equal((await endOf(reader)).reason, "user_disabled");
    });

    it("ends when the API key is revoked", async () => {
      const key = await h.request("POST", "/api/v1/api-keys", {
        as: "admin",
        body: { name: "acme portal", role: "trader", companyId: "ACME" },
      });
      assert.equal(key.statusCode, 201, key.body);
      const { key: issued, token } = key.json<{ key: { id: string }; token: string }>();
      const reader = await open(token);
      const revoked = await h.request("DELETE", `/api/v1/api-keys/${issued.id}`, { as: "admin" });
      assert.ok(revoked.statusCode < 300, revoked.body);
      assert.equal((await endOf(reader)).reason, "key_revoked");
    });

    it("ends when the session expires", async () => {
      const { token } = await newTrader();
      const reader = await open(token);
      h.clock.advance(3600 * 1000 + 1000);
      const end = await endOf(reader);
      assert.equal(end.reason, "session_expired");
    });
  });
