/**
 * Prometheus metrics at /metrics: what the engine host, the writer, the gateway and the API count,
 * read when scraped. A private registry per app, so that tests can build several apps.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { ApiDeps } from "./deps.js";

/** Counters that mirror a cumulative number kept elsewhere: each scrape adds what is new. */
class Mirror {
  private readonly last = new Map<string, number>();

  add(counter: Counter<string>, labels: Record<string, string>, total: number): void {
    const key = JSON.stringify(labels);
    const delta = total - (this.last.get(key) ?? 0);
    if (delta > 0) counter.inc(labels, delta);
    this.last.set(key, Math.max(total, this.last.get(key) ?? 0));
  }
}

export class ApiMetrics {
  readonly registry = new Registry();
  readonly rejectedRequests: Counter<"code">;
  readonly streamClients: Gauge;
  readonly streamDropped: Counter<"reason">;

  constructor(deps: ApiDeps) {
    const registry = this.registry;
    const mirror = new Mirror();
    const { host } = deps;
    collectDefaultMetrics({ register: registry, prefix: "sealwatch_" });

    new Counter({
      name: "sealwatch_readings_total",
      help: "Readings handled by the engine host, by outcome (rate() gives readings per second).",
      labelNames: ["outcome"],
      registers: [registry],
      collect() {
        mirror.add(this, { outcome: "applied" }, host.stats.readingsApplied);
        mirror.add(this, { outcome: "duplicate" }, host.stats.readingsDuplicate);
        mirror.add(this, { outcome: "rejected" }, host.stats.readingsRejected);
        mirror.add(this, { outcome: "failed" }, host.stats.readingsFailed);
      },
    });
    new Counter({
      name: "sealwatch_alarms_raised_total",
      help: "Alarms raised by the engine, by type.",
      labelNames: ["type"],
      registers: [registry],
      collect() {
        for (const [type, count] of Object.entries(host.stats.alarmsRaised))
          mirror.add(this, { type }, count ?? 0);
      },
    });
    new Counter({
      name: "sealwatch_engine_inputs_total",
      help: "Officers' commands and clock ticks applied by the engine host.",
      labelNames: ["kind"],
      registers: [registry],
      collect() {
        mirror.add(this, { kind: "command" }, host.stats.commands);
        mirror.add(this, { kind: "tick" }, host.stats.ticks);
      },
    });
    new Histogram({
      name: "sealwatch_ingest_to_alarm_seconds",
      help: "From a reading's arrival to the alarm it raised being stored and published.",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
      collect() {
        // The host keeps recent samples in a bounded array; each scrape takes what is there.
        for (const ms of host.stats.ingestToAlarmMs.splice(0)) this.observe(ms / 1000);
      },
    });
    new Gauge({
      name: "sealwatch_queue_depth",
      help: "Inputs waiting: in the engine host (submitted, not applied), in the group-commit writer, in the gateway.",
      labelNames: ["queue"],
      registers: [registry],
      collect() {
        this.set({ queue: "host" }, host.queueDepth);
        if (deps.writerQueued !== undefined) this.set({ queue: "writer" }, deps.writerQueued());
        if (deps.gateway?.inFlight !== undefined) this.set({ queue: "gateway" }, deps.gateway.inFlight());
      },
    });
    new Counter({
      name: "sealwatch_rejected_frames_total",
      help: "Device frames, messages or items the gateway refused, by transport and reason.",
      labelNames: ["transport", "reason"],
      registers: [registry],
      collect() {
        const rejections = deps.gateway?.rejections?.() ?? {};
        for (const [transport, reasons] of Object.entries(rejections))
          for (const [reason, count] of Object.entries(reasons))
            mirror.add(this, { transport, reason }, count);
      },
    });
    this.rejectedRequests = new Counter({
      name: "sealwatch_api_rejected_requests_total",
      help: "API requests answered with an error, by error code.",
      labelNames: ["code"],
      registers: [registry],
    });
    this.streamClients = new Gauge({
      name: "sealwatch_stream_clients",
      help: "Clients connected to the live stream.",
      registers: [registry],
    });
    this.streamDropped = new Counter({
      name: "sealwatch_stream_dropped_total",
      help: "Live-stream events not sent: readings coalesced for slow clients, clients cut off for falling behind.",
      labelNames: ["reason"],
      registers: [registry],
    });
  }
}
