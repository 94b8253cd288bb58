/**
 * What TCP (and UDP) sessions share once a frame is decoded: drop implausible readings, submit the
 * rest to the sink in order, and build the promise of the frame's acknowledgement.
 *
 * Total after the decoder: nothing from here to the sink may throw or wedge the device. A reading
 * is refused (counted, reported with its frame for forensics, and left out of the frame's stored
 * readings, which are then acknowledged as usual so that the device moves on) when it is
 * implausible (a device clock at 1980 before its first fix, a time past the range of dates, a
 * damaged coordinate), when building it fails in any way, or when the store says it cannot keep it
 * (READING_REFUSED). Only a store that could not take the readings (down, full) leaves the frame
 * unacknowledged: then the device must send it again.
 */
import type { NormalizedReading } from "../../core/domain/reading.js";
import { plausibilityProblems } from "../../protocols/plausibility.js";
import type { GatewayCounters, RejectReason, Transport } from "../counters.js";
import { incomingOf } from "../incoming.js";
import type { GatewayLogger } from "../logger.js";
import type { RejectionLog } from "../rejection-log.js";
import { isRefusal, submitTo, type ReadingSink, type SubmitResult } from "../sink.js";
import type { AckPlan } from "./session.js";

export interface SubmitContext {
  readonly sink: ReadingSink;
  readonly counters: GatewayCounters;
  readonly logger: GatewayLogger;
  readonly rejections: RejectionLog;
  readonly transport: Transport;
  readonly peer: string;
}

/** What to submit for one decoded reading, or why it is refused. Never throws. */
function admitReading(
  context: SubmitContext,
  reading: NormalizedReading,
  deviceId: string,
  receivedAtMs: number,
): Promise<SubmitResult> | { reason: RejectReason; detail: string; problems?: string[] } {
  try {
    const problems = plausibilityProblems(reading, receivedAtMs);
    if (problems.length > 0) return { reason: "implausible", detail: problems.join("; "), problems };
    return submitTo(context.sink, incomingOf(reading, deviceId, context.transport, receivedAtMs));
  } catch (error) {
    return { reason: "unstorable", detail: `the reading could not be taken: ${String(error)}` };
  }
}

function refuse(
  context: SubmitContext,
  deviceId: string,
  frame: Uint8Array | undefined,
  refusal: { reason: RejectReason; detail: string; problems?: string[] },
): void {
  context.counters.rejected(context.transport, refusal.reason);
  context.rejections.report({
    transport: context.transport,
    peer: context.peer,
    device: deviceId,
    reason: refusal.reason,
    detail: refusal.detail,
    message: refusal.reason === "implausible" ? "implausible reading dropped" : "reading refused",
    ...(refusal.problems === undefined ? {} : { extra: { problems: refusal.problems } }),
    ...(frame === undefined ? {} : { frame }),
  });
}

/**
 * Submits a frame's readings as registry device `deviceId`; resolves with the answer once every
 * reading kept is durable, rejects only when the store could not take them.
 */
export function submitFrameReadings(
  context: SubmitContext,
  readings: readonly NormalizedReading[],
  deviceId: string,
  receivedAtMs: number,
  ack: Uint8Array | undefined,
  frame?: Uint8Array,
): Promise<AckPlan> {
  const submitted: Promise<SubmitResult | undefined>[] = [];
  for (const reading of readings) {
    const admitted = admitReading(context, reading, deviceId, receivedAtMs);
    if (!(admitted instanceof Promise)) {
      refuse(context, deviceId, frame, admitted);
      continue;
    }
    submitted.push(
      admitted.catch((error: unknown) => {
        if (!isRefusal(error)) throw error;
        refuse(context, deviceId, frame, { reason: "unstorable", detail: error.message });
        return undefined;
      }),
    );
  }
  const plan = (readings: number, duplicates: number): AckPlan =>
    ack === undefined ? { readings, duplicates } : { ack, readings, duplicates };
  if (submitted.length === 0) return Promise.resolve(plan(0, 0));
  return Promise.all(submitted).then((results) => {
    let stored = 0;
    let duplicates = 0;
    for (const result of results) {
      if (result === undefined) continue;
      stored++;
      if (result.outcome === "duplicate") duplicates++;
    }
    return plan(stored, duplicates);
  });
}
