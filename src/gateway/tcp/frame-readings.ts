/**
 * What TCP sessions share once a frame is decoded: drop implausible readings (counted and logged:
 * a device clock at 1980 before its first fix, a damaged coordinate), submit the rest to the sink
 * in order, and build the promise of the frame's acknowledgement.
 */
import type { NormalizedReading } from "../../core/domain/reading.js";
import { plausibilityProblems } from "../../protocols/plausibility.js";
import type { GatewayCounters, Transport } from "../counters.js";
import { incomingOf } from "../incoming.js";
import type { GatewayLogger } from "../logger.js";
import { submitTo, type ReadingSink, type SubmitResult } from "../sink.js";
import type { AckPlan } from "./session.js";

export interface SubmitContext {
  readonly sink: ReadingSink;
  readonly counters: GatewayCounters;
  readonly logger: GatewayLogger;
  readonly transport: Transport;
  readonly peer: string;
}

/** Submits a frame's readings as registry device `deviceId`; resolves with the answer once all are durable. */
export function submitFrameReadings(
  context: SubmitContext,
  readings: readonly NormalizedReading[],
  deviceId: string,
  receivedAtMs: number,
  ack: Uint8Array | undefined,
): Promise<AckPlan> {
  const submitted: Promise<SubmitResult>[] = [];
  for (const reading of readings) {
    const problems = plausibilityProblems(reading, receivedAtMs);
    if (problems.length > 0) {
      context.counters.rejected(context.transport, "implausible");
      context.logger.warn(
        { transport: context.transport, peer: context.peer, device: deviceId, problems },
        "implausible reading dropped",
      );
      continue;
    }
    submitted.push(submitTo(context.sink, incomingOf(reading, deviceId, context.transport, receivedAtMs)));
  }
  if (submitted.length === 0)
    return Promise.resolve(
      ack === undefined ? { readings: 0, duplicates: 0 } : { ack, readings: 0, duplicates: 0 },
    );
  return Promise.all(submitted).then((results) => {
    const duplicates = results.filter((r) => r.outcome === "duplicate").length;
    return ack === undefined
      ? { readings: results.length, duplicates }
      : { ack, readings: results.length, duplicates };
  });
}
