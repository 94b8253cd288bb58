/**
 * Commands to devices, starting with the JT701 remote unlock (issue 4 §4). An unlock is an officer's
 * action and is accepted only when the device's trip has arrived and the device's latest fix, taken
 * after the arrival, lies inside the trip's destination office. Every request, accepted or refused,
 * is recorded in the audit chain. An accepted command is queued in the store and sent at once when
 * the lock is connected, else when it next connects; the lock's answer is recorded on the command
 * and in the audit chain.
 */
import { randomUUID } from "node:crypto";
import { encodeJointechCommand, type JointechCommand } from "../../protocols/jointech/index.js";
import { fromAscii } from "../../protocols/bytes.js";
import type { DeviceCommandRecord, Role, Store, TripRecord } from "../../store/ports.js";
import type { GatewayCounters } from "../counters.js";
import { KeyedSerial } from "../keyed-serial.js";
import type { GatewayLogger } from "../logger.js";
import type { OfficeDirectory } from "../offices.js";

/** A live connection a command can be written to. */
export interface CommandChannel {
  /** Writes the bytes; false when the connection is closing. */
  send(bytes: Uint8Array): boolean;
  readonly peer: string;
}

/** Who asks: the API passes the authenticated user. */
export interface CommandActor {
  readonly id: string;
  readonly role: Role;
  /** Office zone ids an officer acts at; when given, the trip's destination must be one of them. */
  readonly offices?: readonly string[];
}

export interface UnlockRequest {
  /** Registry id of the e-lock. */
  readonly deviceId: string;
  readonly actor: CommandActor;
  /** The trip the unlock ends; by default the device's live trip. */
  readonly tripId?: string;
  /** The lock's static unlock password (default: the device's `settings.unlockPassword`, else 888888). */
  readonly password?: string;
  /** Why, for the audit record. */
  readonly reason?: string;
}

export type UnlockRefusal =
  | "not_an_officer"
  | "unknown_device"
  | "not_an_elock"
  | "device_retired"
  | "no_trip"
  | "trip_not_arrived"
  | "not_officers_office"
  | "no_fix"
  | "fix_before_arrival"
  | "fix_outside_destination"
  | "invalid_password";

export type UnlockResult =
  | { readonly kind: "refused"; readonly reason: UnlockRefusal; readonly message: string }
  /** Stored; `command.status` says whether it already went out ("sent") or waits for the lock ("queued"). */
  | { readonly kind: "accepted"; readonly command: DeviceCommandRecord };

export interface DeviceCommandsDeps {
  readonly store: Store;
  readonly offices: OfficeDirectory;
  readonly counters: GatewayCounters;
  readonly logger: GatewayLogger;
  readonly nowMs: () => number;
}

interface StoredCommandPayload {
  readonly jointech: JointechCommand;
}

const DEFAULT_STATIC_PASSWORD = "888888";
const LIVE_STATES = ["armed", "in_transit", "arrived"] as const;
/** The command word a Jointech answer carries for each command type. */
const ANSWER_WORD: Readonly<Record<JointechCommand["type"], string>> = {
  unlockStaticPassword: "P43",
  unlockDynamicPassword: "P52",
  engineStop: "S07",
  engineResume: "S07",
  setTimezone: "S09",
  reboot: "S17",
};

export class DeviceCommands {
  private readonly channels = new Map<string, CommandChannel>();
  /** Commands sent and not yet answered, per device, oldest first. */
  private readonly awaiting = new Map<string, DeviceCommandRecord[]>();
  private readonly serial = new KeyedSerial();

  constructor(private readonly deps: DeviceCommandsDeps) {}

  /** The device's connection is up (its identity proved): queued commands go out now. */
  attach(deviceId: string, channel: CommandChannel): void {
    this.channels.set(deviceId, channel);
    void this.deliver(deviceId);
  }

  detach(deviceId: string, channel: CommandChannel): void {
    if (this.channels.get(deviceId) === channel) this.channels.delete(deviceId);
  }

  isOnline(deviceId: string): boolean {
    return this.channels.has(deviceId);
  }

