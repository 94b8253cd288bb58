/**
 * Turns the kit's events into a timeline the checks read: every frame the device sent (decoded, or
 * with the reason it could not be), every byte run no frame could be made of, the answers matched
 * to the frames that expected them, and the window of each prompted step. Pure: the same events
 * always give the same timeline, whatever bytes they hold.
 */
import type { NormalizedReading } from "../core/domain/reading.js";
import { toHex } from "../protocols/bytes.js";
import type { Rejection } from "../protocols/protocol.js";
import { openDialect, type Dialect, type DialectOptions } from "./dialect.js";
import type { CaptureEvent, KitProtocol, StepId } from "./events.js";

export interface ObservedFrame {
  /** 1-based, in arrival order: "frame #12" in the report. */
  readonly index: number;
  /** Position of the event that completed the frame among all events (orders frames, answers, steps). */
  readonly order: number;
  /** 1-based connection number. */
  readonly connection: number;
  readonly receivedAtMs?: number;
  readonly hex: string;
  readonly text?: string;
  readonly readings: readonly NormalizedReading[];
  readonly rejection?: Rejection;
  readonly identity?: string;
  readonly checksummed: boolean;
  /** The answer the device expects (hex), if any. */
  readonly expectedAnswer?: string;
  /** When that answer was seen going to the device (event order and time). */
  readonly answeredOrder?: number;
  readonly answeredAtMs?: number;
}

export interface UnreadableRun {
  readonly order: number;
  readonly connection: number;
  readonly atMs?: number;
  readonly reason: string;
  readonly detail: string;
  readonly length: number;
  /** The first bytes of the run, hex. */
  readonly hexPreview: string;
}

export interface StepWindow {
  readonly step: StepId;
  readonly beginOrder: number;
  readonly beginAtMs?: number;
  readonly endOrder?: number;
  readonly endAtMs?: number;
}

export interface Timeline {
  readonly protocol: KitProtocol;
  readonly frames: readonly ObservedFrame[];
  readonly unreadable: readonly UnreadableRun[];
  readonly steps: readonly StepWindow[];
  readonly connections: number;
  /** Whether the source carried the answers sent to the device. */
  readonly answersSeen: boolean;
  /** Whether arrival times are known. */
  readonly timed: boolean;
  readonly firstAtMs?: number;
  readonly lastAtMs?: number;
  readonly bytesFromDevice: number;
}

const PREVIEW_BYTES = 48;

type MutableFrame = { -readonly [K in keyof ObservedFrame]: ObservedFrame[K] };
type MutableStep = { -readonly [K in keyof StepWindow]: StepWindow[K] };

class Builder {
  readonly frames: MutableFrame[] = [];
  readonly unreadable: UnreadableRun[] = [];
  readonly steps: MutableStep[] = [];
  connection = 0;
  dialect: Dialect | undefined;
  /** Frames waiting for their answer, and the answers' bytes seen on this connection so far. */
  pending: MutableFrame[] = [];
  answerBytes = "";
  answersSeen = false;
  timed = false;
  firstAtMs: number | undefined;
  lastAtMs: number | undefined;
  bytesFromDevice = 0;

  constructor(
    readonly protocol: KitProtocol,
    readonly options: DialectOptions,
  ) {}

  time(atMs: number | undefined): void {
    if (atMs === undefined || !Number.isFinite(atMs)) return;
    this.timed = true;
    this.firstAtMs ??= atMs;
    this.lastAtMs = atMs;
  }

  open(): Dialect {
    this.close(undefined, this.frames.length);
    this.connection++;
    this.dialect = openDialect(this.protocol, this.options);
    this.pending = [];
    this.answerBytes = "";
    return this.dialect;
  }

  /** Bytes were lost: what the framer holds cannot be completed; it starts afresh. */
  resync(atMs: number | undefined, order: number): void {
    const d = this.dialect;
    if (d === undefined) return;
    this.truncated(d, atMs, order, "when bytes went missing");
    d.resync();
  }

  truncated(d: Dialect, atMs: number | undefined, order: number, when: string): void {
    if (d.buffered === 0) return;
    this.unreadable.push({
      order,
      connection: this.connection,
      ...(atMs === undefined ? {} : { atMs }),
      reason: "truncated",
      detail: `${d.buffered} byte(s) of an incomplete frame ${when}`,
      length: d.buffered,
      hexPreview: "",
    });
  }

  close(atMs: number | undefined, order: number): void {
    if (this.dialect !== undefined) this.truncated(this.dialect, atMs, order, "when the connection ended");
    this.dialect = undefined;
  }

