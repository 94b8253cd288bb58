/**
 * The JSON path shared by MQTT and HTTP: one message (a reading, plain or in an envelope, or a
 * passive read) → identity, signature or decryption, replay counter, schema, plausibility → the
 * sink. Admission runs one message at a time per device, in arrival order; the wait for durability
 * does not, so a device's messages still share group commits.
 *
 * Outcomes are values: `stored`/`duplicate` (durable: acknowledge), `rejected` with a reason (final:
 * acknowledge too, so the sender does not retry it, but nothing was stored). A store failure rejects
 * the promise: the caller must not acknowledge, and the sender retries.
 */
import type { DeviceRecord } from "../store/ports.js";
import { plausibilityProblems } from "../protocols/plausibility.js";
import type { GatewayCounters, RejectReason, Transport } from "./counters.js";
import type { DeviceDirectory } from "./device-directory.js";
import { incomingOfJson, incomingOfRead, readTimeProblem } from "./json/convert.js";
import {
  checkEnvelope,
  checkRead,
  checkReading,
  looksLikeEnvelope,
  type JsonIssue,
} from "./json/validate.js";
import { KeyedSerial } from "./keyed-serial.js";
import type { GatewayLogger } from "./logger.js";
import type { OfficeDirectory } from "./offices.js";
import { openEnvelope } from "./security/envelope.js";
import type { DeviceKeyVault } from "./security/key-vault.js";
import type { CounterTicket, ReplayGuard } from "./security/replay-guard.js";
import { isRefusal, submitTo, type IncomingReading, type ReadingSink, type SubmitResult } from "./sink.js";

export type IngestOutcome =
  | { readonly status: "stored" | "duplicate"; readonly seq: number; readonly deviceId: string }
  | {
      readonly status: "rejected";
      readonly reason: RejectReason;
      readonly detail: string;
      readonly issues?: readonly JsonIssue[];
    };

export interface MessageIngestDeps {
  readonly sink: ReadingSink;
  readonly directory: DeviceDirectory;
  readonly offices: OfficeDirectory;
  readonly keys: DeviceKeyVault;
  readonly replay: ReplayGuard;
  readonly counters: GatewayCounters;
  readonly logger: GatewayLogger;
  readonly nowMs: () => number;
}

export interface JsonMessage {
  readonly transport: Extract<Transport, "mqtt" | "http">;
  /** The parsed JSON. */
  readonly value: unknown;
  /** The bytes kept as evidence (the MQTT payload, or the HTTP item re-serialized). */
  readonly raw: Uint8Array;
  /** The device the channel names (the MQTT topic's `{deviceId}`), if any. */
  readonly channelDeviceId?: string;
  /** Who sent it (client id, remote address), for the log line. */
  readonly peer: string;
}

interface Rejected {
  readonly kind: "rejected";
  readonly reason: RejectReason;
  readonly detail: string;
  readonly issues?: readonly JsonIssue[];
}

type Admission =
  | Rejected
  | {
      readonly kind: "submitted";
      readonly deviceId: string;
      readonly durable: Promise<SubmitResult>;
      readonly ticket?: CounterTicket;
    };

function refuse(reason: RejectReason, detail: string, issues?: readonly JsonIssue[]): Rejected {
  return issues === undefined
    ? { kind: "rejected", reason, detail }
    : { kind: "rejected", reason, detail, issues };
}

function ownString(value: unknown, name: string): string | undefined {
  if (typeof value !== "object" || value === null || !Object.prototype.hasOwnProperty.call(value, name))
    return undefined;
  const member = (value as Record<string, unknown>)[name];
  return typeof member === "string" ? member : undefined;
}

export class MessageIngest {
  private readonly serial = new KeyedSerial();
  private pending = 0;

  constructor(private readonly deps: MessageIngestDeps) {}

  /** Messages taken and not yet answered. */
  get inFlight(): number {
    return this.pending;
  }

  /** A reading (plain or in an envelope). */
  ingestReading(message: JsonMessage): Promise<IngestOutcome> {
    return this.track(this.readingOutcome(message));
  }

