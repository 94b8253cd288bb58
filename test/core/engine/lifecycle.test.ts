/** Trip lifecycle of the monitoring contract (section 2): transitions, refusals, closing-time semantics. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ScenarioBuilder, box, spans, t } from "../../support/scenario-builder.js";

function states(b: ScenarioBuilder): [string, string][] {
  return b.run().trips[0]!.transitions.map((x) => [x.state, x.at]);
}

function rejectedIndices(b: ScenarioBuilder): number[] {
  return b.run().rejected.map((r) => r.input);
}

describe("transitions", () => {
  it("goes armed → in_transit (first fix outside the origin) → arrived (first fix inside the destination) → closed", () => {
    const b = new ScenarioBuilder()
      .armed(0)
      .msg(1, { km: 0.5 })
      .msg(2, { km: 3 })
      .msg(90, { km: 100 })
      .command(95, "disarm");
    assert.deepEqual(states(b), [
      ["armed", t(0)],
      ["in_transit", t(2)],
      ["arrived", t(90)],
      ["closed", t(95)],
    ]);
    assert.equal(b.run().trips[0]!.state, "closed");
  });

  it("ignores invalid fixes for transitions", () => {
    const b = new ScenarioBuilder().armed(0).msg(2, { km: 3, valid: false }).msg(3, { km: 4 });
    assert.deepEqual(states(b), [
      ["armed", t(0)],
      ["in_transit", t(3)],
    ]);
  });

  it("lets one fix cause both in_transit and arrived", () => {
    const b = new ScenarioBuilder().armed(0).msg(90, { km: 100 });
    assert.deepEqual(states(b), [
      ["armed", t(0)],
      ["in_transit", t(90)],
      ["arrived", t(90)],
    ]);
  });

  it("moves a transition earlier when a late fix qualifies earlier", () => {
    const b = new ScenarioBuilder().armed(0).msg(10, { km: 10 }).msg(5, { km: 4, receivedMin: 11 });
    assert.deepEqual(states(b), [
      ["armed", t(0)],
      ["in_transit", t(5)],
    ]);
  });

  it("keeps transitions final once closed, even if late data would move them", () => {
    const b = new ScenarioBuilder()
      .armed(0)
      .msg(10, { km: 10 })
      .command(20, "disarm", { force: true, reason: "seized" });
    b.msg(5, { km: 4, receivedMin: 21 });
    assert.deepEqual(states(b), [
      ["armed", t(0)],
      ["in_transit", t(10)],
      ["closed", t(20)],
    ]);
  });

  it("puts a passive-only trip in transit at the arming time, and arrives at the first destination read", () => {
    const b = new ScenarioBuilder({ devices: [{ id: "RF1", class: "passive" }] });
    b.read(0, "RF1", "ORIGIN", "intact").command(1, "arm").read(80, "RF1", "DEST", "broken");
    assert.deepEqual(states(b), [
      ["armed", t(1)],
      ["in_transit", t(1)],
      ["arrived", t(80)],
    ]);
  });

  it("stamps the arrival no earlier than the in-transit fix when origin and destination overlap", () => {
    const b = new ScenarioBuilder({ extraZones: [{ id: "HUB", kind: "office", polygon: box(0.5, 1) }] });
    (b.doc.trips[0] as { destination: string }).destination = "HUB";
    // km 0.2 is inside both ORIGIN and HUB; km 1.3 is outside ORIGIN but still inside HUB.
    b.armed(0).msg(2, { km: 0.2 }).msg(5, { km: 1.3 });
    assert.deepEqual(states(b), [
      ["armed", t(0)],
      ["in_transit", t(5)],
      ["arrived", t(5)],
    ]);
  });

  it("lets only fixes mark the arrival of a trip with a position-reporting device (not its passive seal's reads)", () => {
    const b = new ScenarioBuilder({
      devices: [
        { id: "D1", class: "active", reportIntervalS: 60 },
        { id: "RF1", class: "passive" },
      ],
    });
    b.read(-2, "RF1", "ORIGIN", "intact").armed(0).msg(1, { km: 5 }).read(80, "RF1", "DEST", "intact");
    assert.deepEqual(
      states(b).map(([s]) => s),
      ["armed", "in_transit"],
    );
    b.msg(85, { km: 100 });
    assert.deepEqual(states(b).at(-1), ["arrived", t(85)]);
  });

  it("cancels a declared trip", () => {
    const b = new ScenarioBuilder().command(1, "cancel");
    const out = b.run();
    assert.equal(out.trips[0]!.state, "cancelled");
    assert.deepEqual(out.trips[0]!.transitions, [{ state: "cancelled", at: t(1) }]);
  });

  it("lists a never-armed trip as declared with no transitions", () => {
    const out = new ScenarioBuilder().tick(1).run();
    assert.deepEqual(out.trips, [{ id: "T1", state: "declared", transitions: [] }]);
  });
});

describe("command refusals", () => {
  it("refuses arm when the latest seal message says open, or there is none", () => {
    assert.deepEqual(rejectedIndices(new ScenarioBuilder().command(0, "arm")), [0]);
    const open = new ScenarioBuilder()
      .msg(0, { km: 0, seal: "closed" })
      .msg(1, { seal: "open" })
      .command(2, "arm");
    assert.deepEqual(rejectedIndices(open), [2]);
    // The latest by event time, not by arrival: a late closed message older than the open one does not help.
    const late = new ScenarioBuilder()
      .msg(1, { seal: "open" })
      .msg(0, { seal: "closed", receivedMin: 1.5 })
      .command(2, "arm");
    assert.deepEqual(rejectedIndices(late), [2]);
  });

  it("refuses arm after the deadline, accepts it exactly at the deadline", () => {
    const after = new ScenarioBuilder({ deadlineMin: 10 }).msg(9, { seal: "closed" }).command(10.0167, "arm");
    assert.deepEqual(rejectedIndices(after), [1]);
    const at = new ScenarioBuilder({ deadlineMin: 10 }).msg(9, { seal: "closed" }).command(10, "arm");
    assert.deepEqual(rejectedIndices(at), []);
  });

  it("refuses arm of a trip that is not declared", () => {
    assert.deepEqual(rejectedIndices(new ScenarioBuilder().armed(0).command(1, "arm")), [2]);
    assert.deepEqual(
      rejectedIndices(
        new ScenarioBuilder().command(0, "cancel").msg(1, { seal: "closed" }).command(2, "arm"),
      ),
      [2],
    );
  });

  it("refuses arm while a device is on another armed trip, and accepts it once that trip closed", () => {
    const doc = new ScenarioBuilder().armed(0);
    const trip2 = { ...(doc.doc.trips[0] as object), id: "T2" };
    doc.doc.trips.push(trip2);
    doc.raw({ type: "command", at: t(1), command: "arm", trip: "T2" });
    doc.command(2, "disarm", { force: true, reason: "transfer" });
    doc.raw({ type: "command", at: t(3), command: "arm", trip: "T2" });
    assert.deepEqual(rejectedIndices(doc), [2]);
    assert.deepEqual(
      doc.run().trips.map((x) => [x.id, x.state]),
      [
        ["T1", "closed"],
        ["T2", "armed"],
      ],
    );
  });

  it("refuses arm of a passive seal not read intact at the origin (missing, broken, or read elsewhere)", () => {
    const devices = [{ id: "RF1", class: "passive" }];
    assert.deepEqual(rejectedIndices(new ScenarioBuilder({ devices }).command(1, "arm")), [0]);
    assert.deepEqual(
      rejectedIndices(new ScenarioBuilder({ devices }).read(0, "RF1", "ORIGIN", "broken").command(1, "arm")),
      [1],
    );
    assert.deepEqual(
      rejectedIndices(new ScenarioBuilder({ devices }).read(0, "RF1", "DEST", "intact").command(1, "arm")),
      [1],
    );
    const latestWins = new ScenarioBuilder({ devices })
      .read(0, "RF1", "ORIGIN", "intact")
      .read(1, "RF1", "DEST", "broken")
      .command(2, "arm");
    assert.deepEqual(rejectedIndices(latestWins), []);
  });

  it("refuses disarm before arrival unless forced with a reason", () => {
    const base = (): ScenarioBuilder => new ScenarioBuilder().armed(0).msg(2, { km: 5 });
    assert.deepEqual(rejectedIndices(base().command(3, "disarm")), [3]);
    assert.deepEqual(rejectedIndices(base().command(3, "disarm", { force: true })), [3]);
    assert.deepEqual(rejectedIndices(base().command(3, "disarm", { force: true, reason: " \t\n" })), [3]);
    assert.deepEqual(rejectedIndices(base().command(3, "disarm", { force: false, reason: "x" })), [3]);
    assert.deepEqual(
      rejectedIndices(base().command(3, "disarm", { force: true, reason: "engine failure" })),
      [],
    );
  });

  it("refuses disarm of a declared, closed or cancelled trip, forced or not", () => {
    assert.deepEqual(
      rejectedIndices(new ScenarioBuilder().command(0, "disarm", { force: true, reason: "x" })),
      [0],
    );
    const closed = new ScenarioBuilder()
      .armed(0)
      .msg(1, { km: 100 })
      .command(2, "disarm")
      .command(3, "disarm");
    assert.deepEqual(rejectedIndices(closed), [4]);
    assert.deepEqual(
      rejectedIndices(
        new ScenarioBuilder().command(0, "cancel").command(1, "disarm", { force: true, reason: "x" }),
      ),
      [1],
    );
  });

  it("refuses cancel in any state but declared", () => {
    assert.deepEqual(rejectedIndices(new ScenarioBuilder().armed(0).command(1, "cancel")), [2]);
    assert.deepEqual(rejectedIndices(new ScenarioBuilder().command(0, "cancel").command(1, "cancel")), [1]);
  });

  it("does not advance the clock on a refused command", () => {
    // A refused disarm at minute 30 must not raise signal_loss (the clock stays at minute 1).
    const b = new ScenarioBuilder().armed(0).msg(1, { km: 5 }).command(30, "disarm").msg(2, { km: 6 });
    const out = b.run();
    assert.deepEqual(
      out.rejected.map((r) => r.input),
      [3],
    );
    assert.deepEqual(spans(out, "signal_loss"), []);
  });
});

describe("the closing time", () => {
  it("lets an event at exactly the closing time count for the disarm's state but raise no alarm", () => {
    // The fix at minute 50 (received before the disarm at 50) makes the trip arrived, so the disarm is
    // accepted; the tamper message at 50 raises nothing once the trip is closed at 50.
    const b = new ScenarioBuilder().armed(0).msg(50, { km: 100, tamper: true }).command(50, "disarm");
    const out = b.run();
    assert.deepEqual(out.rejected, []);
    assert.deepEqual(
      out.trips[0]!.transitions.map((x) => x.state),
      ["armed", "in_transit", "arrived", "closed"],
    );
    assert.deepEqual(spans(out, "tamper"), []);
    assert.deepEqual(
      out.retracted.map((r) => [r.type, r.startedAt]),
      [["tamper", t(50)]],
    );
  });

  it("re-evaluates a closed trip's alarms with late data from inside its window", () => {
    const b = new ScenarioBuilder().armed(0).msg(1, { km: 5 }).msg(50, { km: 100 }).command(55, "disarm");
    b.msg(20, { km: 30, tamper: true, receivedMin: 60 });
    assert.deepEqual(spans(b.run(), "tamper"), [[t(20), null]]);
  });

  it("ignores late data from after the closing time", () => {
    const b = new ScenarioBuilder().armed(0).msg(1, { km: 5 }).msg(50, { km: 100 }).command(55, "disarm");
    b.msg(56, { km: 100, tamper: true });
    assert.deepEqual(spans(b.run(), "tamper"), []);
  });
});
