/**
 * Checks of time: device clocks right and in UTC, the backlog after an outage replayed oldest first,
 * and the heartbeat at the configured interval.
 */
import { EARLIEST_PLAUSIBLE_MS } from "../../protocols/plausibility.js";
import type { ObservedFrame } from "../timeline.js";
import {
  clockOffsetMs,
  duration,
  iso,
  readingsOf,
  result,
  stepsOf,
  type Check,
  type ReadingAt,
} from "./check.js";

const HOUR_MS = 3_600_000;

/** "off by 3 h 00 min: a whole number of hours, as a clock set to local time would be". */
function offsetNote(offsetMs: number): string {
  const hours = Math.round(offsetMs / HOUR_MS);
  const wholeHours = hours !== 0 && Math.abs(offsetMs - hours * HOUR_MS) <= 2 * 60_000;
  return wholeHours ? " — a whole number of hours: the device may be sending local time, not UTC" : "";
}

/** The newest device time of a frame's readings. */
function newest(f: ObservedFrame): number {
  return Math.max(...f.readings.map((r) => r.atMs));
}

export const timestampCheck: Check = (t, s) => {
  const title = "Timestamps: sane, and in UTC";
  const all = readingsOf(t);
  if (all.length === 0) return result("timestamps", title, "not_applicable", "no reading carried a time");
  const findings: string[] = [];
  const evidence: number[] = [];
  for (const { frame, reading } of all) {
    if (!(reading.atMs > EARLIEST_PLAUSIBLE_MS)) {
      findings.push(`frame #${frame.index}: time ${iso(reading.atMs)} is before 1999`);
      evidence.push(frame.index);
    }
  }
  const tolMs = s.clockToleranceS * 1000;
  const timed = t.frames.filter((f) => f.readings.length > 0 && f.receivedAtMs !== undefined);
  if (timed.length === 0) {
    if (findings.length > 0)
      return result("timestamps", title, "fail", "implausible device times", findings, evidence);
    return result(
      "timestamps",
      title,
      "pass",
      `${all.length} plausible time(s); the capture has no arrival times, so the clock offset is not checked`,
    );
  }
  let ahead = 0;
  for (const f of timed) {
    const aheadMs = newest(f) - f.receivedAtMs!;
    if (aheadMs > tolMs) {
      ahead++;
      if (ahead <= 10)
        findings.push(
          `frame #${f.index}: device time ${iso(newest(f))} is ${duration(aheadMs)} ahead of its arrival ${iso(f.receivedAtMs!)}${offsetNote(aheadMs)}`,
        );
      evidence.push(f.index);
    }
  }
  // The freshest frame shows the clock's offset: backlog and delay only make a frame look older.
  const lags = timed.map((f) => ({ f, lagMs: f.receivedAtMs! - newest(f) }));
  const freshest = lags.reduce((a, b) => (b.lagMs < a.lagMs ? b : a));
  if (freshest.lagMs > tolMs) {
    findings.push(
      `even the freshest frame (#${freshest.f.index}) is ${duration(freshest.lagMs)} behind its arrival${offsetNote(freshest.lagMs)}`,
    );
    evidence.push(freshest.f.index);
  }
  if (findings.length > 0)
    return result(
      "timestamps",
      title,
      "fail",
      ahead > 0 ? `${ahead} frame(s) dated in the future` : "the device clock is behind",
      findings,
      evidence,
    );
  return result(
    "timestamps",
    title,
    "pass",
    `device times within ${s.clockToleranceS} s of arrival (best ${duration(Math.max(0, freshest.lagMs))}); none in the future`,
    [],
    [freshest.f.index],
  );
};

/**
 * Frames (in arrival order) holding a reading older than the newest reading of a frame that came
 * before them. The records inside one frame are taken as a set: some devices list a packet's
 * records newest first (the corpus has such Teltonika packets), which loses nothing.
 */
function outOfOrder(readings: readonly ReadingAt[]): { before: ReadingAt; after: ReadingAt }[] {
  const out: { before: ReadingAt; after: ReadingAt }[] = [];
  let latest: ReadingAt | undefined;
  let frameLatest: ReadingAt | undefined;
  let frame = -1;
  for (const r of readings) {
    if (r.frame.index !== frame) {
      if (
        frameLatest !== undefined &&
        (latest === undefined || frameLatest.reading.atMs > latest.reading.atMs)
      )
        latest = frameLatest;
      frame = r.frame.index;
      frameLatest = undefined;
    }
    if (latest !== undefined && r.reading.atMs < latest.reading.atMs && out.at(-1)?.after.frame !== r.frame)
      out.push({ before: latest, after: r });
    if (frameLatest === undefined || r.reading.atMs > frameLatest.reading.atMs) frameLatest = r;
  }
  return out;
}