  /** A passive seal read. */
  ingestRead(message: JsonMessage): Promise<IngestOutcome> {
    return this.track(this.readOutcome(message));
  }

  private track(outcome: Promise<IngestOutcome>): Promise<IngestOutcome> {
    this.pending++;
    const done = (): void => {
      this.pending--;
    };
    outcome.then(done, done);
    return outcome;
  }

  private readingOutcome(message: JsonMessage): Promise<IngestOutcome> {
    const receivedAtMs = this.deps.nowMs();
    const claimed = message.channelDeviceId ?? ownString(message.value, "deviceId");
    if (claimed === undefined) {
      return Promise.resolve(
        this.finish(message, undefined, refuse("invalid", "the message names no deviceId")),
      );
    }
    return this.serial
      .run(claimed, () => this.admitReading(message, claimed, receivedAtMs))
      .then(
        (admission) => this.settle(message, claimed, admission),
        (error: unknown) => this.failed(message, claimed, error),
      );
  }

  /** The registry could not be read (or admission failed otherwise): no acknowledgement, the sender retries. */
  private failed(message: JsonMessage, claimed: string, error: unknown): never {
    this.deps.counters.rejected(message.transport, "store_failed");
    this.deps.logger.error(
      { transport: message.transport, device: claimed, peer: message.peer, err: String(error) },
      "message not admitted; not acknowledged",
    );
    throw error;
  }

  private readOutcome(message: JsonMessage): Promise<IngestOutcome> {
    const receivedAtMs = this.deps.nowMs();
    const checked = checkRead(message.value);
    if (!checked.ok) {
      return Promise.resolve(
        this.finish(message, undefined, refuse("invalid", "not a seal read", checked.issues)),
      );
    }
    const read = checked.value;
    return this.serial
      .run(read.sealId, async (): Promise<Admission> => {
        const resolution = await this.deps.directory.resolve(read.sealId);
        if (resolution.kind === "refused") return refuse(resolution.reason, resolution.detail);
        const office = await this.deps.offices.resolve(read.office);
        if (office === undefined) return refuse("unknown_office", `"${read.office}" is not an office zone`);
        const incoming = incomingOfRead(
          read,
          resolution.device.id,
          office,
          message.transport,
          message.raw,
          receivedAtMs,
        );
        if (typeof incoming === "string") return refuse("invalid", incoming);
        const problem = readTimeProblem(incoming.atMs, receivedAtMs);
        if (problem !== undefined) return refuse("implausible", problem);
        return this.submit(resolution.device.id, incoming);
      })
      .then(
        (admission) => this.settle(message, read.sealId, admission),
        (error: unknown) => this.failed(message, read.sealId, error),
      );
  }

