/**
 * Rule tables per alarm type of the monitoring contract (section 3), with their boundaries.
 * Distances stay well away from thresholds; durations and battery levels sit exactly on them.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ScenarioBuilder, box, spans, t } from "../../support/scenario-builder.js";

/** A trip armed at minute 0 that leaves the origin at minute 1 (km 5). */
function moving(options: ConstructorParameters<typeof ScenarioBuilder>[0] = {}): ScenarioBuilder {
  return new ScenarioBuilder(options).armed(0).msg(1, { km: 5, speed: 60 });
}

/** Reports every minute from `from` to `to` (inclusive) on the road, so that no signal is lost. */
function reporting(b: ScenarioBuilder, from: number, to: number): ScenarioBuilder {
  for (let m = from; m <= to; m++) b.msg(m, { km: 5 + m, speed: 60 });
  return b;
}

describe("route_deviation", () => {
  const cases: {
    name: string;
    outMinutes: number[];
    offM: number;
    rules?: object;
    expected: [string, string | null][];
  }[] = [
    {
      name: "a run exactly deviationMinS long counts",
      outMinutes: [10, 11, 12],
      offM: 2000,
      expected: [[t(10), t(13)]],
    },
    { name: "a run one second shorter does not", outMinutes: [10, 11, 11.9833], offM: 2000, expected: [] },
    { name: "a single far fix does not", outMinutes: [10], offM: 5000, expected: [] },
    { name: "within the corridor is no deviation", outMinutes: [10, 11, 12, 13], offM: 900, expected: [] },
    {
      name: "a wider corridor override absorbs it",
      outMinutes: [10, 11, 12, 13],
      offM: 2000,
      rules: { corridorM: 3000 },
      expected: [],
    },
    {
      name: "a shorter deviationMinS override raises sooner",
      outMinutes: [10, 10.5],
      offM: 2000,
      rules: { deviationMinS: 30 },
      expected: [[t(10), t(13)]],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const b = moving(c.rules === undefined ? {} : { rules: c.rules });
      for (const m of c.outMinutes) b.msg(m, { km: 10 + m, offM: c.offM, speed: 50 });
      b.msg(13, { km: 23, speed: 50 });
      assert.deepEqual(spans(b.run(), "route_deviation"), c.expected);
    });
  }

  it("is cleared by the first fix back in the corridor or exempt", () => {
    const b = moving({ extraZones: [{ id: "REST", kind: "rest", polygon: box(30, 1) }] });
    b.msg(10, { km: 28, offM: 2000 }).msg(11, { km: 29, offM: 2000 }).msg(12, { km: 29.5, offM: 2000 });
    // km 30, 800 m off the route: still out of a 500 m corridor, but inside the rest zone.
    b.msg(13, { km: 30, offM: 800 });
    const out = b.run();
    assert.deepEqual(spans(out, "route_deviation"), [[t(10), t(13)]]);
  });

  it("skips invalid fixes: they neither extend nor end a run", () => {
    const b = moving();
    b.msg(10, { km: 20, offM: 2000 })
      .msg(11, { km: 21, valid: false })
      .msg(12, { km: 22, offM: 2000 })
      .msg(13, { km: 23 });
    assert.deepEqual(spans(b.run(), "route_deviation"), [[t(10), t(13)]]);
  });

  it("stays open (clearedAt null) when the trip is disarmed during the run", () => {
    const b = new ScenarioBuilder().armed(0);
    b.msg(10, { km: 20, offM: 3000 }).msg(15, { km: 22, offM: 3000 });
    b.command(20, "disarm", { force: true, reason: "breakdown handled on site" });
    assert.deepEqual(spans(b.run(), "route_deviation"), [[t(10), null]]);
  });

  it("is raised with its true past start when the fixes arrive late", () => {
    const b = moving();
    b.msg(10, { km: 20 });
    b.msg(20, { km: 30, offM: 3000, receivedMin: 40 })
      .msg(25, { km: 31, offM: 3000, receivedMin: 40 })
      .msg(30, { km: 32, receivedMin: 40 });
    assert.deepEqual(spans(b.run(), "route_deviation"), [[t(20), t(30)]]);
  });
});

