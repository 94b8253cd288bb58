/**
 * Health, readiness and metrics of a process of the distributed mode that has no API (an engine
 * worker, a gateway): GET /health (the process runs), GET /ready (it can do its work: connected to
 * the bus and the store, holding its share), GET /metrics (Prometheus text).
 */
import { createServer, type Server } from "node:http";

export interface ProcessProbes {
  /** Null when ready, else why not. */
  readiness(): Promise<string | null>;
  /** Prometheus text exposition. */
  metrics(): Promise<string>;
}

export async function serveProbes(
  host: string,
  port: number,
  probes: ProcessProbes,
): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    const answer = (status: number, type: string, body: string): void => {
      response.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      response.end(body);
    };
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET") return answer(405, "application/json", '{"error":"GET only"}');
    if (path === "/health") return answer(200, "application/json", '{"status":"ok"}');
    if (path === "/ready") {
      probes.readiness().then(
        (problem) =>
          answer(
            problem === null ? 200 : 503,
            "application/json",
            JSON.stringify(problem === null ? { status: "ready" } : { status: "not_ready", reason: problem }),
          ),
        (error: unknown) =>
          answer(503, "application/json", JSON.stringify({ status: "not_ready", reason: String(error) })),
      );
      return;
    }
    if (path === "/metrics") {
      probes.metrics().then(
        (text) => answer(200, "text/plain; version=0.0.4", text),
        (error: unknown) => answer(500, "text/plain", String(error)),
      );
      return;
    }
    answer(404, "application/json", '{"error":"not found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return { server, port: typeof address === "object" && address !== null ? address.port : port };
}

/** One Prometheus metric family in text form. */
export function metricFamily(
  name: string,
  help: string,
  type: "gauge" | "counter",
  samples: readonly { labels?: Readonly<Record<string, string | number>>; value: number }[],
): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const { labels, value } of samples) {
    const l =
      labels === undefined
        ? ""
        : `{${Object.entries(labels)
            .map(([k, v]) => `${k}="${String(v)}"`)
            .join(",")}}`;
    lines.push(`${name}${l} ${value}`);
  }
  return lines.join("\n") + "\n";
}