  private async admitReading(
    message: JsonMessage,
    claimed: string,
    receivedAtMs: number,
  ): Promise<Admission> {
    const { directory, keys, replay } = this.deps;
    const value = message.value;
    let payload: unknown = value;
    let envelopeKey: { keyId: string; counter: number; lastCounter: number } | undefined;
    let device: DeviceRecord;
    if (looksLikeEnvelope(value)) {
      const checked = checkEnvelope(value);
      if (!checked.ok) return refuse("invalid", "not a valid envelope", checked.issues);
      const envelope = checked.value;
      if (envelope.deviceId !== claimed)
        return refuse(
          "identity_mismatch",
          `the envelope is from ${envelope.deviceId}, the topic names ${claimed}`,
        );
      const resolution = await directory.resolve(claimed);
      if (resolution.kind === "refused") return refuse(resolution.reason, resolution.detail);
      device = resolution.device;
      const key = (await keys.keysOf(device.id)).find((k) => k.keyId === envelope.keyId);
      if (key === undefined) return refuse("unknown_key", `device ${device.id} has no key ${envelope.keyId}`);
      if (key.retiredAtMs !== undefined && key.retiredAtMs <= receivedAtMs)
        return refuse("retired_key", `key ${envelope.keyId} of device ${device.id} is retired`);
      const opened = openEnvelope(envelope, key);
      if (opened.kind === "refused") return refuse(opened.reason, opened.detail);
      payload = opened.payload;
      envelopeKey = { keyId: key.keyId, counter: envelope.counter, lastCounter: key.lastCounter };
    } else {
      const resolution = await directory.resolve(claimed);
      if (resolution.kind === "refused") return refuse(resolution.reason, resolution.detail);
      device = resolution.device;
      if (device.class === "active" || (await keys.hasLiveKey(device.id, receivedAtMs)))
        return refuse("unsigned", `device ${device.id} must sign or encrypt its messages`);
    }
    const checked = checkReading(payload);
    if (!checked.ok) return refuse("invalid", "not a reading", checked.issues);
    const reading = checked.value;
    if (reading.deviceId !== undefined && reading.deviceId !== claimed)
      return refuse(
        "identity_mismatch",
        `the reading is from ${reading.deviceId}, the message from ${claimed}`,
      );
    const incoming = incomingOfJson(
      reading,
      device.id,
      message.transport,
      message.raw,
      receivedAtMs,
      envelopeKey === undefined ? {} : { keyId: envelopeKey.keyId, counter: envelopeKey.counter },
    );
    if (typeof incoming === "string") return refuse("invalid", incoming);
    const problems = plausibilityProblems(
      {
        deviceId: incoming.deviceId,
        atMs: incoming.atMs,
        raw: incoming.raw,
        ...(incoming.batteryPct === undefined ? {} : { batteryPct: incoming.batteryPct }),
      },
      receivedAtMs,
    );
    if (problems.length > 0) return refuse("implausible", problems.join("; "));
    let ticket: CounterTicket | undefined;
    if (envelopeKey !== undefined) {
      ticket = replay.admit(device.id, envelopeKey.keyId, envelopeKey.counter, envelopeKey.lastCounter);
      if (ticket === undefined)
        return refuse(
          "replayed",
          `counter ${envelopeKey.counter} of key ${envelopeKey.keyId} was already used`,
        );
    }
    return this.submit(device.id, incoming, ticket);
  }

  private submit(deviceId: string, incoming: IncomingReading, ticket?: CounterTicket): Admission {
    const durable = submitTo(this.deps.sink, incoming);
    // Handled in `settle`; this keeps a fast failure from being reported as unhandled meanwhile.
    durable.catch(() => undefined);
    return ticket === undefined
      ? { kind: "submitted", deviceId, durable }
      : { kind: "submitted", deviceId, durable, ticket };
  }

  private async settle(message: JsonMessage, claimed: string, admission: Admission): Promise<IngestOutcome> {
    if (admission.kind === "rejected") return this.finish(message, claimed, admission);
    try {
      const result = await admission.durable;
      admission.ticket?.confirm();
      this.deps.counters.acknowledged(message.transport, 1, result.outcome === "duplicate" ? 1 : 0);
      return { status: result.outcome, seq: result.seq, deviceId: admission.deviceId };
    } catch (error) {
      admission.ticket?.release();
      // A reading the store can never keep is refused like any bad message: answered, not retried.
      if (isRefusal(error))
        return this.finish(message, claimed, {
          kind: "rejected",
          reason: "unstorable",
          detail: error.message,
        });
      this.deps.counters.rejected(message.transport, "store_failed");
      this.deps.logger.error(
        { transport: message.transport, device: claimed, peer: message.peer, err: String(error) },
        "reading not stored; not acknowledged",
      );
      throw error;
    }
  }

  private finish(message: JsonMessage, claimed: string | undefined, admission: Rejected): IngestOutcome {
    this.deps.counters.rejected(message.transport, admission.reason);
    this.deps.logger.warn(
      {
        transport: message.transport,
        ...(claimed === undefined ? {} : { device: claimed }),
        peer: message.peer,
        reason: admission.reason,
        detail: admission.detail,
        ...(admission.issues === undefined ? {} : { issues: admission.issues }),
      },
      "message rejected",
    );
    return admission.issues === undefined
      ? { status: "rejected", reason: admission.reason, detail: admission.detail }
      : { status: "rejected", reason: admission.reason, detail: admission.detail, issues: admission.issues };
  }
}