describe("unauthorized_stop", () => {
  it("a stationary run exactly stopMinS long counts, stamped with its first fix, cleared by the next", () => {
    const b = moving();
    for (let m = 10; m <= 40; m += 5) b.msg(m, { km: 20, speed: 0 });
    b.msg(45, { km: 25, speed: 60 });
    assert.deepEqual(spans(b.run(), "unauthorized_stop"), [[t(10), t(45)]]);
  });

  it("one second short of stopMinS raises nothing", () => {
    const b = moving();
    b.msg(10, { km: 20, speed: 0 }).msg(39.9833, { km: 20, speed: 0 }).msg(45, { km: 25, speed: 60 });
    assert.deepEqual(spans(b.run(), "unauthorized_stop"), []);
  });

  it("counts speed exactly stopSpeedKmh as stopped, and a fix without speed as 0", () => {
    const b = moving();
    b.msg(10, { km: 20, speed: 5 })
      .msg(25, { km: 20 })
      .msg(40, { km: 20, speed: 5 })
      .msg(41, { km: 22, speed: 5.5 });
    assert.deepEqual(spans(b.run(), "unauthorized_stop"), [[t(10), t(41)]]);
  });

  it("forms runs greedily: a slow fix beyond stopRadiusM of the first ends the run and starts the next", () => {
    const b = moving();
    // 10–30 at km 20, then 35–70 at km 20.15 (150 m away): only the second run is long enough.
    b.msg(10, { km: 20, speed: 0 }).msg(30, { km: 20.09, speed: 1 });
    b.msg(35, { km: 20.15, speed: 0 }).msg(70, { km: 20.15, speed: 0 }).msg(75, { km: 30, speed: 60 });
    assert.deepEqual(spans(b.run(), "unauthorized_stop"), [[t(35), t(75)]]);
  });

  it("raises nothing when the run's first fix is exempt (rest or office zone)", () => {
    const b = moving({ extraZones: [{ id: "PARK", kind: "rest", polygon: box(20, 0.05) }] });
    // Starts inside the park, drifts 80 m (outside the park's 50 m half-width, inside the stop radius).
    b.msg(10, { km: 20, speed: 0 }).msg(40, { km: 20.08, speed: 0 }).msg(50, { km: 30, speed: 60 });
    assert.deepEqual(spans(b.run(), "unauthorized_stop"), []);
  });

  it("honours stopMinS, stopRadiusM and stopSpeedKmh overrides", () => {
    const b = moving({ rules: { stopMinS: 600, stopRadiusM: 300, stopSpeedKmh: 10 } });
    b.msg(10, { km: 20, speed: 8 }).msg(20, { km: 20.25, speed: 9 }).msg(21, { km: 25, speed: 60 });
    assert.deepEqual(spans(b.run(), "unauthorized_stop"), [[t(10), t(21)]]);
  });
});

describe("restricted_zone", () => {
  const zones = [
    { id: "RZ-A", kind: "restricted", polygon: box(40, 1) },
    { id: "RZ-B", kind: "restricted", circle: { center: [0.36, 0], radiusM: 500 } },
  ];

  it("raises one alarm per run and zone, with no minimum duration, carrying the zone", () => {
    const b = moving({ extraZones: zones.slice(0, 1) });
    b.msg(10, { km: 39.5 })
      .msg(11, { km: 40 })
      .msg(12, { km: 41.5 })
      .msg(13, { km: 39.6 })
      .msg(14, { km: 45 });
    const out = b.run();
    const restricted = out.alarms.filter((a) => a.type === "restricted_zone");
    assert.deepEqual(
      restricted.map((a) => [a.zone, a.startedAt, a.clearedAt]),
      [
        ["RZ-A", t(10), t(12)],
        ["RZ-A", t(13), t(14)],
      ],
    );
    assert.ok(restricted.every((a) => a.severity === "high"));
  });

  it("gives overlapping zones each their own run", () => {
    const b = moving({ extraZones: zones });
    // km 40 is inside RZ-A; the circle RZ-B is centred at lon 0.36 (km ≈ 40.03).
    b.msg(10, { km: 40 }).msg(11, { km: 40.8 });
    const restricted = b.run().alarms.filter((a) => a.type === "restricted_zone");
    assert.deepEqual(
      restricted.map((a) => [a.zone, a.startedAt, a.clearedAt]),
      [
        ["RZ-A", t(10), null],
        ["RZ-B", t(10), t(11)],
      ],
    );
  });
});

describe("tamper", () => {
  it("raises one alarm per run of tamper messages; tamper:false ends it; no field neither extends nor ends it", () => {
    const b = moving();
    b.msg(10, { tamper: true })
      .msg(11, { batteryPct: 80 })
      .msg(12, { tamper: true })
      .msg(13, { tamper: false })
      .msg(14, { tamper: true });
    const out = b.run();
    assert.deepEqual(spans(out, "tamper"), [
      [t(10), null],
      [t(14), null],
    ]);
    assert.ok(out.alarms.filter((a) => a.type === "tamper").every((a) => a.severity === "critical"));
  });

  it("counts a broken passive read as tamper and an intact read as tamper:false", () => {
    const b = new ScenarioBuilder({ devices: [{ id: "RF1", class: "passive" }], checkpoints: ["DEST"] });
    b.read(0, "RF1", "ORIGIN", "intact").command(1, "arm");
    b.read(60, "RF1", "DEST", "broken")
      .read(61, "RF1", "DEST", "broken")
      .read(62, "RF1", "DEST", "intact")
      .read(63, "RF1", "DEST", "broken");
    assert.deepEqual(spans(b.run(), "tamper"), [
      [t(60), null],
      [t(63), null],
    ]);
  });

  it("ignores tamper before arming", () => {
    const b = new ScenarioBuilder().msg(-5, { tamper: true }).armed(0).msg(1, { km: 5, tamper: true });
    assert.deepEqual(spans(b.run(), "tamper"), [[t(1), null]]);
  });
});

