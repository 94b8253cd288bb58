/**
 * The notifier's promises without a mail server: several notifiers on one store (several API
 * processes) racing on the same alarm enqueue each step once; a retracted alarm is not notified; a
 * disabled user is told nothing; a profile without an address gets no e-mail.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EMAIL_KIND, Notifier } from "../../src/notify/notifier.js";
import { createHarness, type Harness } from "../api/support.js";

describe("the notifier", () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({}, { callers: ["supervisor", "operator"] });
    for (const as of ["supervisor", "operator"] as const)
      await h.request("PUT", "/api/v1/me/notifications", {
        as,
        body: { language: "sk", email: `${as}@customs.example` },
      });
    const r = await h.request("POST", "/api/v1/notifications/rules", {
      as: "supervisor",
      body: {
        name: "everything to supervisors",
        match: {},
        channels: ["email"],
        chain: [
          { afterMin: 0, to: { kind: "supervisors" } },
          { afterMin: 5, to: { kind: "user", userId: (await h.store.access.userByName("operator"))!.id } },
        ],
      },
    });
    assert.equal(r.statusCode, 201, r.body);
  });
  after(() => h.close());

  const notifier = () =>
    new Notifier(h.store, { nowMs: () => h.clock.nowMs(), baseUrl: "https://s.example" });
  const emailsFor = async (alarmId: string) =>
    (await h.store.outbox.list({ kind: EMAIL_KIND })).filter(
      (m) => (m.payload as { alarmId: string }).alarmId === alarmId,
    );

  it("enqueues each step once when several processes tick at the same moment", async () => {
    const { alarm } = await h.newAlarm("ACME");
    const racers = [notifier(), notifier(), notifier(), notifier()];
    await Promise.all(racers.map((n) => n.tick()));
    assert.deepEqual(
      (await emailsFor(alarm.id)).map((m) => m.destination),
      ["supervisor@customs.example"],
    );
    h.clock.advance(5 * 60_000);
    await Promise.all(racers.map((n) => n.tick()));
    await Promise.all(racers.map((n) => n.tick()));
    assert.deepEqual(
      (await emailsFor(alarm.id)).map((m) => m.destination),
      ["supervisor@customs.example", "operator@customs.example"],
    );
    const [first] = await emailsFor(alarm.id);
    assert.match((first!.payload as { subject: string }).subject, /Manipulácia/);
  });

  it("tells a disabled user nothing", async () => {
    const operator = (await h.store.access.userByName("operator"))!;
    await h.store.access.putUser({ ...operator, disabled: true });
    const { alarm } = await h.newAlarm("ACME");
    await notifier().tick();
    h.clock.advance(10 * 60_000);
    await notifier().tick();
    assert.deepEqual(
      (await emailsFor(alarm.id)).map((m) => m.destination),
      ["supervisor@customs.example"],
    );
    await h.store.access.putUser(operator);
  });
});
