/**
 * `sealwatch conformance`: runs the device conformance checklist against a capture file (the kit's
 * hex lines, or a pcap/pcapng of the device's TCP stream) or, live, against a device pointed at the
 * kit, and writes the report to the console, as JSON and as a self-contained HTML page.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { parseTextCapture } from "../conformance/capture-text.js";
import { KIT_PROTOCOLS, type CaptureEvent, type KitProtocol } from "../conformance/events.js";
import { conformanceReport } from "../conformance/kit.js";
import { runLive } from "../conformance/live.js";
import { consoleTechnician } from "../conformance/technician.js";
import { looksLikePcap, readPcapEvents } from "../conformance/pcap.js";
import { reportHtml } from "../conformance/report-html.js";
import { reportLines, type ConformanceReport } from "../conformance/report.js";
import { ioMappingProblems, type TeltonikaIoMapping } from "../protocols/teltonika/index.js";
import { UsageError, type Command, type CommandIo } from "./command.js";

const HELP = `Usage: sealwatch conformance --protocol jt701|teltonika|mqtt|http [options] (--capture FILE | --port N)

Runs the device conformance checklist (docs/devices/conformance.md) and reports each check as pass,
fail (with the frames that show it) or not applicable.

Source (one of):
  --capture FILE          a capture: the kit's text format (hex lines, with optional times, answers
                          and steps) or a pcap/pcapng of the device's TCP stream
  --port N                listen for the device on this port (live; jt701/teltonika TCP, mqtt broker,
                          http POST /api/v1/ingest/readings); --host ADDRESS (default 0.0.0.0)

Device and expectations:
  --device ID, --imei ID  the identity the device must announce (lock id, IMEI, device id)
  --heartbeat-s N         the heartbeat interval the device is configured with
  --tamper-within-s N     longest time from a tamper action to its report (default 60)
  --clock-tolerance-s N   how far a current frame's time may be from its arrival (default 60)
  --teltonika-io JSON     which IO means seal/tamper/battery, as in the device's settings
  --server-port N         pcap: the server's TCP port (default: the port the first connection opened)

Live session:
  --non-interactive       no prompted steps (for CI): observe for --duration-s, cutting the network
                          for --outage-s once if given
  --steps LIST            the prompted steps, comma-separated (default: all the protocol has):
                          seal-close,seal-open,rope-cut,back-cap,gnss-off,outage
  --duration-s N          how long to observe after the steps (default 300)
  --outage-s N            cut the network for N s (refuse connections) to test store-and-forward
  --step-timeout-s N      how long to wait for a step's report (default 120)
  --record FILE           save the session as a capture (re-run the report with --capture)

Output:
  --json FILE             write the report as JSON
  --html FILE             write the report as a self-contained HTML page

Exit codes: 0 conforms, 1 does not conform, 2 wrong arguments or an unreadable capture.`;

function seconds(value: string | undefined, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min)
    throw new UsageError(`${name} must be a number of seconds ≥ ${min}`, HELP);
  return n;
}

function ioMapping(text: string | undefined): TeltonikaIoMapping | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError("--teltonika-io is not JSON", HELP);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new UsageError("--teltonika-io must be a JSON object", HELP);
  const problems = ioMappingProblems(value);
  if (problems.length > 0) throw new UsageError(`--teltonika-io: ${problems.join("; ")}`, HELP);
  return value;
}

function readCapture(
  path: string,
  serverPort: number | undefined,
  io: CommandIo,
): CaptureEvent[] | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    io.err(
      `sealwatch conformance: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (looksLikePcap(view)) return readPcapEvents(view, serverPort === undefined ? {} : { serverPort });
  return parseTextCapture(bytes.toString("latin1"));
}

function write(
  report: ConformanceReport,
  json: string | undefined,
  html: string | undefined,
  io: CommandIo,
): void {
  for (const line of reportLines(report)) io.out(line);
  if (json !== undefined) {
    writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
    io.err(`JSON report: ${json}`);
  }
  if (html !== undefined) {
    writeFileSync(html, reportHtml(report));
    io.err(`HTML report: ${html}`);
  }
}

export const conformanceCommand: Command = {
  name: "conformance",
  summary: "run the device conformance checklist on a live device or a capture",
  help: HELP,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        protocol: { type: "string" },
        capture: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        device: { type: "string" },
        imei: { type: "string" },
        "heartbeat-s": { type: "string" },
        "tamper-within-s": { type: "string" },
        "clock-tolerance-s": { type: "string" },
        "teltonika-io": { type: "string" },
        "server-port": { type: "string" },
        "non-interactive": { type: "boolean", default: false },
        steps: { type: "string" },
        "duration-s": { type: "string" },
        "outage-s": { type: "string" },
        "step-timeout-s": { type: "string" },
        record: { type: "string" },
        json: { type: "string" },
        html: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help === true) {
      io.out(HELP);
      return 0;
    }
    const protocol = values.protocol as KitProtocol | undefined;
    if (protocol === undefined || !KIT_PROTOCOLS.includes(protocol))
      throw new UsageError(`--protocol must be one of ${KIT_PROTOCOLS.join(", ")}`, HELP);
    if ((values.capture === undefined) === (values.port === undefined))
      throw new UsageError("give either --capture FILE or --port N", HELP);
    if (values.device !== undefined && values.imei !== undefined && values.device !== values.imei)
      throw new UsageError("--device and --imei name different devices", HELP);
    const expectedId = values.device ?? values.imei;
    const serverPort = seconds(values["server-port"], "--server-port", 1);
    const heartbeatS = seconds(values["heartbeat-s"], "--heartbeat-s", 1);
    const tamperWithinS = seconds(values["tamper-within-s"], "--tamper-within-s", 1);
    const clockToleranceS = seconds(values["clock-tolerance-s"], "--clock-tolerance-s", 0);
    const teltonikaIo = ioMapping(values["teltonika-io"]);
    const common = {
      protocol,
      ...(expectedId === undefined ? {} : { expectedId }),
      ...(heartbeatS === undefined ? {} : { heartbeatS }),
      ...(tamperWithinS === undefined ? {} : { tamperWithinS }),
      ...(clockToleranceS === undefined ? {} : { clockToleranceS }),
      ...(teltonikaIo === undefined ? {} : { teltonikaIo }),
    };
    let report: ConformanceReport;
    if (values.capture !== undefined) {
      const events = readCapture(values.capture, serverPort, io);
      if (events === undefined) return 2;
      report = conformanceReport(events, {
        ...common,
        source: `capture ${basename(values.capture)}`,
        generatedAtMs: Date.now(),
      });
    } else {
      const port = seconds(values.port, "--port", 0)!;
      report = await runLive({
        ...common,
        port,
        host: values.host ?? "0.0.0.0",
        interactive: values["non-interactive"] !== true,
        ...(values.steps === undefined ? {} : { steps: values.steps.split(",").map((s) => s.trim()) }),
        durationS: seconds(values["duration-s"], "--duration-s", 0) ?? 300,
        ...(values["outage-s"] === undefined
          ? {}
          : { outageS: seconds(values["outage-s"], "--outage-s", 1)! }),
        stepTimeoutS: seconds(values["step-timeout-s"], "--step-timeout-s", 1) ?? 120,
        ...(values.record === undefined ? {} : { recordPath: values.record }),
        technician: consoleTechnician(io),
        log: (line) => io.err(line),
      });
    }
    write(report, values.json, values.html, io);
    return report.verdict === "conforms" ? 0 : 1;
  },
};