describe("unauthorized_opening", () => {
  it("raises when the seal goes closed→open outside an office, by the message's own fix", () => {
    const b = moving().msg(10, { km: 30, seal: "open" });
    assert.deepEqual(spans(b.run(), "unauthorized_opening"), [[t(10), null]]);
  });

  it("does not raise inside an office", () => {
    const b = moving().msg(60, { km: 100, speed: 0 }).msg(61, { km: 100, seal: "open" });
    assert.deepEqual(spans(b.run(), "unauthorized_opening"), []);
  });

  it("locates a fixless opening by the latest earlier fix at most openingFixMaxAgeS older (boundary included)", () => {
    const inOffice = moving().msg(60, { km: 100, speed: 0 }).msg(70, { seal: "open" });
    assert.deepEqual(spans(inOffice.run(), "unauthorized_opening"), []);
    const tooOld = moving().msg(60, { km: 100, speed: 0 }).msg(70.0167, { seal: "open" });
    assert.deepEqual(spans(tooOld.run(), "unauthorized_opening"), [[t(70.0167), null]]);
  });

  it("takes the seal state before the opening from before arming", () => {
    const b = new ScenarioBuilder().armed(0).msg(1, { km: 5 }).msg(10, { km: 30, seal: "open" });
    assert.deepEqual(spans(b.run(), "unauthorized_opening"), [[t(10), null]]);
  });

  it("needs closed→open: open→open is not an opening", () => {
    const b = moving().msg(10, { km: 30, seal: "open" }).msg(11, { km: 31, seal: "open" });
    assert.deepEqual(spans(b.run(), "unauthorized_opening"), [[t(10), null]]);
  });

  it("is retracted when a late fix shows the opening happened in an office", () => {
    const b = moving();
    b.msg(61, { seal: "open" });
    b.msg(60, { km: 100, speed: 0, receivedMin: 62 });
    const out = b.run();
    assert.deepEqual(spans(out, "unauthorized_opening"), []);
    assert.deepEqual(
      out.retracted.map((r) => [r.type, r.startedAt]),
      [["unauthorized_opening", t(61)]],
    );
  });
});

describe("low_battery", () => {
  it("raises at exactly lowBatteryPct, once while open, and clears at exactly lowBatteryClearPct", () => {
    const b = moving();
    b.msg(10, { batteryPct: 16 })
      .msg(20, { batteryPct: 15 })
      .msg(30, { batteryPct: 10 })
      .msg(40, { batteryPct: 29 })
      .msg(50, { batteryPct: 30 });
    b.msg(60, { batteryPct: 14 });
    assert.deepEqual(spans(b.run(), "low_battery"), [
      [t(20), t(50)],
      [t(60), null],
    ]);
  });

  it("does not raise again on the report that clears it, even when the clearing level is the lower one", () => {
    const b = moving({ rules: { lowBatteryPct: 30, lowBatteryClearPct: 20 } });
    b.msg(10, { batteryPct: 28 })
      .msg(20, { batteryPct: 25 })
      .msg(30, { batteryPct: 25 })
      .msg(40, { batteryPct: 40 });
    assert.deepEqual(spans(b.run(), "low_battery"), [
      [t(10), t(20)],
      [t(30), t(40)],
    ]);
  });

  it("honours lowBatteryPct and lowBatteryClearPct overrides", () => {
    const b = moving({ rules: { lowBatteryPct: 25, lowBatteryClearPct: 50 } });
    b.msg(10, { batteryPct: 25 }).msg(20, { batteryPct: 49 }).msg(30, { batteryPct: 50 });
    assert.deepEqual(spans(b.run(), "low_battery"), [[t(10), t(30)]]);
  });
});

