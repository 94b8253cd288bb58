/** A device as the engine holds it: its definition, its timeline and its trips, oldest first. */
import { defaultReportIntervalS, type Device } from "../domain/model.js";
import type { DeviceTimeline } from "./event-sequence.js";
import type { Track } from "./track.js";

export class DeviceRuntime {
  reportIntervalS: number | undefined;
  /** One track per trip the device has been armed on, in arming order. */
  readonly tracks: Track[] = [];
  /** Event time from which the history is complete in memory; earlier events were trimmed. */
  residentFromMs = -Infinity;

  constructor(
    public spec: Device,
    readonly timeline: DeviceTimeline,
  ) {
    this.reportIntervalS = spec.reportIntervalS ?? defaultReportIntervalS(spec.class);
  }

  redefine(spec: Device): void {
    this.spec = spec;
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

  /** Adds a track in arming order (a restored older trip may come after newer ones). */
  addTrack(track: Track): void {
    let i = this.tracks.length;
    while (i > 0 && this.tracks[i - 1]!.armAtMs > track.armAtMs) i--;
    this.tracks.splice(i, 0, track);
  }

  removeTrack(track: Track): void {
    const i = this.tracks.indexOf(track);
    if (i >= 0) this.tracks.splice(i, 1);
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
