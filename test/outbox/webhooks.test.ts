/**
 * Webhooks end to end over a real store and a real HTTP receiver: the receiver fails, times out and
 * recovers, Sealwatch (store, fan-out, dispatcher) restarts in between, and every event reaches each
 * subscription exactly once per successful receipt, in order per trip, signed; a trader's
 * subscription never gets another company's events. On SQLite, and on PostgreSQL when it runs.
 */
import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { jwkThumbprint, parseJws, publicJwkOf, verifyJws } from "../../src/dossier/jose.js";
import { sealSecret } from "../../src/gateway/security/sealing.js";
import { OutboxDispatcher } from "../../src/outbox/dispatcher.js";
import { WebhookFanout } from "../../src/outbox/fanout.js";
import { subscriptionSecretAad, WebhookHandler, WEBHOOK_KIND } from "../../src/outbox/webhook.js";
import { openStore, type OpenedStore } from "../../src/store/open.js";
import type { SubscriptionRecord } from "../../src/store/outbox-ports.js";
import type { AlarmRecord, TripRecord } from "../../src/store/ports.js";
import { createThrowawayDatabase, dropDatabase, probePostgres } from "../store/pg-support.js";

const T0 = Date.UTC(2025, 5, 10, 8);
const masterKey = randomBytes(32);
const secret = randomBytes(32);
const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const publicJwk = publicJwkOf(privateKey);
const signingKey = { kid: jwkThumbprint(publicJwk), privateKey, publicJwk };

type Mode = "fail" | "hang" | "ok";
interface Receipt {
  readonly subscription: string;
  readonly notificationId: string;
  readonly eventId: string;
  readonly trip: string;
  readonly answered: number | "hung";
  /** The signature (HMAC or Ed25519 JWS) verified. */
  readonly signed: boolean;
}

