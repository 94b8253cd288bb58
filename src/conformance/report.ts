/**
 * The conformance report: what was tested, each check's verdict with its evidence, the frames that
 * evidence names (hex, decoded readings), and what could not be read. The JSON form is this object;
 * the console and HTML forms render it.
 */
import type { NormalizedReading } from "../core/domain/reading.js";
import { runChecks, type CheckResult, type KitSettings } from "./checks/index.js";
import type { KitProtocol } from "./events.js";
import type { ObservedFrame, StepWindow, Timeline, UnreadableRun } from "./timeline.js";

export interface ReportFrame {
  readonly index: number;
  readonly connection: number;
  readonly receivedAt?: string;
  readonly hex: string;
  readonly text?: string;
  readonly rejected?: string;
  readonly answer?: string;
  readonly answeredAt?: string;
  readonly readings: readonly ReportReading[];
}

export interface ReportReading {
  readonly deviceId: string;
  readonly at: string;
  readonly position?: { lon: number; lat: number; speedKmh: number; valid: boolean; satellites?: number };
  readonly seal?: string;
  readonly tamper?: boolean;
  readonly batteryPct?: number;
  readonly flags?: readonly string[];
}

export interface ConformanceReport {
  readonly kit: "sealwatch conformance";
  readonly reportVersion: 1;
  readonly generatedAt: string;
  readonly protocol: KitProtocol;
  /** Where the bytes came from: "live on port 5010", "capture lock.hex". */
  readonly source: string;
  readonly settings: KitSettings;
  readonly verdict: "conforms" | "does not conform";
  readonly counts: { readonly pass: number; readonly fail: number; readonly notApplicable: number };
  readonly checks: readonly CheckResult[];
  readonly stream: {
    readonly frames: number;
    readonly readings: number;
    readonly connections: number;
    readonly bytesFromDevice: number;
    readonly firstAt?: string;
    readonly lastAt?: string;
  };
  readonly steps: readonly { step: string; begin?: string; end?: string }[];
  /** What the kit could not read. */
  readonly unreadable: readonly (Omit<UnreadableRun, "atMs"> & { at?: string })[];
  /** The frames any check names as evidence, plus the first and last (capped). */
  readonly frames: readonly ReportFrame[];
}

const MAX_FRAMES = 500;

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString();

function flagsOf(r: NormalizedReading): string[] | undefined {
  const ls = r.vendor?.vendor === "jointech" ? r.vendor.lockStatus : undefined;
  if (ls === undefined) return undefined;
  return Object.entries(ls)
    .filter(([, on]) => on === true)
    .map(([name]) => name);
}

function reportReading(r: NormalizedReading): ReportReading {
  const p = r.position;
  const flags = flagsOf(r);
  return {
    deviceId: r.deviceId,
    at: iso(r.atMs) ?? String(r.atMs),
    ...(p === undefined
      ? {}
      : {
          position: {
            lon: p.lon,
            lat: p.lat,
            speedKmh: Math.round(p.speedKmh * 10) / 10,
            valid: p.valid,
            ...(p.satellites === undefined ? {} : { satellites: p.satellites }),
          },
        }),
    ...(r.seal === undefined ? {} : { seal: r.seal }),
    ...(r.tamper === undefined ? {} : { tamper: r.tamper }),
    ...(r.batteryPct === undefined ? {} : { batteryPct: r.batteryPct }),
    ...(flags === undefined ? {} : { flags }),
  };
}

function reportFrame(f: ObservedFrame): ReportFrame {
  const receivedAt = iso(f.receivedAtMs);
  const answeredAt = iso(f.answeredAtMs);
  return {
    index: f.index,
    connection: f.connection,
    ...(receivedAt === undefined ? {} : { receivedAt }),
    hex: f.hex,
    ...(f.text === undefined ? {} : { text: f.text }),
    ...(f.rejection === undefined ? {} : { rejected: `${f.rejection.reason}: ${f.rejection.detail}` }),
    ...(f.expectedAnswer === undefined ? {} : { answer: f.expectedAnswer }),
    ...(answeredAt === undefined ? {} : { answeredAt }),
    readings: f.readings.map(reportReading),
  };
}

function stepOf(s: StepWindow): { step: string; begin?: string; end?: string } {
  const begin = iso(s.beginAtMs);
  const end = iso(s.endAtMs);
  return { step: s.step, ...(begin === undefined ? {} : { begin }), ...(end === undefined ? {} : { end }) };
}

export function buildReport(
  timeline: Timeline,
  settings: KitSettings,
  source: string,
  generatedAtMs: number,
): ConformanceReport {
  const checks = runChecks(timeline, settings);
  const count = (v: string): number => checks.filter((c) => c.verdict === v).length;
  const cited = new Set(checks.flatMap((c) => c.evidence));
  const frames = timeline.frames;
  if (frames.length > 0) {
    cited.add(1);
    cited.add(frames.length);
  }
  const shown = [...cited].sort((a, b) => a - b).slice(0, MAX_FRAMES);
  const firstAt = iso(timeline.firstAtMs);
  const lastAt = iso(timeline.lastAtMs);
  return {
    kit: "sealwatch conformance",
    reportVersion: 1,
    generatedAt: new Date(generatedAtMs).toISOString(),
    protocol: timeline.protocol,
    source,
    settings,
    verdict: count("fail") === 0 ? "conforms" : "does not conform",
    counts: { pass: count("pass"), fail: count("fail"), notApplicable: count("not_applicable") },
    checks,
    stream: {
      frames: frames.length,
      readings: frames.reduce((n, f) => n + f.readings.length, 0),
      connections: timeline.connections,
      bytesFromDevice: timeline.bytesFromDevice,
      ...(firstAt === undefined ? {} : { firstAt }),
      ...(lastAt === undefined ? {} : { lastAt }),
    },
    steps: timeline.steps.map(stepOf),
    unreadable: timeline.unreadable.map(({ atMs, ...rest }) => {
      const at = iso(atMs);
      return at === undefined ? rest : { ...rest, at };
    }),
    frames: shown.map((i) => reportFrame(frames[i - 1]!)),
  };
}

const MARK: Readonly<Record<CheckResult["verdict"], string>> = {
  pass: "PASS",
  fail: "FAIL",
  not_applicable: "N/A ",
};

/** The report as console lines. */
export function reportLines(report: ConformanceReport): string[] {
  const lines = [
    `Sealwatch conformance — ${report.protocol}, ${report.source}`,
    `${report.stream.frames} frame(s), ${report.stream.readings} reading(s), ${report.stream.connections} connection(s)`,
    "",
  ];
  for (const c of report.checks) {
    lines.push(`${MARK[c.verdict]}  ${c.title}`);
    lines.push(`      ${c.summary}`);
    for (const f of c.findings) lines.push(`      - ${f}`);
    if (c.evidence.length > 0 && c.verdict !== "not_applicable")
      lines.push(`      evidence: ${c.evidence.map((i) => `#${i}`).join(" ")}`);
  }
  if (report.unreadable.length > 0) {
    lines.push("", `Could not read (${report.unreadable.length}):`);
    for (const u of report.unreadable.slice(0, 20))
      lines.push(`  - ${u.length} byte(s), ${u.reason}: ${u.detail}`);
  }
  lines.push(
    "",
    `Verdict: ${report.verdict.toUpperCase()} (${report.counts.pass} passed, ${report.counts.fail} failed, ${report.counts.notApplicable} not applicable)`,
  );
  return lines;
}
