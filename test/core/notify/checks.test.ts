/** What supervisors and users enter for notifications: every problem named, loops refused. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  chainProblems,
  isEmailAddress,
  pushProblems,
  rosterProblems,
  ruleProblems,
} from "../../../src/core/notify/checks.js";

const goodKey = Buffer.alloc(65, 4).toString("base64url");
const goodAuth = Buffer.alloc(16, 1).toString("base64url");

describe("notification rule checks", () => {
  it("accepts a chain that goes forward in time and tells each target once", () => {
    assert.deepEqual(
      chainProblems([
        { afterMin: 0, to: { kind: "on_duty" } },
        { afterMin: 10, to: { kind: "on_duty", rank: 1 } },
        { afterMin: 20, to: { kind: "supervisors" } },
      ]),
      [],
    );
  });

  it("refuses loops, steps out of order, empty chains and bad delays, all at once", () => {
    const problems = chainProblems([
      { afterMin: 5, to: { kind: "user", userId: "u1" } },
      { afterMin: 5, to: { kind: "on_duty" } },
      { afterMin: 9, to: { kind: "user", userId: "u1" } },
      { afterMin: 1.5, to: { kind: "supervisors" } },
      { afterMin: 30, to: { kind: "on_duty", rank: 0 } },
    ]);
    assert.equal(problems.length, 4, problems.join("\n"));
    assert.match(problems.join("\n"), /chain\[1\]\.afterMin \(5\) must be later/);
    assert.match(problems.join("\n"), /chain\[2\] tells the same user u1 as chain\[0\] \(a loop\)/);
    assert.match(problems.join("\n"), /chain\[3\]\.afterMin must be a whole number/);
    assert.match(problems.join("\n"), /chain\[4\] tells the same person on duty \(rank 0\) as chain\[1\]/);
    assert.match(chainProblems([]).join(), /chain is empty/);
  });

  it("ties the webhook channel to a subscription and checks quiet hours and empty match lists", () => {
    const base = {
      match: {},
      channels: ["email" as const],
      chain: [{ afterMin: 0, to: { kind: "supervisors" as const } }],
    };
    assert.deepEqual(ruleProblems(base), []);
    assert.match(ruleProblems({ ...base, channels: ["webhook"] }).join(), /no webhookSubscriptionId/);
    assert.match(ruleProblems({ ...base, webhookSubscriptionId: "sub-1" }).join(), /channels has no webhook/);
    assert.match(ruleProblems({ ...base, match: { offices: [] } }).join(), /match\.offices is empty/);
    assert.equal(ruleProblems({ ...base, quietHours: { start: "25:00", end: "07:00" } }).length, 1);
    assert.match(
      ruleProblems({ ...base, quietHours: { start: "07:00", end: "07:00" } }).join(),
      /the same time/,
    );
  });
});

describe("roster checks", () => {
  it("refuses unknown time zones, bad weekdays and times, empty shifts", () => {
    assert.deepEqual(
      rosterProblems({
        timeZone: "Africa/Nairobi",
        shifts: [{ days: [1, 7], start: "22:00", end: "06:00", userIds: ["u1"] }],
        supervisorIds: [],
      }),
      [],
    );
    const problems = rosterProblems({
      timeZone: "Mars/Olympus",
      shifts: [{ days: [0, 8, 8], start: "8:00", end: "24:00", userIds: [] }],
      supervisorIds: ["s", "s"],
    });
    assert.equal(problems.length, 7, problems.join("\n"));
  });
});

describe("contact checks", () => {
  it("takes plain addresses and refuses header injection and display names", () => {
    assert.ok(isEmailAddress("duty.officer@customs.go.th"));
    for (const bad of [
      "a@b",
      "x y@z.org",
      "a@b.org\r\nBcc: c@d.org",
      "Name <a@b.org>",
      `${"a".repeat(65)}@b.org`,
      "@b.org",
    ])
      assert.ok(!isEmailAddress(bad), bad);
  });

  it("wants an https push endpoint and RFC 8291 keys", () => {
    const good = { endpoint: "https://push.example/abc", keys: { p256dh: goodKey, auth: goodAuth } };
    assert.deepEqual(pushProblems(good, "push[0]"), []);
    const bad = pushProblems(
      { endpoint: "http://u:p@push.example/", keys: { p256dh: "x!", auth: goodKey } },
      "push[0]",
    );
    assert.equal(bad.length, 4, bad.join("\n"));
  });
});