/** A receiver whose behaviour the test switches; it checks every signature it gets. */
async function receiver(): Promise<{
  url: string;
  mode: (m: Mode) => void;
  receipts: Receipt[];
  close(): Promise<void>;
}> {
  let mode: Mode = "fail";
  const receipts: Receipt[] = [];
  const hung: http.ServerResponse[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const subscription = new URL(request.url ?? "/", "http://x").pathname.slice(1);
      const hmac = request.headers["notification-signature"];
      const parsed = parseJws(request.headers["notification-signature-jws"], { detached: true });
      const signed =
        typeof hmac === "string"
          ? hmac === `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`
          : parsed.ok && parsed.header.kid === signingKey.kid && verifyJws(parsed, publicKey, body);
      const event = JSON.parse(body) as { trip: { id: string } };
      const receipt = {
        subscription,
        notificationId: String(request.headers["notification-id"]),
        eventId: String(request.headers["notification-event-id"]),
        trip: event.trip.id,
        signed,
      };
      if (mode === "hang") {
        receipts.push({ ...receipt, answered: "hung" });
        hung.push(response);
        return;
      }
      const status = mode === "ok" ? 204 : 503;
      receipts.push({ ...receipt, answered: status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    mode: (m) => (mode = m),
    receipts,
    close: async () => {
      for (const r of hung) r.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function trip(id: string, companyId: string): TripRecord {
  return {
    id,
    origin: "office-a",
    destination: "office-b",
    route: [
      [36.9, -1.3],
      [37.6, -1.6],
    ],
    devices: [`dev-${id}`],
    deadlineMs: T0 + 86_400_000,
    declaration: { containers: ["CSQU3054383"], seals: ["SW000123"] },
    companyId,
    state: "declared",
    createdAtMs: T0,
    updatedAtMs: T0,
  };
}

function alarm(tripId: string, n: number): AlarmRecord {
  return {
    id: `alarm-${tripId}-${n}`,
    type: "tamper",
    trip: tripId,
    device: `dev-${tripId}`,
    startedAtMs: T0 + n * 1000,
    severity: "critical",
    clearedAtMs: null,
    retracted: false,
    workflow: "open",
    raisedAtMs: T0 + n * 1000,
    updatedAtMs: T0 + n * 1000,
  };
}

/** Events of trips: an arm transition and alarms, written as the engine writes them (store + audit). */
async function happen(store: OpenedStore, tripId: string, from: number, count: number): Promise<void> {
  for (let n = from; n < from + count; n++) {
    const a = alarm(tripId, n);
    await store.alarms.upsert(a);
    await store.audit.append({
      atMs: a.startedAtMs,
      actor: "engine",
      action: "alarm.raise",
      subjectType: "alarm",
      subjectId: a.id,
      details: {
        type: a.type,
        trip: tripId,
        device: a.device,
        startedAtMs: a.startedAtMs,
        clearedAtMs: null,
      },
    });
  }
}

function subscription(id: string, url: string, extra: Partial<SubscriptionRecord>): SubscriptionRecord {
  return {
    id,
    callbackUrl: `${url}/${id}`,
    format: "sealwatch",
    signature: "hmac-sha256",
    sealedSecret: sealSecret(masterKey, secret, subscriptionSecretAad(id)),
    owner: { kind: "user", id: "u-admin", role: "admin" },
    afterAuditSeq: 0,
    status: "active",
    createdAtMs: T0,
    updatedAtMs: T0,
    ...extra,
  };
}

/** Sealwatch's outbox side, as `serve` wires it: fan-out and dispatcher on a store. */
function sealwatch(store: OpenedStore, clock: { now: number }) {
  const fanout = new WebhookFanout(store, { nowMs: () => clock.now });
  const dispatcher = new OutboxDispatcher(
    store.outbox,
    {
      [WEBHOOK_KIND]: new WebhookHandler({
        subscriptions: store.subscriptions,
        masterKey,
        signingKey: () => Promise.resolve(signingKey),
        allowPrivate: true,
      }),
    },
    { attemptTimeoutMs: 200, concurrency: 3, now: () => clock.now, random: () => 0.5 },
  );
  /** One round: fan out, deliver what is due, wait for the attempts. */
  const round = async (): Promise<void> => {
    await fanout.catchUp();
    await dispatcher.dispatchDue();
    await dispatcher.drain();
  };
  return { fanout, dispatcher, round };
}

async function scenario(open: () => Promise<OpenedStore>): Promise<void> {
  const rx = await receiver();
  const clock = { now: T0 };
  let store = await open();
  try {
    await store.access.putUser({
      id: "u-admin", username: "admin1", displayName: "A", passwordHash: "x", role: "admin",
      disabled: false, createdAtMs: T0, updatedAtMs: T0,
    }); // prettier-ignore
    await store.access.putUser({
      id: "u-trader", username: "trader1", displayName: "T", passwordHash: "x", role: "trader",
      companyId: "ACME", disabled: false, createdAtMs: T0, updatedAtMs: T0,
    }); // prettier-ignore
    for (const [id, company] of [
      ["trip-acme", "ACME"],
      ["trip-other", "OTHER"],
    ] as const)
      await store.trips.insert(trip(id, company));
    // The fan-out starts reading at the chain's head: subscriptions hear what happens from now on.
    let sw = sealwatch(store, clock);
    await sw.fanout.catchUp();
    await store.subscriptions.put(
      subscription("s-admin", rx.url, { signature: "ed25519", sealedSecret: undefined }),
    );
    await store.subscriptions.put(
      subscription("s-trader", rx.url, {
        owner: { kind: "user", id: "u-trader", role: "trader", companyId: "ACME" },
        companyId: "ACME",
      }),
    );

    await happen(store, "trip-acme", 1, 3);
    await happen(store, "trip-other", 1, 3);
    // The receiver fails: every head is tried, nothing behind a failed head is.
    await sw.round();
    assert.ok(rx.receipts.length > 0 && rx.receipts.every((r) => r.answered === 503));
    assert.ok(rx.receipts.every((r) => r.eventId.startsWith("audit-")));
    const pending = await store.outbox.list({ status: ["pending"] });
    assert.equal(pending.length, 3 + 3 + 3, "admin: 6 events, trader: 3 (its own company only)");
    assert.ok(pending.some((m) => m.attempts === 1 && m.lastStatusCode === 503));

    // It hangs: the attempts time out.
    rx.mode("hang");
    clock.now += 10_000;
    await sw.round();
    const timedOut = await store.outbox.list({ status: ["pending"] });
    assert.ok(
      timedOut.some((m) => m.attempts === 2 && /timed out/.test(m.lastError ?? "")),
      "a timeout is recorded",
    );

    // Sealwatch restarts (the dispatcher stops, the store closes and opens again); more happens.
    await sw.dispatcher.stop();
    store = await reopen(store, open);
    sw = sealwatch(store, clock);
    await happen(store, "trip-acme", 4, 2);
    await happen(store, "trip-other", 4, 1);

    // The receiver recovers.
    rx.mode("ok");
    for (let i = 0; i < 20 && (await store.outbox.list({ status: ["pending"] })).length > 0; i++) {
      clock.now += 60_000;
      await sw.round();
    }
    assert.deepEqual(await store.outbox.list({ status: ["pending", "dead"] }), []);

    assert.ok(
      rx.receipts.every((r) => r.signed),
      "every delivery is signed, and the signature verifies",
    );
    const ok = rx.receipts.filter((r) => r.answered === 204);
    for (const sub of ["s-admin", "s-trader"]) {
      const mine = ok.filter((r) => r.subscription === sub);
      const ids = mine.map((r) => r.eventId);
      assert.equal(new Set(ids).size, ids.length, `${sub}: each event received once`);
      const trips = sub === "s-trader" ? ["trip-acme"] : ["trip-acme", "trip-other"];
      assert.deepEqual([...new Set(mine.map((r) => r.trip))].sort(), trips, `${sub}: tenancy`);
      for (const tripId of trips) {
        const seqs = mine
          .filter((r) => r.trip === tripId)
          .map((r) => Number(r.eventId.slice("audit-".length)));
        assert.deepEqual(
          seqs,
          [...seqs].sort((a, b) => a - b),
          `${sub} ${tripId}: in order`,
        );
        assert.equal(seqs.length, tripId === "trip-acme" ? 5 : 4, `${sub} ${tripId}: every event`);
      }
    }
    // Every delivered message is recorded as such, with its attempts.
    const delivered = await store.outbox.list({ status: ["delivered"] });
    assert.equal(delivered.length, 5 + 4 + 5);
    assert.ok(delivered.every((m) => m.lastStatusCode === 204 && m.attempts >= 1));
    await sw.dispatcher.stop();
  } finally {
    await store.close();
    await rx.close();
  }
}

async function reopen(store: OpenedStore, open: () => Promise<OpenedStore>): Promise<OpenedStore> {
  await store.close();
  return open();
}

describe("webhook deliveries: failing, hanging, recovering receiver, across a restart", () => {
  const root = mkdtempSync(join(tmpdir(), "sealwatch-webhooks-"));
  after(() => rmSync(root, { recursive: true, force: true }));

  it("on SQLite", async () => {
    const path = join(root, "sealwatch.db");
    await scenario(() => openStore({ url: path }));
  });

  it("on PostgreSQL", async (t) => {
    const probe = await probePostgres();
    if (!probe.ok) return t.skip(`PostgreSQL is not reachable: ${probe.reason}`);
    const database = await createThrowawayDatabase("sealwatch_webhooks");
    try {
      await scenario(() => openStore({ url: database.url }));
    } finally {
      await dropDatabase(database.name);
    }
  });
});
