/** The kit in one call: events → timeline → checks → report. */
import type { TeltonikaIoMapping } from "../protocols/teltonika/index.js";
import { DEFAULT_SETTINGS, type KitSettings } from "./checks/index.js";
import type { CaptureEvent, KitProtocol } from "./events.js";
import { buildReport, type ConformanceReport } from "./report.js";
import { buildTimeline } from "./timeline.js";

export interface KitOptions extends Partial<KitSettings> {
  readonly protocol: KitProtocol;
  readonly teltonikaIo?: TeltonikaIoMapping;
  /** Where the events came from, for the report's header. */
  readonly source: string;
  readonly generatedAtMs: number;
}

export function settingsOf(options: Partial<KitSettings>): KitSettings {
  return {
    ...(options.expectedId === undefined ? {} : { expectedId: options.expectedId }),
    ...(options.heartbeatS === undefined ? {} : { heartbeatS: options.heartbeatS }),
    tamperWithinS: options.tamperWithinS ?? DEFAULT_SETTINGS.tamperWithinS,
    clockToleranceS: options.clockToleranceS ?? DEFAULT_SETTINGS.clockToleranceS,
  };
}

export function conformanceReport(events: Iterable<CaptureEvent>, options: KitOptions): ConformanceReport {
  const settings = settingsOf(options);
  const timeline = buildTimeline(options.protocol, events, {
    ...(settings.expectedId === undefined ? {} : { expectedId: settings.expectedId }),
    ...(options.teltonikaIo === undefined ? {} : { teltonikaIo: options.teltonikaIo }),
  });
  return buildReport(timeline, settings, options.source, options.generatedAtMs);
}
