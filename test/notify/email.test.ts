/**
 * Alarm e-mails end to end against a real SMTP server started here (smtp-server): a critical
 * alarm's rule tells the officer on duty in their language (Thai), the next person after 10 minutes
 * unacknowledged, the supervisors after 20; a restart in the middle (a new notifier and dispatcher
 * on the same store) loses nothing and sends nothing twice; acknowledging stops the chain; a
 * trader's rule never tells them of another company's alarm.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { SMTPServer } from "smtp-server";
import { EmailHandler } from "../../src/notify/email.js";
import { EMAIL_KIND, Notifier } from "../../src/notify/notifier.js";
import { OutboxDispatcher } from "../../src/outbox/dispatcher.js";
import { createHarness, type Harness } from "../api/support.js";

interface Received {
  readonly from: string;
  readonly to: string[];
  readonly raw: string;
}

function startSmtp(): Promise<{ server: SMTPServer; port: number; inbox: Received[] }> {
  const inbox: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        inbox.push({
          from: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, port: (server.server.address() as AddressInfo).port, inbox }),
    ),
  );
}

/** The decoded subject and body of a raw message (nodemailer encodes non-ASCII text). */
function decode(raw: string): { subject: string; body: string; messageId: string } {
  const [head = "", ...rest] = raw.split("\r\n\r\n");
  const unfolded = head.replace(/\r\n[ \t]+/g, " ");
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, "mi").exec(unfolded)?.[1] ?? "";
  const subject = header("Subject").replace(
    /=\?UTF-8\?([BQ])\?([^?]*)\?=\s?/gi,
    (_, enc: string, text: string) =>
      enc.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(
            text
              .replace(/_/g, " ")
              .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            "latin1",
          ).toString("utf8"),
  );
  let body = rest.join("\r\n\r\n");
  const encoding = header("Content-Transfer-Encoding").toLowerCase();
  if (encoding === "base64") body = Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable")
    body = Buffer.from(
      body
        .replace(/=\r\n/g, "")
        .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
      "latin1",
    ).toString("utf8");
  return { subject, body, messageId: header("Message-ID") };
}

