/**
 * The JT701 remote unlock (issue 4 §4): an officer's action, accepted only once the trip has arrived
 * and the lock's latest fix is inside the destination office; audited; sent at once to a connected
 * lock, queued for an offline one and delivered when it reconnects; the lock's answer recorded.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LonLat } from "../../src/core/geo/sphere.js";
import type { CommandActor } from "../../src/gateway/commands/device-commands.js";
import { ManualClock } from "../../src/monitor/clock.js";
import { frame, record, SEALED } from "./jointech-frames.js";
import {
  corridorRegistry,
  DESTINATION,
  device,
  DeviceClient,
  eventually,
  MIDWAY,
  ORIGIN,
  startStack,
  trip,
  type Stack,
} from "./support.js";

const LOCK = "8043396610";
const OFFICER: CommandActor = { id: "officer-ke-7", role: "officer", offices: ["OFF-DEST"] };

describe("Remote unlock of a JT701", () => {
  const t0 = Math.floor((Date.now() - 7_200_000) / 1000) * 1000;
  const clock = new ManualClock(t0);
  let stack: Stack;
  let client: DeviceClient;
  let serial = 0;

  before(async () => {
    stack = await startStack({
      clock,
      registry: corridorRegistry(
        [device("ELK-U", [LOCK], "jt701"), device("TEL-U", ["356307042441999"], "teltonika")],
        [trip("T-U", ["ELK-U"])],
      ),
    });
    client = await DeviceClient.connect(stack.gateway.ports.jt701!);
  });
  after(async () => {
    client.close();
    await stack.close();
  });

  async function fix(atMs: number, where: LonLat): Promise<void> {
    clock.set(atMs + 1_000);
    serial++;
    await client.send(frame(LOCK, serial, record(atMs, where, SEALED)));
    await client.untilText(`(P69,0,${serial})`);
    await stack.host.idle();
  }

  const unlock = (actor: CommandActor = OFFICER) =>
    stack.gateway.requestUnlock({ deviceId: "ELK-U", actor, reason: "arrival inspection" });

  it("refuses before the trip has arrived, and refuses anyone but an officer", async () => {
    await fix(t0, ORIGIN);
    clock.set(t0 + 60_000);
    assert.equal(
      (await stack.host.command({ tripId: "T-U", command: "arm", actor: "officer-1" })).accepted,
      true,
    );
    await fix(t0 + 10 * 60_000, MIDWAY);
    const early = await unlock();
    assert.equal(early.kind === "refused" && early.reason, "trip_not_arrived");
    const operator = await unlock({ id: "op-1", role: "operator" });
    assert.equal(operator.kind === "refused" && operator.reason, "not_an_officer");
    const other = await stack.gateway.requestUnlock({ deviceId: "TEL-U", actor: OFFICER });
    assert.equal(other.kind === "refused" && other.reason, "not_an_elock");
    const audit = await stack.store.audit.list({ subjectType: "device", subjectId: "ELK-U" });
    assert.deepEqual(
      audit.map((a) => [a.action, a.actor, (a.details as { refusal?: string }).refusal]),
      [
        ["device.unlock.refused", "officer-ke-7", "trip_not_arrived"],
        ["device.unlock.refused", "op-1", "not_an_officer"],
      ],
    );
  });

  it("refuses an officer of another office, and a lock whose latest fix is outside the destination", async () => {
    await fix(t0 + 60 * 60_000, DESTINATION);
    assert.equal((await stack.store.trips.get("T-U"))?.state, "arrived");
    const elsewhere = await unlock({ id: "officer-2", role: "officer", offices: ["OFF-ORIGIN"] });
    assert.equal(elsewhere.kind === "refused" && elsewhere.reason, "not_officers_office");
    await fix(t0 + 61 * 60_000, MIDWAY);
    const outside = await unlock();
    assert.equal(outside.kind === "refused" && outside.reason, "fix_outside_destination");
  });

  it("sends the unlock at once to a connected lock, audits it, and records the lock's answer", async () => {
    await fix(t0 + 62 * 60_000, DESTINATION);
    const result = await unlock();
    assert.equal(result.kind, "accepted");
    if (result.kind !== "accepted") return;
    assert.equal(result.command.status, "sent");
    assert.equal(result.command.tripId, "T-U");
    await client.untilText("(P43,888888)");
    await client.send(`(${LOCK},P43,1,0)`);
    await eventually(
      () => stack.store.audit.list({ subjectType: "device", subjectId: "ELK-U" }),
      (entries) => entries.some((e) => e.action === "device.command.answer"),
    );
    const entries = await stack.store.audit.list({ subjectType: "device", subjectId: "ELK-U" });
    const accepted = entries.find((e) => e.action === "device.unlock")!;
    assert.equal(accepted.actor, "officer-ke-7");
    assert.equal((accepted.details as { commandId: string }).commandId, result.command.id);
    assert.ok(
      !JSON.stringify(accepted.details).includes("888888"),
      "the password must not reach the audit log",
    );
    const answer = entries.find((e) => e.action === "device.command.answer")!;
    assert.deepEqual(answer.details, {
      commandId: result.command.id,
      command: "unlock",
      answer: `(${LOCK},P43,1,0)`,
      ok: true,
    });
    assert.equal((await stack.store.audit.verify()).ok, true);
  });

  it("queues the unlock while the lock is offline and delivers it when the lock reconnects", async () => {
    client.close();
    await eventually(
      () => stack.gateway.commands.isOnline("ELK-U"),
      (online) => !online,
    );
    const result = await unlock();
    assert.equal(result.kind === "accepted" && result.command.status, "queued");
    assert.equal((await stack.store.commands.pendingDeviceCommands("ELK-U")).length, 1);
    client = await DeviceClient.connect(stack.gateway.ports.jt701!);
    await fix(t0 + 63 * 60_000, DESTINATION);
    await client.untilText("(P43,888888)");
    await eventually(
      () => stack.store.commands.pendingDeviceCommands("ELK-U"),
      (pending) => pending.length === 0,
    );
  });
});
