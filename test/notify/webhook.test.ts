/**
 * The webhook channel of a notification rule goes through the existing outbox and webhook handler:
 * signed (Ed25519 detached JWS here), to the rule's subscription, once per alarm; a subscription
 * whose owner may not see the trip (another company's trader) is told nothing.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { Notifier } from "../../src/notify/notifier.js";
import { OutboxDispatcher } from "../../src/outbox/dispatcher.js";
import { WEBHOOK_KIND, WebhookHandler } from "../../src/outbox/webhook.js";
import { createHarness, type Harness } from "../api/support.js";

describe("notification rules with a webhook", () => {
  let h: Harness;
  const received: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
      });
      res.writeHead(204).end();
    });
  });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    h = await createHarness({ webhookAllowPrivate: true });
  });
  after(async () => {
    await h.close();
    server.close();
  });

  async function subscriptionOf(as: "supervisor" | "trader2"): Promise<string> {
    const port = (server.address() as AddressInfo).port;
    const r = await h.request("POST", "/api/v1/subscriptions", {
      as,
      body: {
        callbackUrl: `http://127.0.0.1:${port}/${as}`,
        format: "sealwatch",
        signature: "ed25519",
        eventTypes: ["trip.closed"],
      },
    });
    assert.equal(r.statusCode, 201, r.body);
    return r.json<{ id: string }>().id;
  }

  it("posts a signed alarm notification to the rule's subscription, once", async () => {
    for (const as of ["supervisor", "trader2"] as const) {
      const rule = await h.request("POST", "/api/v1/notifications/rules", {
        as: "supervisor",
        body: {
          name: `webhook of ${as}`,
          match: { severities: ["critical"] },
          channels: ["webhook"],
          webhookSubscriptionId: await subscriptionOf(as),
          chain: [{ afterMin: 0, to: { kind: "supervisors" } }],
        },
      });
      assert.equal(rule.statusCode, 201, rule.body);
    }
    const { alarm, tripId } = await h.newAlarm("ACME");
    const notifier = new Notifier(h.store, {
      nowMs: () => h.clock.nowMs(),
      baseUrl: "https://sealwatch.example",
    });
    const handler = new WebhookHandler({
      subscriptions: h.store.subscriptions,
      masterKey: Buffer.alloc(32),
      signingKey: () => h.federation.keys.signingKey(),
      allowPrivate: true,
    });
    const dispatcher = new OutboxDispatcher(
      h.store.outbox,
      { [WEBHOOK_KIND]: handler },
      { now: () => h.clock.nowMs() },
    );
    assert.equal(await notifier.tick(), 1, "only the subscription whose owner sees the trip");
    while ((await dispatcher.dispatchDue()) > 0) await dispatcher.drain();
    h.clock.advance(3_600_000);
    assert.equal(await new Notifier(h.store, { nowMs: () => h.clock.nowMs(), baseUrl: "x" }).tick(), 0);
    assert.equal(received.length, 1);
    const [got] = received;
    assert.equal(got!.headers["notification-event-type"], "alarm.notification");
    assert.match(String(got!.headers["notification-signature-jws"]), /^[\w-]+\.\.[\w-]+$/);
    assert.equal(got!.body.alarmId, alarm.id);
    assert.equal(got!.body.tripId, tripId);
    assert.equal(got!.body.severity, "critical");
    assert.equal(got!.body.link, `https://sealwatch.example/#/trips/${encodeURIComponent(tripId)}`);
  });
});