describe("alarm e-mails over a real SMTP server", () => {
  let h: Harness;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const ids: Record<string, string> = {};

  before(async () => {
    smtp = await startSmtp();
    h = await createHarness();
    for (const name of ["officer", "supervisor", "operator", "trader", "trader2"])
      ids[name] = (await h.store.access.userByName(name))!.id;
    // The operator is the second on duty (operators see every trip).
    const put = async (
      as: "officer" | "supervisor" | "operator" | "trader" | "trader2",
      language: string,
    ) => {
      const r = await h.request("PUT", "/api/v1/me/notifications", {
        as,
        body: { language, email: `${as}@customs.example` },
      });
      assert.equal(r.statusCode, 200, r.body);
    };
    await put("officer", "th");
    await put("operator", "sw");
    await put("supervisor", "ru");
    await put("trader", "zh");
    await put("trader2", "sk");
    const roster = await h.request("PUT", "/api/v1/notifications/rosters/OFF-ORIGIN", {
      as: "supervisor",
      body: {
        timeZone: "Africa/Nairobi",
        shifts: [
          {
            days: [1, 2, 3, 4, 5, 6, 7],
            start: "00:00",
            end: "00:00",
            userIds: [ids.officer!, ids.operator!],
          },
        ],
        supervisorIds: [ids.supervisor!],
      },
    });
    assert.equal(roster.statusCode, 200, roster.body);
    for (const body of [
      {
        name: "critical: on duty, next, supervisors",
        match: { severities: ["critical"] },
        channels: ["email"],
        chain: [
          { afterMin: 0, to: { kind: "on_duty" } },
          { afterMin: 10, to: { kind: "on_duty", rank: 1 } },
          { afterMin: 20, to: { kind: "supervisors" } },
        ],
      },
      {
        name: "ACME's own alarms to its trader",
        match: { companies: ["ACME"] },
        channels: ["email"],
        chain: [{ afterMin: 0, to: { kind: "user", userId: ids.trader } }],
      },
      {
        name: "OTHER's own alarms to its trader",
        match: { companies: ["OTHER"] },
        channels: ["email"],
        chain: [{ afterMin: 0, to: { kind: "user", userId: ids.trader2 } }],
      },
    ]) {
      const r = await h.request("POST", "/api/v1/notifications/rules", { as: "supervisor", body });
      assert.equal(r.statusCode, 201, r.body);
    }
  });

  after(async () => {
    await h.close();
    await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
  });

  /** A notifier and dispatcher as a process would run them; `run` ticks, delivers and waits. */
  function process() {
    const email = new EmailHandler({
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      from: "Sealwatch <alarms@sealwatch.example>",
    });
    const notifier = new Notifier(h.store, {
      nowMs: () => h.clock.nowMs(),
      baseUrl: "https://sealwatch.example",
    });
    const dispatcher = new OutboxDispatcher(
      h.store.outbox,
      { [EMAIL_KIND]: email },
      { now: () => h.clock.nowMs() },
    );
    return {
      async run(): Promise<number> {
        const enqueued = await notifier.tick();
        while ((await dispatcher.dispatchDue()) > 0) await dispatcher.drain();
        return enqueued;
      },
      close: () => email.close(),
    };
  }

  it("tells the officer on duty in Thai, escalates after 10 and 20 minutes, survives a restart without repeats", async () => {
    const first = process();
    const { alarm, tripId } = await h.newAlarm("ACME");
    assert.equal(alarm.severity, "critical");
    assert.equal(await first.run(), 2); // the officer on duty, and ACME's trader
    assert.equal(await first.run(), 0);
    const byRecipient = (to: string) => smtp.inbox.filter((m) => m.to.includes(to)).map((m) => decode(m.raw));

    const [thai] = byRecipient("officer@customs.example");
    assert.ok(thai, "the officer on duty got an e-mail");
    assert.equal(smtp.inbox[0]!.from, "alarms@sealwatch.example");
    assert.match(thai.subject, /วิกฤต/); // "critical" in Thai
    assert.match(thai.subject, /การงัดแงะ/); // "tampering"
    assert.ok(thai.subject.includes(tripId));
    assert.match(thai.body, /เที่ยวขนส่ง: /); // "trip:"
    assert.match(thai.body, /สาเหตุ: อุปกรณ์รายงานการงัดแงะ/); // "why: the device reported tampering"
    assert.ok(thai.body.includes(`https://sealwatch.example/#/trips/${encodeURIComponent(tripId)}`));
    assert.match(thai.body, /OFF-ORIGIN|Origin/);
    const [chinese] = byRecipient("trader@customs.example");
    assert.match(chinese!.subject, /遭破壞/);
    assert.equal(
      byRecipient("trader2@customs.example").length,
      0,
      "another company's trader is told nothing",
    );
    assert.equal(byRecipient("operator@customs.example").length, 0, "the next person waits for the timeout");

    // A restart 9 minutes in: nothing is sent again.
    first.close();
    h.clock.advance(9 * 60_000);
    const second = process();
    assert.equal(await second.run(), 0);
    h.clock.advance(60_000);
    assert.equal(await second.run(), 1);
    const swahili = byRecipient("operator@customs.example");
    assert.equal(swahili.length, 1);
    assert.match(swahili[0]!.subject, /Hatari kubwa/);
    assert.match(swahili[0]!.body, /hatua ya 2/); // "step 2 of the escalation"
    h.clock.advance(10 * 60_000);
    assert.equal(await second.run(), 1);
    const russian = byRecipient("supervisor@customs.example");
    assert.match(russian[0]!.subject, /Критическая/);
    second.close();

    // Every e-mail once: distinct Message-IDs, one per recipient.
    const messageIds = smtp.inbox.map((m) => decode(m.raw).messageId);
    assert.equal(new Set(messageIds).size, smtp.inbox.length);
    assert.equal(smtp.inbox.length, 4);
    const delivered = await h.store.outbox.list({ kind: EMAIL_KIND });
    assert.ok(delivered.every((m) => m.status === "delivered"));
  });

  it("stops the chain when the alarm is acknowledged", async () => {
    const run = process();
    const { alarm } = await h.newAlarm("ACME");
    const forAlarm = () => smtp.inbox.filter((m) => m.raw.includes(`X-Sealwatch-Alarm: ${alarm.id}`)).length;
    await run.run();
    assert.equal(forAlarm(), 2); // the officer on duty and ACME's trader
    const ack = await h.request("POST", `/api/v1/alarms/${alarm.id}/acknowledge`, {
      as: "officer",
      body: {},
    });
    assert.ok(ack.statusCode < 300, ack.body);
    h.clock.advance(60 * 60_000);
    await run.run();
    assert.equal(forAlarm(), 2);
    run.close();
  });
});