  deviceBytes(bytes: Uint8Array, atMs: number | undefined, order: number): void {
    const d = this.dialect ?? this.open();
    this.bytesFromDevice += bytes.length;
    for (const out of d.push(bytes)) {
      if (out.kind === "rejected") {
        this.unreadable.push({
          order,
          connection: this.connection,
          ...(atMs === undefined ? {} : { atMs }),
          reason: out.rejection.reason,
          detail: out.rejection.detail,
          length: out.bytes.length,
          hexPreview: toHex(out.bytes, 0, Math.min(PREVIEW_BYTES, out.bytes.length)),
        });
        continue;
      }
      this.frame(d, out.frame, atMs, order);
    }
  }

  frame(d: Dialect, bytes: Uint8Array, atMs: number | undefined, order: number): void {
    const outcome = d.decode(bytes, atMs);
    const text = d.text(bytes);
    const frame: MutableFrame = {
      index: this.frames.length + 1,
      order,
      connection: this.connection,
      ...(atMs === undefined ? {} : { receivedAtMs: atMs }),
      hex: toHex(bytes),
      ...(text === undefined ? {} : { text }),
      readings: outcome.kind === "readings" ? outcome.readings : [],
      checksummed: d.hasChecksum(bytes),
    };
    if (outcome.kind === "rejected") frame.rejection = outcome.rejection;
    else {
      if (outcome.identity !== undefined) frame.identity = outcome.identity;
      if (outcome.ack !== undefined) {
        frame.expectedAnswer = toHex(outcome.ack);
        this.pending.push(frame);
      }
    }
    this.frames.push(frame);
  }

  /** Matches answers to the frames that expect them, in order, within the connection. */
  serverBytes(bytes: Uint8Array, atMs: number | undefined, order: number): void {
    this.answersSeen = true;
    this.answerBytes += toHex(bytes);
    while (this.pending.length > 0) {
      const frame = this.pending[0]!;
      const at = hexIndexOf(this.answerBytes, frame.expectedAnswer!);
      if (at < 0) break;
      frame.answeredOrder = order;
      if (atMs !== undefined) frame.answeredAtMs = atMs;
      this.answerBytes = this.answerBytes.slice(at + frame.expectedAnswer!.length);
      this.pending.shift();
    }
    // Keep only what a later answer could still complete.
    const keep = 64;
    if (this.answerBytes.length > keep) this.answerBytes = this.answerBytes.slice(-keep);
  }
}

/** Index of `needle` in `hay` at a byte boundary (hex strings), or -1. */
function hexIndexOf(hay: string, needle: string): number {
  for (let from = 0; ;) {
    const i = hay.indexOf(needle, from);
    if (i < 0 || i % 2 === 0) return i;
    from = i + 1;
  }
}

export function buildTimeline(
  protocol: KitProtocol,
  events: Iterable<CaptureEvent>,
  options: DialectOptions = {},
): Timeline {
  const b = new Builder(protocol, options);
  let order = 0;
  for (const event of events) {
    order++;
    b.time(event.atMs);
    switch (event.kind) {
      case "connection":
        if (event.phase === "open") b.open();
        else b.close(event.atMs, order);
        break;
      case "bytes":
        if (event.direction === "device") b.deviceBytes(event.bytes, event.atMs, order);
        else b.serverBytes(event.bytes, event.atMs, order);
        break;
      case "step":
        if (event.phase === "begin")
          b.steps.push({
            step: event.step,
            beginOrder: order,
            ...(event.atMs === undefined ? {} : { beginAtMs: event.atMs }),
          });
        else {
          const open = [...b.steps].reverse().find((s) => s.step === event.step && s.endOrder === undefined);
          if (open !== undefined) {
            open.endOrder = order;
            if (event.atMs !== undefined) open.endAtMs = event.atMs;
          }
        }
        break;
      case "unreadable":
        if (event.gap === true) b.resync(event.atMs, order);
        b.unreadable.push({
          order,
          connection: b.connection,
          ...(event.atMs === undefined ? {} : { atMs: event.atMs }),
          reason: "capture",
          detail: event.detail,
          length: event.bytes?.length ?? 0,
          hexPreview:
            event.bytes === undefined
              ? ""
              : toHex(event.bytes, 0, Math.min(PREVIEW_BYTES, event.bytes.length)),
        });
        break;
    }
  }
  b.close(b.lastAtMs, order + 1);
  return {
    protocol,
    frames: b.frames,
    unreadable: b.unreadable,
    steps: b.steps,
    connections: b.connection,
    answersSeen: b.answersSeen,
    timed: b.timed,
    ...(b.firstAtMs === undefined ? {} : { firstAtMs: b.firstAtMs }),
    ...(b.lastAtMs === undefined ? {} : { lastAtMs: b.lastAtMs }),
    bytesFromDevice: b.bytesFromDevice,
  };
}
