/**
 * The notification API: rules and rosters written by supervisors (validated, audited, 4xx naming the
 * field for bad input), tenancy of who may be told, and each user's own profile with the language.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createHarness, type ErrorJson, type Harness } from "./support.js";

const P256 = Buffer.alloc(65, 4).toString("base64url");
const AUTH = Buffer.alloc(16, 7).toString("base64url");

describe("notification rules, rosters and profiles", () => {
  let h: Harness;
  let ids: Record<string, string>;
  before(async () => {
    h = await createHarness();
    ids = {};
    for (const name of ["officer", "officer2", "trader", "supervisor", "operator"])
      ids[name] = (await h.store.access.userByName(name))!.id;
  });
  after(() => h.close());

  const rule = (over: object = {}) => ({
    name: "Critical on the Nairobi corridor",
    match: { severities: ["critical"], corridors: [{ origin: "OFF-ORIGIN", destination: "OFF-DEST" }] },
    channels: ["email"],
    chain: [
      { afterMin: 0, to: { kind: "on_duty" } },
      { afterMin: 10, to: { kind: "on_duty", rank: 1 } },
      { afterMin: 20, to: { kind: "supervisors" } },
    ],
    quietHours: { start: "22:00", end: "06:00" },
    ...over,
  });

  it("lets a supervisor add, read, replace and delete a rule, each change audited", async () => {
    const created = await h.request("POST", "/api/v1/notifications/rules", {
      as: "supervisor",
      body: rule(),
    });
    assert.equal(created.statusCode, 201, created.body);
    const { id } = created.json<{ id: string }>();
    const got = await h.request("GET", `/api/v1/notifications/rules/${id}`, { as: "admin" });
    assert.equal(got.json<{ chain: unknown[] }>().chain.length, 3);
    const replaced = await h.request("PUT", `/api/v1/notifications/rules/${id}`, {
      as: "supervisor",
      body: rule({ enabled: false }),
    });
    assert.equal(replaced.json<{ enabled: boolean }>().enabled, false);
    const listed = await h.request("GET", "/api/v1/notifications/rules", { as: "supervisor" });
    assert.deepEqual(
      listed.json<{ items: { id: string }[] }>().items.map((r) => r.id),
      [id],
    );
    assert.equal(
      (await h.request("DELETE", `/api/v1/notifications/rules/${id}`, { as: "supervisor" })).statusCode,
      204,
    );
    assert.equal(
      (await h.request("DELETE", `/api/v1/notifications/rules/${id}`, { as: "supervisor" })).statusCode,
      404,
    );
    const audit = await h.store.audit.list({ subjectType: "notification_rule", subjectId: id });
    assert.deepEqual(
      audit.map((a) => a.action),
      ["notification.rule.create", "notification.rule.update", "notification.rule.delete"],
    );
    assert.ok(audit.every((a) => a.actor === `user:${ids.supervisor}`));
  });

  it("refuses loops, unknown offices, unknown users and bad fields with 400 naming the field", async () => {
    const cases: [object, RegExp][] = [
      [
        rule({
          chain: [
            { afterMin: 0, to: { kind: "supervisors" } },
            { afterMin: 5, to: { kind: "supervisors" } },
          ],
        }),
        /a loop/,
      ],
      [
        rule({
          chain: [
            { afterMin: 9, to: { kind: "on_duty" } },
            { afterMin: 5, to: { kind: "supervisors" } },
          ],
        }),
        /must be later/,
      ],
      [rule({ match: { offices: ["NOWHERE"] } }), /body\.match\.offices\[0\]: "NOWHERE" is not an office/],
      [
        rule({ chain: [{ afterMin: 0, to: { kind: "user", userId: "ghost" } }] }),
        /body\.chain\[0\]\.to\.userId: user "ghost" does not exist/,
      ],
      [rule({ channels: ["webhook"] }), /no webhookSubscriptionId/],
      [
        rule({ webhookSubscriptionId: "sub-x", channels: ["email", "webhook"] }),
        /subscription "sub-x" does not exist/,
      ],
      [rule({ quietHours: { start: "7:00", end: "06:00" } }), /quietHours\/start|quietHours\.start/],
      [rule({ chain: [{ afterMin: 0, to: { kind: "pager" } }] }), /chain/],
      [rule({ extra: true }), /extra|additional/],
      [rule({ name: "x".repeat(500) }), /name/],
    ];
    for (const [body, message] of cases) {
      const r = await h.request("POST", "/api/v1/notifications/rules", { as: "supervisor", body });
      assert.equal(r.statusCode, 400, `${JSON.stringify(body)} → ${r.body}`);
      const error = r.json<ErrorJson>();
      assert.equal(error.statusCode, 400);
      assert.match(error.message, message, r.body);
    }
    assert.deepEqual(await h.store.notify.rules(), []);
  });

  it("only routes alarms to people who may see them", async () => {
    // A trader only for their own company; an officer only at their offices.
    const toTrader = (match: object) =>
      rule({ match, chain: [{ afterMin: 0, to: { kind: "user", userId: ids.trader } }] });
    const refused = await h.request("POST", "/api/v1/notifications/rules", {
      as: "supervisor",
      body: toTrader({}),
    });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.json<ErrorJson>().message, /trader .* company ACME/);
    const otherCompany = await h.request("POST", "/api/v1/notifications/rules", {
      as: "supervisor",
      body: toTrader({ companies: ["OTHER"] }),
    });
    assert.equal(otherCompany.statusCode, 400);
    const own = await h.request("POST", "/api/v1/notifications/rules", {
      as: "supervisor",
      body: toTrader({ companies: ["ACME"] }),
    });
    assert.equal(own.statusCode, 201, own.body);
    const toOfficer2 = rule({
      match: { offices: ["OFF-ORIGIN"] },
      chain: [{ afterMin: 0, to: { kind: "user", userId: ids.officer2 } }],
    });
    const far = await h.request("POST", "/api/v1/notifications/rules", {
      as: "supervisor",
      body: toOfficer2,
    });
    assert.equal(far.statusCode, 400);
    assert.match(far.json<ErrorJson>().message, /officer .* their offices/);
    // Officers, operators and traders do not write rules.
    for (const as of ["officer", "operator", "trader"] as const)
      assert.equal(
        (await h.request("POST", "/api/v1/notifications/rules", { as, body: rule() })).statusCode,
        403,
      );
  });

  it("sets an office's roster with its time zone and says who is on duty now", async () => {
    const body = {
      timeZone: "Africa/Nairobi",
      shifts: [{ days: [1, 2, 3, 4, 5, 6, 7], start: "00:00", end: "00:00", userIds: [ids.officer!] }],
      supervisorIds: [ids.supervisor!],
    };
    const r = await h.request("PUT", "/api/v1/notifications/rosters/OFF-ORIGIN", { as: "supervisor", body });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json<{ onDutyNow: string[] }>().onDutyNow, [ids.officer]);
    const bad: [string, object, RegExp][] = [
      ["OFF-ORIGIN", { ...body, timeZone: "Mars/Base" }, /not an IANA time zone/],
      [
        "OFF-ORIGIN",
        { ...body, shifts: [{ ...body.shifts[0], userIds: [ids.officer2] }] },
        /does not act at office OFF-ORIGIN/,
      ],
      [
        "OFF-ORIGIN",
        { ...body, shifts: [{ ...body.shifts[0], userIds: [ids.trader] }] },
        /cannot be on duty/,
      ],
      ["OFF-ORIGIN", { ...body, supervisorIds: [ids.operator] }, /not a supervisor/],
      ["NO-SUCH", body, /params\.office: "NO-SUCH" is not an office/],
    ];
    for (const [office, b, message] of bad) {
      const refused = await h.request("PUT", `/api/v1/notifications/rosters/${office}`, {
        as: "supervisor",
        body: b,
      });
      assert.equal(refused.statusCode, 400, refused.body);
      assert.match(refused.json<ErrorJson>().message, message);
    }
    const listed = await h.request("GET", "/api/v1/notifications/rosters", { as: "admin" });
    assert.equal(listed.json<{ items: { timeZone: string }[] }>().items[0]!.timeZone, "Africa/Nairobi");
    const audit = await h.store.audit.list({ subjectType: "office", subjectId: "OFF-ORIGIN" });
    assert.deepEqual(
      audit.map((a) => a.action),
      ["notification.roster.set"],
    );
  });

  it("keeps each user's language, address and browsers; refuses bad addresses and endpoints", async () => {
    const empty = await h.request("GET", "/api/v1/me/notifications", { as: "officer" });
    assert.deepEqual(empty.json(), { language: "en", push: [] });
    const set = await h.request("PUT", "/api/v1/me/notifications", {
      as: "officer",
      body: {
        language: "th",
        email: "officer@customs.example",
        push: [{ endpoint: "https://push.example/send/abc", keys: { p256dh: P256, auth: AUTH } }],
      },
    });
    assert.equal(set.statusCode, 200, set.body);
    assert.deepEqual(set.json(), {
      language: "th",
      email: "officer@customs.example",
      push: [{ endpoint: "https://push.example/send/abc" }],
    });
    // Someone else's profile is untouched.
    assert.equal(
      (await h.request("GET", "/api/v1/me/notifications", { as: "operator" })).json<{ language: string }>()
        .language,
      "en",
    );
    for (const body of [
      { language: "fr" },
      { language: "en", email: "officer@customs.example\r\nBcc: x@y.org" },
      { language: "en", email: "Officer <o@customs.example>" },
      { language: "en", push: [{ endpoint: "http://push.example/", keys: { p256dh: P256, auth: AUTH } }] },
      {
        language: "en",
        push: [{ endpoint: "https://push.example/", keys: { p256dh: "short", auth: AUTH } }],
      },
    ]) {
      const r = await h.request("PUT", "/api/v1/me/notifications", { as: "officer", body });
      assert.equal(r.statusCode, 400, `${JSON.stringify(body)} → ${r.body}`);
    }
    assert.equal((await h.store.notify.profile(ids.officer!))?.language, "th");
    assert.equal((await h.request("GET", "/api/v1/me/notifications", { as: "gateway" })).statusCode, 403);
    const [audit] = await h.store.audit
      .list({ subjectType: "user", subjectId: ids.officer! })
      .then((a) => a.filter((x) => x.action === "notification.profile.set"));
    assert.doesNotMatch(JSON.stringify(audit), /customs\.example|push\.example/);
  });
});
