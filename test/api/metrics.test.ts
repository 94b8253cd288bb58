/** Prometheus metrics: readings, alarms by type, ingest-to-alarm latency, queues, rejections. */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHarness, type Harness } from "./support.js";

function value(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("/metrics", () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  it("counts readings, alarms by type, latency, queue depths and rejected requests", async () => {
    await h.newAlarm();
    await h.request("GET", "/api/v1/trips");
    await h.request("GET", "/api/v1/trips/none", { as: "admin" });
    await h.request("POST", "/api/v1/ingest/readings", {
      as: "gateway",
      body: { readings: [{ deviceId: "unknown-device", at: "2025-06-10T08:00:00Z", seal: "closed" }] },
    });
    const r = await h.request("GET", "/metrics");
    assert.equal(r.statusCode, 200);
    assert.match(r.headers["content-type"] as string, /^text\/plain/);
    const text = r.body;
    assert.equal(value(text, 'sealwatch_readings_total{outcome="applied"}'), h.host.stats.readingsApplied);
    assert.equal(value(text, 'sealwatch_alarms_raised_total{type="tamper"}'), 1);
    assert.equal(value(text, "sealwatch_ingest_to_alarm_seconds_count"), 1);
    assert.equal(value(text, 'sealwatch_queue_depth{queue="host"}'), 0);
    assert.equal(value(text, 'sealwatch_queue_depth{queue="writer"}'), 0);
    assert.equal(value(text, 'sealwatch_api_rejected_requests_total{code="UNAUTHENTICATED"}'), 1);
    assert.equal(value(text, 'sealwatch_api_rejected_requests_total{code="NOT_FOUND"}'), 1);
    assert.equal(value(text, 'sealwatch_rejected_frames_total{transport="http",reason="unknown_device"}'), 1);
    assert.match(text, /^sealwatch_process_cpu_seconds_total /m);
    // A second scrape adds only what is new.
    await h.newAlarm();
    const again = (await h.request("GET", "/metrics")).body;
    assert.equal(value(again, 'sealwatch_alarms_raised_total{type="tamper"}'), 2);
    assert.equal(value(again, "sealwatch_ingest_to_alarm_seconds_count"), 2);
  });
});
