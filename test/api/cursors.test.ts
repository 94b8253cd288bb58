/**
 * Cursors that reveal nothing: the stream's event ids, `ready`/`reset` cursors, the fleet snapshot's
 * cursor and the timeline's `auditSeq` are opaque tokens bound to the caller, so that no caller can
 * count other tenants' activity from them; resumption from them stays exact, and an altered,
 * foreign or made-up cursor is a 400 INVALID_CURSOR.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CursorSeal } from "../../src/api/stream/cursor.js";
import { createHarness, MIDWAY, type Caller, type ErrorJson, type Harness } from "./support.js";
import { SseReader } from "./sse.js";

const TOKEN = /^c1\.[A-Za-z0-9_-]{48}$/;

describe("opaque cursors", () => {
  let h: Harness;
  let base: string;
  const readers: SseReader[] = [];
  const actorOf = async (as: Caller) =>
    (await h.request("GET", "/api/v1/auth/me", { as })).json<{ actor: string }>().actor;
  const stream = async (as: Caller, headers: Record<string, string> = {}, query = "") => {
    const reader = await SseReader.open(`${base}/api/v1/stream${query}`, {
      authorization: `Bearer ${h.tokens[as]}`,
      ...headers,
    });
    readers.push(reader);
    return reader;
  };
  const fleetCursor = async (as: Caller) =>
    (await h.request("GET", "/api/v1/dashboard/fleet", { as })).json<{ cursor: string }>().cursor;

  before(async () => {
    h = await createHarness({}, { callers: ["trader", "trader2", "supervisor"] });
    base = await h.app.listen({ host: "127.0.0.1", port: 0 });
  });
  after(async () => {
    for (const reader of readers) reader.close();
    await h.close();
  });

  it("a cursor is a token that differs per caller and tells nothing of the sequence", async () => {
    const mine = await fleetCursor("trader");
    const theirs = await fleetCursor("trader2");
    assert.match(mine, TOKEN);
    assert.match(theirs, TOKEN);
    assert.notEqual(mine, theirs, "the same position, two callers: unlinkable tokens");
    assert.equal(await fleetCursor("trader"), mine, "stable for one caller at one position");
    // Activity of another company moves the position, which the trader cannot read back.
    await h.newTrip({ companyId: "OTHER", stage: "in_transit" });
    const later = await fleetCursor("trader");
    assert.notEqual(later, mine);
    const position = (token: string) => h.context.cursors.open("stream", token, "x", "t");
    assert.throws(() => position(later), /INVALID_CURSOR|not issued/);
  });

  it("the fleet cursor resumes the stream exactly after the snapshot", async () => {
    const cursor = await fleetCursor("trader");
    const { tripId, deviceId } = await h.newTrip({ companyId: "ACME", stage: "in_transit" });
    await h.reading(deviceId, MIDWAY);
    const reader = await stream("trader", {}, `?after=${cursor}`);
    await reader.until((r) => r.of<{ reading: { tripId?: string } }>("reading").length >= 2);
    const ready = reader.of<{ lastCursor: string; resumed: boolean }>("ready")[0]!;
    assert.equal(ready.resumed, true);
    assert.match(ready.lastCursor, TOKEN);
    const ids = reader.events.filter((e) => e.id !== undefined).map((e) => e.id!);
    for (const id of ids) assert.match(id, TOKEN);
    assert.equal(new Set(ids).size, ids.length);
    // Exactly the trader's events that followed the snapshot, in order: none missed, none repeated.
    const actor = await actorOf("trader");
    const positions = ids.map((id) => h.context.cursors.open("stream", id, actor, "t"));
    const expected: number[] = [];
    h.bus
      .subscribe(h.context.cursors.open("stream", cursor, actor, "t"), (e) => {
        if (e.companyId === "ACME") expected.push(e.cursor);
      })
      .unsubscribe();
    await reader.until((r) => r.events.filter((e) => e.id !== undefined).length >= expected.length);
    assert.deepEqual(
      reader.events
        .filter((e) => e.id !== undefined)
        .map((e) => h.context.cursors.open("stream", e.id!, actor, "t")),
      expected,
    );
    assert.ok(positions.length > 0);
    assert.ok(reader.of<{ trip: { id: string } }>("trip").some((e) => e.trip.id === tripId));
    // Each event's data carries the same token as its id.
    for (const event of reader.events.filter((e) => e.id !== undefined))
      assert.equal((JSON.parse(event.data) as { cursor: string }).cursor, event.id);
  });

  it("refuses altered, foreign, numeric and made-up cursors with 400 INVALID_CURSOR", async () => {
    const mine = await fleetCursor("trader");
    const flipped = mine.slice(0, 10) + (mine[10] === "A" ? "B" : "A") + mine.slice(11);
    const elsewhere = new CursorSeal(Buffer.alloc(32, 7)).seal("stream", 1, await actorOf("trader"));
    const cases: [Caller, Record<string, string>, string][] = [
      ["trader2", { "last-event-id": mine }, "another caller's cursor"],
      ["trader", { "last-event-id": flipped }, "an altered cursor"],
      ["trader", { "last-event-id": elsewhere }, "another installation's cursor"],
      ["trader", { "last-event-id": "12" }, "a bare number"],
      ["trader", {}, "an altered ?after="],
    ];
    for (const [as, headers, what] of cases) {
      const query = Object.keys(headers).length === 0 ? `?after=${flipped}` : "";
      const r = await fetch(`${base}/api/v1/stream${query}`, {
        headers: { authorization: `Bearer ${h.tokens[as]}`, ...headers },
      });
      assert.equal(r.status, 400, what);
      const body = (await r.json()) as ErrorJson;
      assert.equal(body.code, "INVALID_CURSOR", what);
      assert.equal(body.statusCode, 400);
      assert.match(body.message, /cursor/);
    }
    // An audit token is no stream cursor, even for its own caller.
    const actor = await actorOf("trader");
    const audit = h.context.cursors.seal("audit", 1, actor);
    const r = await fetch(`${base}/api/v1/stream`, {
      headers: { authorization: `Bearer ${h.tokens.trader}`, "last-event-id": audit },
    });
    assert.equal(r.status, 400);
  });

  it("the timeline's auditSeq is a per-caller token", async () => {
    const { tripId } = await h.newTrip({ companyId: "ACME", stage: "armed" });
    const seqs = async (as: Caller) =>
      (await h.request("GET", `/api/v1/trips/${tripId}/timeline?readings=false`, { as }))
        .json<{ entries: { auditSeq?: unknown }[] }>()
        .entries.map((e) => e.auditSeq)
        .filter((s) => s !== undefined);
    const trader = await seqs("trader");
    const supervisor = await seqs("supervisor");
    assert.ok(trader.length >= 2);
    for (const s of trader) {
      assert.equal(typeof s, "string");
      assert.match(s as string, TOKEN);
    }
    assert.equal(new Set(trader).size, trader.length);
    assert.deepEqual(await seqs("trader"), trader, "stable ids for one caller");
    assert.equal(trader.filter((s) => supervisor.includes(s)).length, 0, "unlinkable across callers");
  });

  it("EPCIS pages are sealed for their caller: no event id inside, another caller's token refused", async () => {
    for (let i = 0; i < 3; i++) await h.newTrip({ companyId: "ACME", stage: "in_transit" });
    const first = await h.request("GET", "/api/v1/epcis/events?perPage=1", { as: "trader" });
    assert.equal(first.statusCode, 200, first.body);
    const token = first.headers["gs1-next-page-token"] as string;
    assert.match(token, /^c1\./);
    assert.doesNotMatch(Buffer.from(token.slice(3), "base64url").toString("latin1"), /audit|reading|atMs/);
    assert.doesNotMatch(first.body, /\b(audit|reading)-\d+\b/);
    const next = await h.request("GET", `/api/v1/epcis/events?perPage=1&nextPageToken=${token}`, {
      as: "trader",
    });
    assert.equal(next.statusCode, 200, next.body);
    const foreign = await h.request("GET", `/api/v1/epcis/events?perPage=1&nextPageToken=${token}`, {
      as: "trader2",
    });
    assert.equal(foreign.statusCode, 400);
    assert.equal(foreign.json<ErrorJson>().code, "INVALID_CURSOR");
  });
});
