/**
 * A framer over a TCP byte stream, shared by the protocols: the protocol supplies which bytes may
 * start a frame and, given the buffered bytes at such a byte, whether a whole frame is there, more
 * bytes are needed, or the start is false. Bytes that start no frame are rejected in runs (up to the
 * next byte that may start one), so the framer resynchronises after garbage, an oversized frame or a
 * damaged header. Frames come out verbatim, whatever the chunking.
 */
import { ByteQueue } from "./bytes.js";
import type { Framer, FramerOutput, RejectionReason } from "./protocol.js";

export type FrameStep =
  | { readonly kind: "frame"; readonly size: number }
  | { readonly kind: "wait" }
  /** A false start: reject `size` bytes, or up to the next possible start when `size` is absent. */
  | {
      readonly kind: "skip";
      readonly reason: RejectionReason;
      readonly detail: string;
      readonly size?: number;
    };

export interface FramingRules {
  /** Whether `byte` may begin a frame. */
  isStart(byte: number): boolean;
  /** Looks at the buffered bytes, which begin with a start byte. */
  step(queue: ByteQueue, maxFrameBytes: number): FrameStep;
}

export class StreamFramer implements Framer {
  private readonly queue = new ByteQueue();

  constructor(
    private readonly rules: FramingRules,
    readonly maxFrameBytes: number,
  ) {}

  get buffered(): number {
    return this.queue.length;
  }

  push(chunk: Uint8Array): FramerOutput[] {
    const q = this.queue;
    q.append(chunk);
    const out: FramerOutput[] = [];
    while (q.length > 0) {
      if (!this.rules.isStart(q.at(0)!)) {
        const size = this.nextStart();
        out.push({
          kind: "rejected",
          rejection: { reason: "malformed", detail: `${size} byte(s) outside any frame` },
          bytes: q.take(size),
        });
        continue;
      }
      const step = this.rules.step(q, this.maxFrameBytes);
      if (step.kind === "wait") break;
      if (step.kind === "frame") {
        out.push({ kind: "frame", frame: q.take(step.size) });
        continue;
      }
      const size = Math.max(1, Math.min(step.size ?? this.nextStart(), q.length));
      out.push({
        kind: "rejected",
        rejection: { reason: step.reason, detail: step.detail },
        bytes: q.take(size),
      });
    }
    return out;
  }

  /** Offset of the first byte after the first that may start a frame (the whole buffer if none). */
  private nextStart(): number {
    const q = this.queue;
    const view = q.view(0, q.length);
    for (let i = 1; i < view.length; i++) if (this.rules.isStart(view[i]!)) return i;
    return view.length;
  }
}