  /** Checks, records and queues (or sends) a remote unlock. Never throws for a refusal; store failures do throw. */
  async requestUnlock(request: UnlockRequest): Promise<UnlockResult> {
    const { store } = this.deps;
    const atMs = this.deps.nowMs();
    const decided = await this.checkUnlock(request);
    if (decided.kind === "refused") {
      await store.audit.append({
        atMs,
        actor: request.actor.id,
        action: "device.unlock.refused",
        subjectType: "device",
        subjectId: request.deviceId,
        details: {
          refusal: decided.reason,
          message: decided.message,
          ...(request.tripId === undefined ? {} : { tripId: request.tripId }),
          ...(request.reason === undefined ? {} : { reason: request.reason }),
        },
      });
      return decided;
    }
    const command: DeviceCommandRecord = {
      id: randomUUID(),
      deviceId: request.deviceId,
      tripId: decided.trip.id,
      command: "unlock",
      payload: { jointech: decided.command } satisfies StoredCommandPayload,
      status: "queued",
      actor: request.actor.id,
      createdAtMs: atMs,
    };
    await store.audit.append({
      atMs,
      actor: request.actor.id,
      action: "device.unlock",
      subjectType: "device",
      subjectId: request.deviceId,
      details: {
        commandId: command.id,
        tripId: decided.trip.id,
        online: this.isOnline(request.deviceId),
        ...(request.reason === undefined ? {} : { reason: request.reason }),
      },
    });
    await store.commands.putDeviceCommand(command);
    const sent = await this.deliver(request.deviceId);
    return { kind: "accepted", command: sent.find((c) => c.id === command.id) ?? command };
  }

  /**
   * Records a device's answer to a command (verbatim text such as `(740190311185,P43,1,0)`): the
   * oldest command waiting for that answer word is acknowledged (or failed when the answer says so).
   */
  answered(deviceId: string, text: string): void {
    void this.serial
      .run(`answer:${deviceId}`, () => this.recordAnswer(deviceId, text))
      .catch((error: unknown) =>
        this.deps.logger.error(
          { device: deviceId, answer: text, err: String(error) },
          "could not record a device's answer",
        ),
      );
  }

  private async recordAnswer(deviceId: string, text: string): Promise<void> {
    const fields = text.replace(/^\(|\)$/g, "").split(",");
    const wordIndex = fields.findIndex((f, i) => i > 0 && /^[A-Z][A-Z0-9]*$/.test(f));
    const word = wordIndex < 0 ? undefined : fields[wordIndex];
    const waiting = this.awaiting.get(deviceId) ?? [];
    const index = waiting.findIndex((c) => {
      const payload = c.payload as StoredCommandPayload | undefined;
      return payload?.jointech !== undefined && ANSWER_WORD[payload.jointech.type] === word;
    });
    const atMs = this.deps.nowMs();
    if (index < 0) {
      this.deps.logger.info({ device: deviceId, answer: text }, "device answer to no pending command");
      return;
    }
    const command = waiting.splice(index, 1)[0]!;
    // P43/P52,3: the field after the word (after "3" for P52) is 1 when the lock opened.
    const resultField = word === "P52" ? fields[wordIndex + 2] : fields[wordIndex + 1];
    const ok = resultField === "1" || resultField?.toUpperCase() === "OK";
    const updated: DeviceCommandRecord = {
      ...command,
      status: ok ? "acknowledged" : "failed",
      acknowledgedAtMs: atMs,
      ...(ok ? {} : { error: `the device answered ${text}` }),
    };
    await this.deps.store.commands.putDeviceCommand(updated);
    await this.deps.store.audit.append({
      atMs,
      actor: "gateway",
      action: "device.command.answer",
      subjectType: "device",
      subjectId: deviceId,
      details: { commandId: command.id, command: command.command, answer: text, ok },
    });
  }

