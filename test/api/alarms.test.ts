/** The alarm queue and workflow: filters, scope, transitions, concurrency, and escalation on the tick. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AlarmRecord, AuditEntry } from "../../src/store/ports.js";
import {
  createHarness,
  MIDWAY,
  type AlarmDetailJson,
  type AlarmJson,
  type AuditJson,
  type ErrorJson,
  type Harness,
  type Items,
} from "./support.js";

describe("alarms", () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  it("follows open → acknowledged → resolved, refusing steps out of order", async () => {
    const { alarm } = await h.newAlarm();
    const path = `/api/v1/alarms/${alarm.id}`;
    const early = await h.request("POST", `${path}/resolve`, {
      as: "operator",
      body: { outcome: "false_alarm" },
    });
    assert.equal(early.statusCode, 409);
    assert.equal(early.json<ErrorJson>().code, "INVALID_TRANSITION");
    assert.match(early.json<ErrorJson>().message, /acknowledged before it is resolved/);
    const ack = (await h.request("POST", `${path}/acknowledge`, { as: "operator" })).json<AlarmJson>();
    assert.equal(ack.workflow, "acknowledged");
    assert.equal(ack.acknowledgedAt, new Date(h.clock.nowMs()).toISOString());
    assert.equal((await h.request("POST", `${path}/acknowledge`, { as: "officer" })).statusCode, 409);
    const badOutcome = await h.request("POST", `${path}/resolve`, {
      as: "operator",
      body: { outcome: "probably_fine" },
    });
    assert.equal(badOutcome.statusCode, 400);
    const resolved = (
      await h.request("POST", `${path}/resolve`, {
        as: "officer",
        body: { outcome: "confirmed_breach", notes: "seal cut, goods missing" },
      })
    ).json<AlarmJson>();
    assert.equal(resolved.workflow, "resolved");
    assert.equal(resolved.outcome, "confirmed_breach");
    assert.equal(
      (await h.request("POST", `${path}/assign`, { as: "officer", body: { assignee: "operator" } }))
        .statusCode,
      409,
    );
    assert.equal(
      (
        await h.request("POST", `${path}/comments`, {
          as: "officer",
          body: { text: "case sent to enforcement" },
        })
      ).statusCode,
      200,
    );
    const detail = (await h.request("GET", path, { as: "admin" })).json<AlarmDetailJson>();
    assert.deepEqual(
      detail.actions.map((a: { action: string }) => a.action),
      ["acknowledge", "resolve", "comment"],
    );
    const resolve = detail.actions[1]!;
    assert.equal(resolve.actor, "user:officer");
    assert.deepEqual(resolve.details, { outcome: "confirmed_breach", notes: "seal cut, goods missing" });
    const audit = (
      await h.request("GET", `/api/v1/audit?subjectType=alarm&subjectId=${alarm.id}`, { as: "admin" })
    ).json<Items<AuditJson>>();
    const acknowledge = audit.items.find((r) => r.action === "alarm.acknowledge")!;
    assert.deepEqual(acknowledge.details, { tripId: alarm.trip, from: "open", to: "acknowledged" });
  });

  it("lets an officer act on an alarm the moment it appears live, before its record is stored", async () => {
    const { deviceId } = await h.newTrip({ stage: "in_transit" });
    const alarms = h.store.alarms as {
      upsertMany: (records: readonly AlarmRecord[], audit?: readonly AuditEntry[]) => Promise<void>;
    };
    const upsertMany = alarms.upsertMany;
    // Storing alarm records is slow for a while (a busy disk): the live stream is ahead of the store.
    alarms.upsertMany = async (records, audit) => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      return upsertMany.call(h.store.alarms, records, audit);
    };
    try {
      const published = new Promise<{ id: string; storedThen: boolean }>((resolve) => {
        const { unsubscribe } = h.bus.subscribe(undefined, (event) => {
          if (event.kind !== "alarm" || event.change !== "raised" || event.alarm.device !== deviceId) return;
          unsubscribe();
          void h.store.alarms
            .get(event.alarm.id)
            .then((r) => resolve({ id: event.alarm.id, storedThen: r !== undefined }));
        });
      });
      const applied = h.reading(deviceId, MIDWAY, { tamper: true });
      const { id, storedThen } = await published;
      assert.equal(storedThen, false, "the alarm was published before its record was stored");
      const ack = await h.request("POST", `/api/v1/alarms/${id}/acknowledge`, { as: "operator" });
      assert.equal(ack.statusCode, 200, ack.body);
      assert.equal(ack.json<AlarmJson>().workflow, "acknowledged");
      await applied;
      assert.equal((await h.store.alarms.get(id))?.workflow, "acknowledged");
    } finally {
      alarms.upsertMany = upsertMany;
    }
  });

  it("assigns only to existing users who handle alarms", async () => {
    const { alarm } = await h.newAlarm();
    const assign = (assignee: string) =>
      h.request("POST", `/api/v1/alarms/${alarm.id}/assign`, { as: "operator", body: { assignee } });
    assert.equal((await assign("nobody")).statusCode, 404);
    const trader = await assign("trader");
    assert.equal(trader.statusCode, 400);
    assert.match(trader.json<ErrorJson>().message, /does not handle alarms/);
    assert.equal((await assign("officer")).json<AlarmJson>().assignee, "officer");
  });

  it("lets two officers race to acknowledge: one wins, the other is told", async () => {
    const { alarm } = await h.newAlarm();
    const path = `/api/v1/alarms/${alarm.id}/acknowledge`;
    const [a, b] = await Promise.all([
      h.request("POST", path, { as: "operator" }),
      h.request("POST", path, { as: "officer" }),
    ]);
    assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 409]);
  });

  it("filters the queue by workflow, type, severity, office and trip; most severe first", async () => {
    const { tripId, deviceId } = await h.newTrip({ stage: "in_transit" });
    await h.reading(deviceId, MIDWAY, { batteryPct: 5 });
    await h.reading(deviceId, MIDWAY, { tamper: true });
    const list = (q: string, as: "admin" | "trader" | "officer" | "officer2" = "admin") =>
      h.request("GET", `/api/v1/alarms${q}`, { as }).then(
        (r) =>
          r.json<Items<AlarmJson>>().items as {
            type: string;
            severity: string;
            tripId: string;
            workflow: string;
          }[],
      );
    const mine = await list(`?tripId=${tripId}`);
    assert.deepEqual(
      mine.map((a) => a.type),
      ["tamper", "low_battery"],
    );
    assert.deepEqual(
      (await list(`?tripId=${tripId}&severity=low`)).map((a) => a.type),
      ["low_battery"],
    );
    assert.deepEqual(
      (await list(`?tripId=${tripId}&type=tamper&type=overdue`)).map((a) => a.type),
      ["tamper"],
    );
    assert.ok((await list("?state=resolved")).every((a) => a.workflow === "resolved"));
    assert.ok((await list("?office=OFF-ORIGIN")).some((a) => a.tripId === tripId));
    assert.deepEqual(await list("?office=OFF-FAR"), []);
    assert.deepEqual(await list("", "officer2"), []);
    assert.ok((await list("", "officer")).some((a) => a.tripId === tripId));
    const paged = await list(`?tripId=${tripId}&limit=1&offset=1`);
    assert.deepEqual(
      paged.map((a) => a.type),
      ["low_battery"],
    );
  });

  it("shows traders their company's alarms read-only, without internal handling; others are 404", async () => {
    const mine = await h.newAlarm("ACME");
    const theirs = await h.newAlarm("OTHER");
    await h.request("POST", `/api/v1/alarms/${mine.alarm.id}/assign`, {
      as: "operator",
      body: { assignee: "officer" },
    });
    await h.request("POST", `/api/v1/alarms/${mine.alarm.id}/comments`, {
      as: "operator",
      body: { text: "internal" },
    });
    const listed = (await h.request("GET", "/api/v1/alarms", { as: "trader" })).json<Items<AlarmJson>>()
      .items;
    assert.ok(listed.some((a: { id: string }) => a.id === mine.alarm.id));
    assert.ok(!listed.some((a: { id: string }) => a.id === theirs.alarm.id));
    const detail = (
      await h.request("GET", `/api/v1/alarms/${mine.alarm.id}`, { as: "trader" })
    ).json<AlarmDetailJson>();
    assert.equal(detail.alarm.assignee, undefined);
    assert.deepEqual(detail.actions, []);
    assert.equal(
      (await h.request("GET", `/api/v1/alarms/${theirs.alarm.id}`, { as: "trader" })).statusCode,
      404,
    );
    assert.equal(
      (await h.request("POST", `/api/v1/alarms/${mine.alarm.id}/acknowledge`, { as: "trader" })).statusCode,
      403,
    );
    assert.equal(
      (await h.request("POST", `/api/v1/alarms/${mine.alarm.id}/acknowledge`, { as: "officer2" })).statusCode,
      404,
    );
  });
});

describe("response-time targets and escalation", () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({ ackTargetCriticalS: 30, ackTargetLowS: 600 });
  });
  after(() => h.close());

  it("escalates an alarm not acknowledged within its severity's target, once, and records it", async () => {
    const { alarm } = await h.newAlarm();
    const acknowledged = await h.newAlarm();
    await h.request("POST", `/api/v1/alarms/${acknowledged.alarm.id}/acknowledge`, { as: "operator" });
    const shown = (
      await h.request("GET", `/api/v1/alarms/${alarm.id}`, { as: "operator" })
    ).json<AlarmDetailJson>().alarm;
    assert.equal(Date.parse(shown.ackDueAt) - Date.parse(shown.raisedAt), 30_000);
    const cursor = h.bus.lastCursor;
    assert.equal(await h.context.escalation.run(), 0);
    h.clock.advance(31_000);
    assert.equal(await h.context.escalation.run(), 1);
    assert.equal(await h.context.escalation.run(), 0);
    const detail = (
      await h.request("GET", `/api/v1/alarms/${alarm.id}`, { as: "supervisor" })
    ).json<AlarmDetailJson>();
    assert.equal(detail.alarm.workflow, "open");
    assert.ok(detail.alarm.escalatedAt);
    const escalate = detail.actions.find((a) => a.action === "escalate")!;
    assert.equal(escalate.actor, "system");
    const details = escalate.details as { to: string; targetS: number };
    assert.equal(details.to, "supervisors");
    assert.equal(details.targetS, 30);
    const audit = (
      await h.request("GET", `/api/v1/audit?subjectType=alarm&subjectId=${alarm.id}`, { as: "admin" })
    ).json<Items<AuditJson>>();
    assert.ok(
      audit.items.some(
        (r: { action: string; actor: string }) => r.action === "alarm.escalate" && r.actor === "system",
      ),
    );
    const events: { kind: string; change?: string; alarm?: { id: string; escalatedAtMs?: number } }[] = [];
    h.bus.subscribe(cursor, (e) => events.push(e)).unsubscribe();
    assert.ok(
      events.some(
        (e) =>
          e.kind === "alarm" &&
          e.change === "workflow" &&
          e.alarm?.id === alarm.id &&
          e.alarm.escalatedAtMs !== undefined,
      ),
    );
    const other = (
      await h.request("GET", `/api/v1/alarms/${acknowledged.alarm.id}`, { as: "supervisor" })
    ).json<AlarmDetailJson>();
    assert.equal(other.alarm.escalatedAt, undefined);
  });
});
