/**
 * The bus side of a gateway in the distributed mode: the connection, the route table it follows,
 * the sink that publishes, and its probes (ready once the route table is loaded and NATS is up).
 */
import type { Config } from "../config/schema.js";
import type { Gateway } from "../gateway/gateway.js";
import { monotonic, systemClock } from "../monitor/clock.js";
import { BusSink } from "./bus-sink.js";
import type { NatsBus } from "./nats-bus.js";
import { openBus } from "./open-bus.js";
import { metricFamily, type ProcessProbes } from "./process-http.js";
import { RouteTable } from "./routes.js";

export interface BusSide {
  readonly bus: NatsBus;
  readonly routes: RouteTable;
  readonly sink: BusSink;
  close(): Promise<void>;
}

export async function openBusSide(config: Config, url: string): Promise<BusSide> {
  const bus = await openBus(config, url, "sealwatch-gateway");
  const routes = new RouteTable(bus.routes, bus.partitions);
  try {
    await routes.follow();
  } catch (error) {
    await bus.close();
    throw error;
  }
  const sink = new BusSink(bus, routes, monotonic(systemClock));
  return {
    bus,
    routes,
    sink,
    async close() {
      routes.stop();
      await bus.close();
    },
  };
}

export function gatewayProbes(side: BusSide, gateway: Gateway): ProcessProbes {
  return {
    readiness: () => Promise.resolve(side.bus.nc.isClosed() ? "not connected to NATS" : null),
    metrics() {
      const s = side.sink.stats;
      return Promise.resolve(
        [
          metricFamily(
            "sealwatch_gateway_published_total",
            "Readings published to the input log and acknowledged by JetStream.",
            "counter",
            [{ value: s.published }],
          ),
          metricFamily(
            "sealwatch_gateway_publish_duplicates_total",
            "Readings JetStream already had (a retransmission).",
            "counter",
            [{ value: s.duplicates }],
          ),
          metricFamily(
            "sealwatch_gateway_publish_failures_total",
            "Publications not acknowledged (the device was not acknowledged).",
            "counter",
            [{ value: s.failed }],
          ),
          metricFamily(
            "sealwatch_gateway_in_flight",
            "Readings waiting for JetStream's acknowledgement, and frames in flight.",
            "gauge",
            [{ value: s.inFlight + gateway.inFlight() }],
          ),
        ].join(""),
      );
    },
  };
}