export const backlogCheck: Check = (t, s) => {
  const title = "Store and forward: the backlog after an outage is replayed, oldest first";
  const outages = stepsOf(t, "outage");
  const all = readingsOf(t);
  const tolMs = s.clockToleranceS * 1000;
  let backlog: ReadingAt[];
  const findings: string[] = [];
  if (outages.length > 0) {
    const offsetMs = clockOffsetMs(t);
    backlog = [];
    for (const o of outages) {
      const from = o.beginAtMs;
      const to = o.endAtMs;
      const replayed = all.filter(
        (r) =>
          r.frame.order > o.beginOrder &&
          from !== undefined &&
          r.reading.atMs + offsetMs >= from - tolMs &&
          (to === undefined || r.reading.atMs + offsetMs <= to),
      );
      if (replayed.length === 0)
        findings.push(
          `nothing the device recorded during the outage (${from === undefined ? "?" : iso(from)} – ${to === undefined ? "end" : iso(to)}) reached the kit`,
        );
      backlog.push(...replayed);
    }
  } else {
    // Without a prompted outage: readings that arrived late are a backlog.
    backlog = all.filter(
      (r) => r.frame.receivedAtMs !== undefined && r.frame.receivedAtMs - r.reading.atMs > tolMs,
    );
    if (backlog.length === 0)
      return result(
        "backlog",
        title,
        "not_applicable",
        "no outage was prompted and no reading arrived late (run the outage step, or --outage-s)",
      );
  }
  const wrong = outOfOrder(backlog);
  for (const w of wrong.slice(0, 10))
    findings.push(
      `frame #${w.after.frame.index} (${iso(w.after.reading.atMs)}) came after frame #${w.before.frame.index} (${iso(w.before.reading.atMs)})`,
    );
  const evidence = wrong.flatMap((w) => [w.before.frame.index, w.after.frame.index]);
  if (findings.length > 0)
    return result(
      "backlog",
      title,
      "fail",
      wrong.length > 0
        ? `${wrong.length} backlog reading(s) replayed out of order`
        : "the outage's readings were not replayed",
      findings,
      evidence,
    );
  const frames = [...new Set(backlog.map((r) => r.frame.index))];
  return result(
    "backlog",
    title,
    "pass",
    `${backlog.length} reading(s) ${outages.length > 0 ? "recorded during the outage" : "that arrived late"} replayed in ${frames.length} frame(s), oldest first`,
    [],
    frames,
  );
};

export const heartbeatCheck: Check = (t, s) => {
  const title = "Heartbeat: reports at the configured interval";
  const times = [...new Set(readingsOf(t).map((r) => r.reading.atMs))].sort((a, b) => a - b);
  const gaps = times.slice(1).map((at, i) => ({ from: times[i]!, gapMs: at - times[i]! }));
  const observed =
    gaps.length === 0 ? undefined : [...gaps].sort((a, b) => a.gapMs - b.gapMs)[gaps.length >> 1]!.gapMs;
  if (s.heartbeatS === undefined)
    return result(
      "heartbeat",
      title,
      "not_applicable",
      `no --heartbeat-s given${observed === undefined ? "" : `; the device reported every ${duration(observed)} (median)`}`,
    );
  if (gaps.length < 3)
    return result(
      "heartbeat",
      title,
      "not_applicable",
      `${times.length} distinct reading time(s): at least 4 are needed (observe for longer than 3 heartbeats)`,
    );
  const hbMs = s.heartbeatS * 1000;
  const findings: string[] = [];
  const evidence: number[] = [];
  const byTime = new Map(readingsOf(t).map((r) => [r.reading.atMs, r.frame.index]));
  const longest = gaps.reduce((a, b) => (b.gapMs > a.gapMs ? b : a));
  if (longest.gapMs > hbMs * 1.5 + s.clockToleranceS * 1000) {
    findings.push(
      `no report for ${duration(longest.gapMs)} after ${iso(longest.from)} (configured every ${duration(hbMs)})`,
    );
    evidence.push(byTime.get(longest.from)!, byTime.get(longest.from + longest.gapMs)!);
  }
  if (observed! < hbMs * 0.75)
    findings.push(
      `reports every ${duration(observed!)} (median), far more often than every ${duration(hbMs)}`,
    );
  if (findings.length > 0) return result("heartbeat", title, "fail", findings[0]!, findings, evidence);
  return result(
    "heartbeat",
    title,
    "pass",
    `reports every ${duration(observed!)} (median of ${gaps.length} intervals), longest gap ${duration(longest.gapMs)}; configured ${duration(hbMs)}`,
  );
};
