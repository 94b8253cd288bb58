/**
 * A Teltonika (Codec 8/8E) connection: the device first logs in with its IMEI; a registered device
 * gets 0x01 and may send AVL packets, an unknown or retired one gets 0x00 and the connection is
 * closed. Each AVL packet is answered with its record count once its readings are durable. IO
 * elements are read with the device's mapping: its own (`settings.teltonikaIo`), else its model's,
 * else the default.
 */
import {
  decodeTeltonikaFrame,
  DEFAULT_TELTONIKA_IO_TABLE,
  encodeLoginAnswer,
  ioMappingProblems,
  mappingForModel,
  type TeltonikaIoMapping,
  type TeltonikaIoMappingTable,
} from "../../protocols/teltonika/index.js";
import type { DeviceRecord } from "../../store/ports.js";
import type { DeviceDirectory } from "../device-directory.js";
import { submitFrameReadings, type SubmitContext } from "./frame-readings.js";
import { rejectedFrame, type PendingFrame, type ProtocolSession } from "./session.js";

export interface TeltonikaSessionContext extends SubmitContext {
  readonly directory: DeviceDirectory;
  readonly ioTable?: TeltonikaIoMappingTable;
}

const REFUSED = encodeLoginAnswer(false);
const ACCEPTED = encodeLoginAnswer(true);

/** The IO mapping for a device: its settings' `teltonikaIo` when valid, else its model's. */
export function ioMappingOf(device: DeviceRecord, table: TeltonikaIoMappingTable): TeltonikaIoMapping {
  const settings = device.settings as { teltonikaIo?: TeltonikaIoMapping } | undefined;
  const own = settings?.teltonikaIo;
  if (own !== undefined && typeof own === "object" && ioMappingProblems(own).length === 0) return own;
  return mappingForModel(table, device.model);
}

export class TeltonikaSession implements ProtocolSession {
  private imei: string | undefined;
  private device: DeviceRecord | undefined;
  private mapping: TeltonikaIoMapping | undefined;

  constructor(private readonly context: TeltonikaSessionContext) {}

  get deviceId(): string | undefined {
    return this.device?.id ?? this.imei;
  }

  async admit(frame: Uint8Array, receivedAtMs: number): Promise<PendingFrame> {
    const outcome = decodeTeltonikaFrame(
      frame,
      this.imei === undefined
        ? {}
        : { deviceId: this.imei, ...(this.mapping === undefined ? {} : { ioMapping: this.mapping }) },
    );
    if (outcome.kind === "rejected") return rejectedFrame(outcome.rejection.reason, outcome.rejection.detail);
    if (outcome.identity !== undefined) return this.login(outcome.identity);
    if (this.device === undefined) return rejectedFrame("unknown_device", "data before an IMEI login");
    return {
      kind: "accepted",
      durable: submitFrameReadings(
        this.context,
        outcome.readings,
        this.device.id,
        receivedAtMs,
        outcome.ack,
        frame,
      ),
    };
  }

  private async login(imei: string): Promise<PendingFrame> {
    if (this.imei !== undefined) {
      if (imei === this.imei)
        return { kind: "accepted", durable: Promise.resolve({ ack: ACCEPTED, readings: 0, duplicates: 0 }) };
      return rejectedFrame("identity_mismatch", `a second login as ${imei} on ${this.imei}'s connection`, {
        reply: REFUSED,
        close: "identity_mismatch",
      });
    }
    const resolution = await this.context.directory.resolve(imei);
    if (resolution.kind === "refused")
      return rejectedFrame(resolution.reason, resolution.detail, { reply: REFUSED, close: "refused_login" });
    this.imei = imei;
    this.device = resolution.device;
    this.mapping = ioMappingOf(resolution.device, this.context.ioTable ?? DEFAULT_TELTONIKA_IO_TABLE);
    return { kind: "accepted", durable: Promise.resolve({ ack: ACCEPTED, readings: 0, duplicates: 0 }) };
  }

  closed(): void {}
}
