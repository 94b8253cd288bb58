/**
 * Seal changes and positions to webhooks: readings of a device on a live trip become `seal.opened`,
 * `seal.closed` and (thinned) `position` messages for the subscriptions that name those types, within
 * what each owner may see, each reading fanned out once across a restart of the fan-out.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ReadingFanout } from "../../src/outbox/reading-fanout.js";
import type { WebhookPayload } from "../../src/outbox/webhook.js";
import { openStore, type OpenedStore } from "../../src/store/open.js";
import type { SubscriptionRecord } from "../../src/store/outbox-ports.js";
import type { TripRecord } from "../../src/store/ports.js";
import { reading, T0 } from "../store/records.js";

const root = mkdtempSync(join(tmpdir(), "sealwatch-reading-fanout-"));
after(() => rmSync(root, { recursive: true, force: true }));

function trip(id: string, companyId: string, device: string): TripRecord {
  return {
    id,
    origin: "office-a",
    destination: "office-b",
    route: [
      [8.5, 47.3],
      [8.9, 47.5],
    ],
    devices: [device],
    deadlineMs: T0 + 86_400_000,
    declaration: { containers: ["CSQU3054383"], seals: ["SW000123"] },
    companyId,
    state: "in_transit",
    armedAtMs: T0,
    createdAtMs: T0,
    updatedAtMs: T0,
  };
}

function subscription(id: string, extra: Partial<SubscriptionRecord>): SubscriptionRecord {
  return {
    id,
    callbackUrl: `http://127.0.0.1:9/${id}`,
    format: "sealwatch",
    signature: "ed25519",
    owner: { kind: "user", id: "u-admin", role: "admin" },
    afterAuditSeq: 0,
    status: "active",
    createdAtMs: T0,
    updatedAtMs: T0,
    ...extra,
  };
}

async function delivered(store: OpenedStore): Promise<{ to: string; type: string; event: string }[]> {
  return (await store.outbox.list({ status: ["pending"] })).map((m) => {
    const payload = m.payload as WebhookPayload;
    return { to: m.destination, type: payload.eventType, event: payload.eventId };
  });
}

describe("webhooks of seal changes and positions", () => {
  it("sends them to the subscriptions that name them, within each owner's view, once", async () => {
    const path = join(root, "a.db");
    let store = await openStore({ path });
    await store.access.putUser({
      id: "u-admin", username: "admin1", displayName: "A", passwordHash: "x", role: "admin",
      disabled: false, createdAtMs: T0, updatedAtMs: T0,
    }); // prettier-ignore
    await store.access.putUser({
      id: "u-trader", username: "trader1", displayName: "T", passwordHash: "x", role: "trader",
      companyId: "ACME", disabled: false, createdAtMs: T0, updatedAtMs: T0,
    }); // prettier-ignore
    await store.trips.insert(trip("trip-acme", "ACME", "dev-1"));
    await store.trips.insert(trip("trip-other", "OTHER", "dev-2"));
    // Before anyone listens: the cursor starts at the head, history is not sent.
    await store.readings.append([reading(1, { seal: "open" })]);
    let fanout = new ReadingFanout(store, { nowMs: () => T0, positionIntervalMs: 10 * 60_000 });
    assert.equal(await fanout.catchUp(), 0);

    const types = ["seal.opened", "seal.closed", "position"];
    await store.subscriptions.put(subscription("s-admin", { eventTypes: types }));
    await store.subscriptions.put(subscription("s-audit-only", {}));
    await store.subscriptions.put(
      subscription("s-trader", {
        eventTypes: ["seal.opened"],
        owner: { kind: "user", id: "u-trader", role: "trader", companyId: "ACME" },
        companyId: "ACME",
      }),
    );
    // dev-1 (ACME): closed at minute 2 after the opening at 1, open again at 3, a fix every minute.
    // dev-2 (OTHER): opened at minute 2.
    await store.readings.append([
      reading(2, { seal: "closed" }),
      reading(3, { seal: "open" }),
      reading(4, { seal: "open" }),
      reading(5, { deviceId: "dev-2", seal: "open", atMs: T0 + 2 * 60_000 }),
    ]);
    assert.ok((await fanout.catchUp()) > 0);
    const first = await delivered(store);
    assert.deepEqual(
      first.filter((d) => d.to === "s-admin").map((d) => `${d.type}@${d.event}`),
      [
        "seal.closed@reading-2-seal",
        "position@reading-2-position",
        "seal.opened@reading-3-seal",
        "seal.opened@reading-5-seal",
        "position@reading-5-position",
      ],
      "changes only (4 repeats 3), a position per device every 10 min",
    );
    assert.deepEqual(
      first.filter((d) => d.to === "s-trader").map((d) => d.event),
      ["reading-3-seal"],
      "the trader hears its own company's opening only",
    );
    assert.equal(
      first.filter((d) => d.to === "s-audit-only").length,
      0,
      "without eventTypes: audit events only",
    );
    // The trader's trip is sealed with a device it does not own (no company of its own here): the
    // trader's body names it by the API's pseudonym, as its API answers do; the admin's by its id.
    const bodies = await store.outbox.list({ status: ["pending"] });
    const bodyOf = (to: string) =>
      JSON.stringify(
        bodies.find((m) => m.destination === to && (m.payload as WebhookPayload).eventId === "reading-3-seal")
          ?.payload,
      );
    assert.match(bodyOf("s-admin"), /"dev-1"/);
    assert.doesNotMatch(bodyOf("s-trader"), /dev-1/);
    assert.match(bodyOf("s-trader"), /"hidden-[^"]+"/);

    // A restart of the fan-out reads on from where it stopped: nothing twice.
    await store.close();
    store = await openStore({ path });
    fanout = new ReadingFanout(store, { nowMs: () => T0, positionIntervalMs: 10 * 60_000 });
    assert.equal(await fanout.catchUp(), 0);
    await store.readings.append([reading(6, { seal: "closed" })]);
    await fanout.catchUp();
    const added = (await delivered(store)).slice(first.length).map((d) => `${d.to}:${d.event}`);
    assert.deepEqual(added, ["s-admin:reading-6-seal", "s-admin:reading-6-position"]);
    await store.close();
  });
});
