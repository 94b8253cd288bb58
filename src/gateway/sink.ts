/**
 * Where the gateway hands readings: anything that makes a reading durable and says so. The engine
 * host is the usual sink (`MonitorHost.submitReading` resolves once the reading is stored, then
 * applies it); a scale-out deployment can put a durable stream behind the same interface, so the
 * gateway runs on its own.
 */
import { SealwatchError } from "../core/errors.js";
import type { IncomingReading, MonitorHost, SubmitResult } from "../monitor/host.js";

export type { IncomingReading, SubmitResult } from "../monitor/host.js";

export interface ReadingSink {
  /**
   * Resolves once `reading` is durable (the moment its device may be acknowledged) and rejects when
   * it could not be stored (the device must not be acknowledged, so that it sends it again).
   */
  submitReading(reading: IncomingReading): Promise<SubmitResult>;
}

/** The engine host is a sink as it stands (checked by the compiler, no adapter needed). */
export function hostSink(host: MonitorHost): ReadingSink {
  return host;
}

/** `sink.submitReading(reading)`, with a synchronous throw turned into a rejected promise. */
export function submitTo(sink: ReadingSink, reading: IncomingReading): Promise<SubmitResult> {
  try {
    return sink.submitReading(reading);
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * Whether a sink's rejection refuses the reading itself (READING_REFUSED: it can never be stored as
 * it stands, so the device is acknowledged and moves on) rather than reporting a store failure.
 */
export function isRefusal(error: unknown): error is SealwatchError {
  return error instanceof SealwatchError && error.code === "READING_REFUSED";
}