  /** Sends the device's queued commands if it is connected; returns those sent. */
  private deliver(deviceId: string): Promise<DeviceCommandRecord[]> {
    return this.serial.run(deviceId, async () => {
      const sent: DeviceCommandRecord[] = [];
      const pending = await this.deps.store.commands.pendingDeviceCommands(deviceId);
      for (const command of pending) {
        const channel = this.channels.get(deviceId);
        if (channel === undefined) break;
        const bytes = bytesOf(command);
        if (bytes === undefined) {
          await this.deps.store.commands.putDeviceCommand({
            ...command,
            status: "failed",
            error: "cannot encode the command",
          });
          continue;
        }
        if (!channel.send(bytes)) break;
        const record: DeviceCommandRecord = { ...command, status: "sent", sentAtMs: this.deps.nowMs() };
        await this.deps.store.commands.putDeviceCommand(record);
        this.deps.counters.commandSent();
        this.deps.logger.info(
          { device: deviceId, peer: channel.peer, commandId: command.id, command: command.command },
          "command sent",
        );
        const list = this.awaiting.get(deviceId) ?? [];
        list.push(record);
        this.awaiting.set(deviceId, list);
        sent.push(record);
      }
      return sent;
    });
  }

  private async checkUnlock(
    request: UnlockRequest,
  ): Promise<
    | { kind: "refused"; reason: UnlockRefusal; message: string }
    | { kind: "ok"; trip: TripRecord; command: JointechCommand }
  > {
    const refuse = (reason: UnlockRefusal, message: string) => ({
      kind: "refused" as const,
      reason,
      message,
    });
    const { store, offices } = this.deps;
    if (request.actor.role !== "officer")
      return refuse("not_an_officer", "a remote unlock is an officer's action");
    const device = await store.devices.get(request.deviceId);
    if (device === undefined) return refuse("unknown_device", `no device ${request.deviceId}`);
    if (device.protocol !== "jt701")
      return refuse("not_an_elock", `device ${device.id} is not a Jointech e-lock`);
    if (device.lifecycle === "retired") return refuse("device_retired", `device ${device.id} is retired`);
    let trip: TripRecord | undefined;
    if (request.tripId !== undefined) {
      trip = await store.trips.get(request.tripId);
      if (trip === undefined || !trip.devices.includes(device.id))
        return refuse("no_trip", `trip ${request.tripId} does not carry device ${device.id}`);
    } else {
      const live = (await store.trips.list({ states: [...LIVE_STATES] })).filter((t) =>
        t.devices.includes(device.id),
      );
      trip = live.find((t) => t.state === "arrived") ?? live[0];
      if (trip === undefined) return refuse("no_trip", `device ${device.id} is on no live trip`);
    }
    if (trip.state !== "arrived" || trip.arrivedAtMs === undefined)
      return refuse("trip_not_arrived", `trip ${trip.id} is ${trip.state}, not arrived at its destination`);
    const officerOffices = request.actor.offices;
    if (officerOffices !== undefined && !officerOffices.includes(trip.destination))
      return refuse("not_officers_office", `officer ${request.actor.id} does not act at ${trip.destination}`);
    const fix = await store.readings.latestBefore(device.id, Number.MAX_SAFE_INTEGER, "fix");
    if (fix?.lon === undefined || fix.lat === undefined)
      return refuse("no_fix", `device ${device.id} has reported no valid fix`);
    if (fix.atMs < trip.arrivedAtMs)
      return refuse("fix_before_arrival", `the latest fix of ${device.id} predates the trip's arrival`);
    if (!(await offices.contains(trip.destination, fix.lon, fix.lat)))
      return refuse(
        "fix_outside_destination",
        `the latest fix of ${device.id} is outside office ${trip.destination}`,
      );
    const settings = device.settings as { unlockPassword?: unknown } | undefined;
    const password =
      request.password ??
      (typeof settings?.unlockPassword === "string" ? settings.unlockPassword : DEFAULT_STATIC_PASSWORD);
    const command: JointechCommand = { type: "unlockStaticPassword", password };
    const encoded = encodeJointechCommand(command);
    if (encoded.kind === "refused") return refuse("invalid_password", encoded.detail);
    return { kind: "ok", trip, command };
  }
}

function bytesOf(command: DeviceCommandRecord): Uint8Array | undefined {
  const payload = command.payload as StoredCommandPayload | { text?: unknown } | undefined;
  if (payload !== undefined && "jointech" in payload) {
    const encoded = encodeJointechCommand(payload.jointech);
    return encoded.kind === "encoded" ? encoded.bytes : undefined;
  }
  if (payload !== undefined && "text" in payload && typeof payload.text === "string")
    return fromAscii(payload.text);
  return undefined;
}
