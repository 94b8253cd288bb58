/**
 * Teltonika trackers over UDP: one datagram carries the IMEI and an AVL data array (codec 8, 8E or
 * 16, no CRC: UDP has its own checksum). There is no login and no connection, so every datagram is
 * taken on its own: decoded, its IMEI looked up in the registry, its readings submitted in the
 * device's order, and answered with Teltonika's 7-byte UDP acknowledgement (`00 05`, packet id, `01`,
 * AVL packet id, record count) only once they are durable. A datagram that is not answered is sent
 * again by the tracker, which is what it must do after a store failure.
 *
 * Hostile datagrams cost little and change nothing: anything over `TELTONIKA_MAX_FRAME_BYTES` is
 * refused before decoding, damaged or unknown ones are refused, counted by reason and logged (at
 * most one line per reason every ten seconds, with a count of the lines left out), and at most
 * `maxInFlight` datagrams wait for durability at once; beyond that, datagrams are dropped unanswered
 * (`overloaded`), and the tracker resends them later.
 *
 * A UDP source address proves nothing (it can be forged): a datagram is attributed to the IMEI it
 * carries, exactly as a TCP login is. Answers go to the address the datagram came from.
 */
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import {
  applyIoMapping,
  decodeTeltonikaUdp,
  DEFAULT_TELTONIKA_IO_TABLE,
  TELTONIKA_MAX_FRAME_BYTES,
  type TeltonikaIoMappingTable,
} from "../../protocols/teltonika/index.js";
import type { GatewayCounters, RejectReason } from "../counters.js";
import type { DeviceDirectory } from "../device-directory.js";
import { KeyedSerial } from "../keyed-serial.js";
import type { GatewayLogger } from "../logger.js";
import type { RejectionLog as ReadingRejections } from "../rejection-log.js";
import type { ReadingSink } from "../sink.js";
import { submitFrameReadings } from "../tcp/frame-readings.js";
import type { AckPlan } from "../tcp/session.js";
import { ioMappingOf } from "../tcp/teltonika-session.js";

export interface TeltonikaUdpOptions {
  readonly host: string;
  readonly port: number;
  readonly sink: ReadingSink;
  readonly directory: DeviceDirectory;
  readonly counters: GatewayCounters;
  readonly logger: GatewayLogger;
  readonly nowMs: () => number;
  readonly ioTable?: TeltonikaIoMappingTable;
  /** Datagrams admitted and not yet answered, at most. */
  readonly maxInFlight: number;
  /** Where refused readings are reported (rate-limited, frames kept for forensics). */
  readonly rejections: ReadingRejections;
}

const TRANSPORT = "teltonika-udp";
/** An empty IO mapping: the device's own is applied once the IMEI is known. */
const NO_MAPPING = Object.freeze({});
const LOG_EVERY_MS = 10_000;

/** Logs a rejection reason at most once per interval, saying how many were left out meanwhile. */
class RejectionLog {
  private readonly last = new Map<RejectReason, { atMs: number; suppressed: number }>();

  constructor(
    private readonly logger: GatewayLogger,
    private readonly nowMs: () => number,
  ) {}

  warn(reason: RejectReason, details: object): void {
    const now = this.nowMs();
    const entry = this.last.get(reason);
    if (entry !== undefined && now - entry.atMs < LOG_EVERY_MS) {
      entry.suppressed++;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.last.set(reason, { atMs: now, suppressed: 0 });
    this.logger.warn(
      { transport: TRANSPORT, reason, ...details, ...(suppressed > 0 ? { suppressed } : {}) },
      "datagram rejected",
    );
  }
}

export class TeltonikaUdpListener {
  private readonly serial = new KeyedSerial();
  private readonly pending = new Set<Promise<void>>();
  private readonly rejections: RejectionLog;
  private closing = false;

