/** The device's own words in an alarm's evidence, and the plain words of its reason. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deviceReportWords } from "../../src/core/evidence/device-report.js";
import { withDeviceReports } from "../../src/core/evidence/enrich.js";
import { formatDistanceM, formatDurationS, reasonOf } from "../../src/core/evidence/wording.js";
import type { AlarmEvidence } from "../../src/core/evidence/alarm-evidence.js";
import { decodeLockStatus, sealOf, tamperOf } from "../../src/protocols/jointech/lock-status.js";

function jt701(word: number) {
  const lockStatus = decodeLockStatus(word);
  return {
    protocol: "jt701",
    seal: sealOf(lockStatus),
    tamper: tamperOf(lockStatus),
    vendor: { vendor: "jointech", message: "binary-long", lockStatus, fields: {} },
  };
}

describe("the device's own words", () => {
  it("names the JT701 lock-status bits that make a tamper, by the decoder's own bit numbers", () => {
    // Rope inserted (6) and motor locked (7), then the rope cut (3).
    assert.deepEqual(deviceReportWords(jt701((1 << 6) | (1 << 7) | (1 << 3)), "tamper"), [
      "steel rope cut (JT701 bit 3)",
    ]);
    assert.deepEqual(deviceReportWords(jt701((1 << 6) | (1 << 7) | (1 << 12)), "tamper"), [
      "back cap opened (JT701 bit 12)",
    ]);
  });

  it("says why a JT701 counts as open: the rope out or the motor unlocked", () => {
    assert.deepEqual(deviceReportWords(jt701(1 << 7), "unauthorized_opening"), [
      "steel rope pulled out (JT701 bit 6 clear)",
    ]);
    assert.deepEqual(deviceReportWords(jt701(1 << 6), "unauthorized_opening"), [
      "lock motor unlocked (JT701 bit 7 clear)",
    ]);
  });

  it("names only what bears on the alarm", () => {
    const word = (1 << 6) | (1 << 7) | (1 << 3) | (1 << 11);
    assert.deepEqual(deviceReportWords(jt701(word), "low_battery"), ["battery low (JT701 bit 11)"]);
    assert.deepEqual(deviceReportWords(jt701(word), "route_deviation"), []);
  });

  it("names the Teltonika IO element that triggered the record", () => {
    const words = deviceReportWords(
      {
        protocol: "teltonika",
        tamper: true,
        vendor: { vendor: "teltonika", codec: "8E", priority: 2, eventIoId: 252, io: { 252: 1, 113: 80 } },
      },
      "tamper",
    );
    assert.deepEqual(words, ["tampering reported (Teltonika event on IO 252 (unplug detection) = 1)"]);
  });

  it("quotes an EPCIS event's disposition and a JSON device's field", () => {
    assert.deepEqual(
      deviceReportWords(
        {
          protocol: "epcis",
          tamper: true,
          vendor: {
            vendor: "epcis",
            disposition: "https://ref.gs1.org/cbv/Disp-damaged",
            readPoint: "urn:x:rp:1",
          },
        },
        "tamper",
      ),
      ["tampering reported (EPCIS event: disposition Disp-damaged, read point urn:x:rp:1)"],
    );
    assert.deepEqual(
      deviceReportWords(
        { protocol: "mqtt", seal: "open", vendor: { vendor: "json" } },
        "unauthorized_opening",
      ),
      ["seal reported open (mqtt message)"],
    );
    assert.deepEqual(deviceReportWords({ protocol: "http", kind: "read", readStatus: "broken" }, "tamper"), [
      "seal found broken when read (http message)",
    ]);
  });

  it("leads a tamper's reason with the device's words once the stored reading is known", () => {
    const evidence: AlarmEvidence = {
      reason: reasonOf({ type: "tamper", reports: 2 }),
      measure: { type: "tamper", reports: 2 },
      began: { atMs: 1000, position: [100, 14], fixAgeS: 0 },
      ended: null,
      readings: [{ role: "began", deviceId: "d1", atMs: 1000, receivedAtMs: 1500, position: [100, 14] }],
      asOfMs: 2000,
    };
    assert.equal(evidence.reason, "tampering reported by the device (2 reports in a row)");
    const stored = {
      ...jt701((1 << 6) | (1 << 7) | (1 << 3)),
      seq: 42,
      deviceId: "d1",
      atMs: 1000,
      receivedAtMs: 1500,
    };
    const full = withDeviceReports(evidence, [stored]);
    assert.equal(full.reason, "steel rope cut (JT701 bit 3) (2 reports in a row)");
    assert.deepEqual(full.readings[0], {
      ...evidence.readings[0],
      seq: 42,
      protocol: "jt701",
      report: ["steel rope cut (JT701 bit 3)"],
    });
  });
});

describe("the reason in plain words", () => {
  it("writes durations and distances as people say them", () => {
    assert.equal(formatDurationS(42), "42 s");
    assert.equal(formatDurationS(42 * 60), "42 min");
    assert.equal(formatDurationS(2 * 3600 + 5 * 60), "2 h 5 min");
    assert.equal(formatDurationS(3 * 86_400 + 4 * 3600), "3 d 4 h");
    assert.equal(formatDistanceM(850), "850 m");
    assert.equal(formatDistanceM(1000), "1 km");
    assert.equal(formatDistanceM(2400), "2.4 km");
    assert.equal(formatDistanceM(37_200), "37 km");
  });

  it("puts the measured value beside the threshold", () => {
    assert.equal(
      reasonOf({
        type: "route_deviation",
        distanceM: 2400,
        corridorM: 1000,
        durationS: 720,
        minDurationS: 120,
      }),
      "2.4 km off the corridor (corridor 1 km) for 12 min",
    );
    assert.equal(
      reasonOf({ type: "unauthorized_stop", durationS: 2520, allowedS: 1800, radiusM: 100, stopSpeedKmh: 5 }),
      "stopped 42 min outside offices and rest areas (allowed 30 min)",
    );
    assert.equal(
      reasonOf({ type: "signal_loss", silentS: 47 * 60, allowedS: 600, sinceArming: false }),
      "no message for 47 min (allowed 10 min)",
    );
    assert.equal(
      reasonOf({ type: "restricted_zone", zoneId: "TH-MIL-1", zoneName: "Military area", durationS: 300 }),
      "entered restricted zone Military area (TH-MIL-1), inside for 5 min",
    );
  });
});
