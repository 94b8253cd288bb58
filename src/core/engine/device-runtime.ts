/** A device as the engine holds it: its definition, its timeline and its trips, oldest first. */
import { defaultReportIntervalS, type Device } from "../domain/model.js";
import type { DeviceTimeline } from "./event-sequence.js";
import type { Track } from "./track.js";

export class DeviceRuntime {
  readonly reportIntervalS: number | undefined;
  /** One track per trip the device has been armed on, in arming order. */
  readonly tracks: Track[] = [];

  constructor(
    readonly spec: Device,
    readonly timeline: DeviceTimeline,
  ) {
    this.reportIntervalS = spec.reportIntervalS ?? defaultReportIntervalS(spec.class);
  }

  get id(): string {
    return this.spec.id;
  }

  /** The track of the trip the device is on now (armed, in transit or arrived), if any. */
  get activeTrack(): Track | undefined {
    const last = this.tracks[this.tracks.length - 1];
    return last !== undefined && last.closeAtMs === null ? last : undefined;
  }

  /** The track whose window holds `timeMs`; windows of one device never overlap. */
  trackAt(timeMs: number): Track | undefined {
    for (let i = this.tracks.length - 1; i >= 0; i--) {
      const track = this.tracks[i]!;
      if (track.armAtMs <= timeMs) return track.covers(timeMs) ? track : undefined;
    }
    return undefined;
  }
}