  private constructor(
    private readonly socket: Socket,
    readonly port: number,
    private readonly options: TeltonikaUdpOptions,
  ) {
    this.rejections = new RejectionLog(options.logger, options.nowMs);
    socket.on("message", (datagram, remote) => this.onDatagram(datagram, remote));
    socket.on("error", (error) =>
      options.logger.error({ transport: TRANSPORT, err: error.message }, "UDP socket error"),
    );
  }

  static async start(options: TeltonikaUdpOptions): Promise<TeltonikaUdpListener> {
    const socket = createSocket({ type: options.host.includes(":") ? "udp6" : "udp4" });
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(options.port, options.host, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    return new TeltonikaUdpListener(socket, socket.address().port, options);
  }

  /** Datagrams admitted and not yet answered. */
  get inFlight(): number {
    return this.pending.size;
  }

  private reject(reason: RejectReason, peer: string, detail: string, device?: string): void {
    this.options.counters.rejected(TRANSPORT, reason);
    this.rejections.warn(reason, { peer, detail, ...(device === undefined ? {} : { device }) });
  }

  private onDatagram(datagram: Buffer, remote: RemoteInfo): void {
    if (this.closing) return;
    const { counters } = this.options;
    const peer = `${remote.address}:${remote.port}`;
    counters.received(TRANSPORT);
    if (datagram.length > TELTONIKA_MAX_FRAME_BYTES) {
      this.reject("oversized", peer, `${datagram.length} bytes (maximum ${TELTONIKA_MAX_FRAME_BYTES})`);
      return;
    }
    if (this.pending.size >= this.options.maxInFlight) {
      this.reject("overloaded", peer, `${this.pending.size} datagrams wait for the store`);
      return;
    }
    const receivedAtMs = this.options.nowMs();
    // The raw bytes are kept as evidence: copy them out of the socket's buffer.
    const bytes = Uint8Array.from(datagram);
    const outcome = decodeTeltonikaUdp(bytes, { ioMapping: NO_MAPPING });
    if (outcome.kind === "rejected") {
      this.reject(outcome.rejection.reason, peer, outcome.rejection.detail);
      return;
    }
    const imei = outcome.identity!;
    const done = this.serial
      .run(imei, async () => {
        const { directory } = this.options;
        const resolution = directory.cached(imei) ?? (await directory.resolve(imei));
        if (resolution.kind === "refused") {
          this.reject(resolution.reason, peer, resolution.detail, imei);
          return undefined;
        }
        const device = resolution.device;
        const mapping = ioMappingOf(device, this.options.ioTable ?? DEFAULT_TELTONIKA_IO_TABLE);
        const readings = outcome.readings.map((r) => applyIoMapping(r, mapping));
        const context = {
          sink: this.options.sink,
          counters,
          logger: this.options.logger,
          rejections: this.options.rejections,
          transport: TRANSPORT,
          peer,
        } as const;
        return submitFrameReadings(context, readings, device.id, receivedAtMs, outcome.ack, bytes);
      })
      .then(
        (plan) => {
          if (plan !== undefined) this.answer(plan, remote);
        },
        (error: unknown) =>
          this.reject("store_failed", peer, `not stored, not answered: ${String(error)}`, imei),
      );
    this.pending.add(done);
    void done.then(() => this.pending.delete(done));
  }

  private answer(plan: AckPlan, remote: RemoteInfo): void {
    this.options.counters.acknowledged(TRANSPORT, plan.readings, plan.duplicates);
    if (plan.ack === undefined || this.closing) return;
    this.socket.send(plan.ack, remote.port, remote.address, (error) => {
      if (error !== null && error !== undefined)
        this.options.logger.info(
          { transport: TRANSPORT, peer: `${remote.address}:${remote.port}`, err: error.message },
          "UDP answer not sent",
        );
    });
  }

  /** Stops taking datagrams, sends the answers of what is already being stored, closes the socket. */
  async stop(): Promise<void> {
    if (this.closing) return;
    this.socket.removeAllListeners("message");
    await Promise.allSettled([...this.pending]);
    this.closing = true;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
