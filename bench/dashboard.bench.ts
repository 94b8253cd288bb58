/**
 * The dashboard under load (issue 6): the control room in headless Chromium while N conveyances
 * (5,000 by default) each report once a second over the live stream. Frame times are
 * requestAnimationFrame deltas over a window: median, 95th percentile, worst, and long tasks (main
 * thread blocked over 50 ms). The baseline is the same page in the same run with the stream idle.
 * Chromium runs with --disable-gpu, so the map is drawn by the software rasterizer: absolute
 * figures are a floor for a real control-room workstation.
 */
import { chromiumMissing, launchChromium } from "./support/chromium.js";
import { SyntheticDashboardServer } from "./support/dashboard-synthetic.js";
import type { BenchResult } from "./result.js";

export interface DashboardBenchOptions {
  /** Live conveyances (default 5,000). */
  readonly conveyances?: number;
  /** Seconds measured under load (and again idle, for the baseline). */
  readonly seconds?: number;
  readonly seed?: number;
  /** Where to save a screenshot of the page under load, if anywhere. */
  readonly screenshotPath?: string;
}

export interface FrameWindow {
  readonly frames: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly fps: number;
  readonly longTasks: number;
  readonly longTaskMs: number;
  readonly readingsPerS: number;
  readonly mapUpdatesPerS: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** What the measuring function finds in the page (the bench compiles without DOM types). */
interface PageGlobals {
  readonly __sealwatchStore?: {
    readonly readingsApplied: number;
    readonly conveyances: Map<string, unknown>;
  };
  readonly __sealwatchFleetLayer?: { readonly updatesSent: number };
  readonly __sealwatchMap?: { queryRenderedFeatures(options: { layers: string[] }): unknown[] };
  requestAnimationFrame(callback: (time: number) => void): number;
  readonly PerformanceObserver: new (callback: (list: { getEntries(): { duration: number }[] }) => void) => {
    observe(options: object): void;
    disconnect(): void;
  };
}

/** Runs in the page: rAF deltas and long tasks over `seconds`. */
const MEASURE = async (seconds: number) => {
  const w = globalThis as unknown as PageGlobals;
  const longTasks: number[] = [];
  let observer: { disconnect(): void } | undefined;
  try {
    const o = new w.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push(entry.duration);
    });
    o.observe({ type: "longtask", buffered: false });
    observer = o;
  } catch {
    observer = undefined;
  }
  const readings0 = w.__sealwatchStore?.readingsApplied ?? 0;
  const updates0 = w.__sealwatchFleetLayer?.updatesSent ?? 0;
  const deltas: number[] = [];
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let last = start;
    const frame = (t: number) => {
      deltas.push(t - last);
      last = t;
      if (t - start < seconds * 1000) w.requestAnimationFrame(frame);
      else resolve();
    };
    w.requestAnimationFrame(frame);
  });
  observer?.disconnect();
  const elapsedS = (performance.now() - start) / 1000;
  return {
    deltas: deltas.slice(1),
    longTasks,
    elapsedS,
    readings: (w.__sealwatchStore?.readingsApplied ?? 0) - readings0,
    updates: (w.__sealwatchFleetLayer?.updatesSent ?? 0) - updates0,
  };
};

function summarize(raw: Awaited<ReturnType<typeof MEASURE>>): FrameWindow {
  const sorted = [...raw.deltas].sort((a, b) => a - b);
  return {
    frames: sorted.length,
    medianMs: quantile(sorted, 0.5),
    p95Ms: quantile(sorted, 0.95),
    maxMs: sorted[sorted.length - 1] ?? NaN,
    fps: sorted.length / raw.elapsedS,
    longTasks: raw.longTasks.length,
    longTaskMs: raw.longTasks.reduce((a, b) => a + b, 0),
    readingsPerS: raw.readings / raw.elapsedS,
    mapUpdatesPerS: raw.updates / raw.elapsedS,
  };
}

export interface DashboardBenchResult extends BenchResult {
  readonly idle?: FrameWindow;
  readonly load?: FrameWindow;
  /** Conveyances the page held and rendered features on the map when measured. */
  readonly pageConveyances?: number;
  readonly renderedFeatures?: number;
  readonly skipped?: string;
}

export async function runDashboardBench(options: DashboardBenchOptions = {}): Promise<DashboardBenchResult> {
  const conveyances = options.conveyances ?? 5000;
  const seconds = options.seconds ?? 10;
  const skipped = chromiumMissing();
  if (skipped !== undefined)
    return { name: "dashboard", lines: [`skipped: ${skipped}`], figures: {}, skipped };
  const server = new SyntheticDashboardServer({ conveyances, seed: options.seed ?? 6 });
  await server.start();
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel("Username").fill("bench");
    await page.getByLabel("Password").fill("bench");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForFunction(
      (n) => {
        const w = globalThis as unknown as PageGlobals;
        return w.__sealwatchStore?.conveyances.size === n && w.__sealwatchFleetLayer !== undefined;
      },
      conveyances,
      { timeout: 60_000 },
    );
    // Let the map load its basemap and cluster the fleet before measuring.
    await page.waitForTimeout(3000);
    const idle = summarize(await page.evaluate(MEASURE, seconds));
    server.streaming = true;
    await page.waitForTimeout(2000);
    const load = summarize(await page.evaluate(MEASURE, seconds));
    const probe = await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      return {
        conveyances: w.__sealwatchStore?.conveyances.size ?? 0,
        rendered:
          w.__sealwatchMap?.queryRenderedFeatures({ layers: ["fleet-clusters", "fleet-points"] }).length ?? 0,
      };
    });
    if (options.screenshotPath !== undefined) await page.screenshot({ path: options.screenshotPath });
    server.streaming = false;
    const f = (v: number) => v.toFixed(1);
    const lines = [
      `${conveyances} live conveyances, each reporting once a second over the live stream (${f(load.readingsPerS)} readings/s applied in the page, ${f(load.mapUpdatesPerS)} map updates/s)`,
      `idle stream (baseline, ${seconds} s): frame median ${f(idle.medianMs)} ms, p95 ${f(idle.p95Ms)} ms, max ${f(idle.maxMs)} ms, ${f(idle.fps)} fps, ${idle.longTasks} long tasks`,
      `under load (${seconds} s): frame median ${f(load.medianMs)} ms, p95 ${f(load.p95Ms)} ms, max ${f(load.maxMs)} ms, ${f(load.fps)} fps, ${load.longTasks} long tasks (${f(load.longTaskMs)} ms in all)`,
      `load/idle: median ${(load.medianMs / idle.medianMs).toFixed(2)}x, p95 ${(load.p95Ms / idle.p95Ms).toFixed(2)}x (headless Chromium, software WebGL)`,
    ];
    return {
      name: "dashboard",
      lines,
      figures: {
        conveyances,
        seconds,
        frameMedianMs: load.medianMs,
        frameP95Ms: load.p95Ms,
        frameMaxMs: load.maxMs,
        fps: load.fps,
        longTasks: load.longTasks,
        longTaskMs: load.longTaskMs,
        readingsPerS: load.readingsPerS,
        mapUpdatesPerS: load.mapUpdatesPerS,
        idleFrameMedianMs: idle.medianMs,
        idleFrameP95Ms: idle.p95Ms,
        idleFrameMaxMs: idle.maxMs,
        loadOverIdleP95: load.p95Ms / idle.p95Ms,
      },
      idle,
      load,
      pageConveyances: probe.conveyances,
      renderedFeatures: probe.rendered,
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}