describe("signal_loss", () => {
  it("is strict: a clock exactly lastReceivedAt + signalLossS raises nothing", () => {
    const b = reporting(moving(), 2, 10).tick(12);
    assert.deepEqual(spans(b.run(), "signal_loss"), []);
  });

  it("raises one millisecond later, stamped with lastReceivedAt, cleared by the next message's arrival", () => {
    const b = reporting(moving(), 2, 10);
    b.raw({ type: "tick", at: "2025-06-10T08:12:00.001Z" }).msg(15, { km: 25, receivedMin: 16 });
    const out = b.run();
    assert.deepEqual(spans(out, "signal_loss"), [[t(10), t(16)]]);
    assert.equal(out.alarms[0]!.severity, "high");
  });

  it("counts from the arming time when nothing arrives after arming", () => {
    const b = new ScenarioBuilder().armed(0).tick(3);
    assert.deepEqual(spans(b.run(), "signal_loss"), [[t(0), null]]);
  });

  it("uses signalLossS when the trip overrides it, and 21,600 s × 2 for a semi-active device by default", () => {
    const overridden = moving({ rules: { signalLossS: 600 } })
      .tick(10)
      .tick(11.05);
    assert.deepEqual(spans(overridden.run(), "signal_loss"), [[t(1), null]]);
    const semi = new ScenarioBuilder({ devices: [{ id: "S1", class: "semi-active" }] });
    semi.msg(-1, { device: "S1", km: 0, seal: "closed" }).command(0, "arm").tick(720).tick(721);
    assert.deepEqual(spans(semi.run(), "signal_loss"), [[t(0), null]]);
  });

  it("is raised by the message that ends the silence, then cleared by it", () => {
    const b = moving().msg(30, { km: 30, receivedMin: 30 });
    assert.deepEqual(spans(b.run(), "signal_loss"), [[t(1), t(30)]]);
  });

  it("clears at the closing time when the trip is disarmed during a loss", () => {
    const b = reporting(moving(), 2, 59).msg(60, { km: 100, speed: 0 }).tick(70).command(80, "disarm");
    assert.deepEqual(spans(b.run(), "signal_loss"), [[t(60), t(80)]]);
  });
});

describe("overdue", () => {
  it("is raised only once the clock is strictly past the deadline, stamped with the deadline, cleared by arrival", () => {
    const b = moving({ deadlineMin: 30 }).tick(30);
    assert.deepEqual(spans(b.run(), "overdue"), []);
    b.tick(31).msg(40, { km: 100, speed: 0 });
    const out = b.run();
    assert.deepEqual(spans(out, "overdue"), [[t(30), t(40)]]);
    assert.equal(out.alarms.find((a) => a.type === "overdue")!.device, null);
  });

  it("is retracted when late data shows arrival before the deadline", () => {
    const b = moving({ deadlineMin: 30 }).tick(31).msg(25, { km: 100, speed: 0, receivedMin: 32 });
    const out = b.run();
    assert.deepEqual(spans(out, "overdue"), []);
    assert.deepEqual(
      out.retracted.map((r) => [r.type, r.device, r.startedAt]),
      [["overdue", null, t(30)]],
    );
  });

  it("stays raised after a forced close past the deadline, even if late data shows an earlier arrival", () => {
    const b = moving({ deadlineMin: 30 })
      .tick(31)
      .command(35, "disarm", { force: true, reason: "breakdown" });
    b.msg(25, { km: 100, speed: 0, receivedMin: 36 });
    const out = b.run();
    assert.deepEqual(spans(out, "overdue"), [[t(30), t(35)]]);
    assert.deepEqual(
      out.trips[0]!.transitions.map((x) => x.state),
      ["armed", "in_transit", "closed"],
    );
  });
});

describe("unexpected_checkpoint", () => {
  const devices = [{ id: "RF1", class: "passive" }];
  const extraZones = [
    { id: "CP1", kind: "office", polygon: box(40, 1) },
    { id: "OTHER", kind: "office", polygon: box(60, 1) },
  ];

  it("raises for a read at an office that is neither origin, destination nor a checkpoint", () => {
    const b = new ScenarioBuilder({ devices, extraZones, checkpoints: ["CP1"] });
    b.read(0, "RF1", "ORIGIN", "intact")
      .command(1, "arm")
      .read(30, "RF1", "CP1", "intact")
      .read(40, "RF1", "OTHER", "intact")
      .read(41, "RF1", "OTHER", "intact");
    b.read(60, "RF1", "DEST", "intact");
    const out = b.run();
    assert.deepEqual(spans(out, "unexpected_checkpoint"), [
      [t(40), null],
      [t(41), null],
    ]);
    assert.deepEqual(
      out.trips[0]!.transitions.map((x) => [x.state, x.at]),
      [
        ["armed", t(1)],
        ["in_transit", t(1)],
        ["arrived", t(60)],
      ],
    );
  });

  it("raises nothing when the trip lists no checkpoints", () => {
    const b = new ScenarioBuilder({ devices, extraZones });
    b.read(0, "RF1", "ORIGIN", "intact").command(1, "arm").read(40, "RF1", "OTHER", "intact");
    assert.deepEqual(spans(b.run(), "unexpected_checkpoint"), []);
  });
});
