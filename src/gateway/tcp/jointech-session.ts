/**
 * A Jointech JT701/JT709 connection. Every frame names its device (the lock id in `$` and `(`
 * frames, the terminal id in JT808 frames); the first accepted one binds the connection, and a frame
 * naming another device is rejected (a lock does not change its id mid-connection; a frame that
 * does is forged or a stray). An unknown or retired device's frames are dropped, counted and logged
 * with the peer address, and count as bad frames, so the connection closes after `maxBadFrames`.
 *
 * Once bound, the connection is the device's command channel: queued commands (remote unlock) are
 * sent, and the lock's answers to them are recorded.
 */
import { decodeJointechFrame } from "../../protocols/jointech/index.js";
import type { DeviceRecord } from "../../store/ports.js";
import type { CommandChannel, DeviceCommands } from "../commands/device-commands.js";
import type { DeviceDirectory } from "../device-directory.js";
import { submitFrameReadings, type SubmitContext } from "./frame-readings.js";
import { rejectedFrame, type PendingFrame, type ProtocolSession } from "./session.js";

export interface JointechSessionContext extends SubmitContext {
  readonly directory: DeviceDirectory;
  readonly commands: DeviceCommands;
  /** Sends bytes on this connection (commands). */
  readonly channel: CommandChannel;
}

const P69 = Buffer.from("(P69,", "latin1");
/** JT808 frames start and end with 0x7e. */
const JT808_FLAG = 0x7e;

/**
 * Whether an answer names the frame it answers: `(P69,0,serial)` and JT808 answers (which carry the
 * frame's serial number) do; `(P35)` and the text-protocol answers do not.
 */
function namesItsFrame(ack: Uint8Array): boolean {
  if (ack[0] === JT808_FLAG) return true;
  return ack.length > P69.length && Buffer.from(ack.buffer, ack.byteOffset, P69.length).equals(P69);
}

export class JointechSession implements ProtocolSession {
  private identity: string | undefined;
  private device: DeviceRecord | undefined;

  constructor(private readonly context: JointechSessionContext) {}

  get deviceId(): string | undefined {
    return this.device?.id ?? this.identity;
  }

  async admit(frame: Uint8Array, receivedAtMs: number): Promise<PendingFrame> {
    const outcome = decodeJointechFrame(frame, { nowMs: receivedAtMs });
    if (outcome.kind === "rejected") return rejectedFrame(outcome.rejection.reason, outcome.rejection.detail);
    const identity = outcome.identity ?? outcome.readings[0]?.deviceId;
    if (identity === undefined) return rejectedFrame("malformed", "the frame names no device");
    if (this.identity !== undefined && identity !== this.identity) {
      return rejectedFrame(
        "identity_mismatch",
        `the connection is device ${this.identity}; a frame came from ${identity}`,
      );
    }
    const { directory } = this.context;
    const resolution = directory.cached(identity) ?? (await directory.resolve(identity));
    if (resolution.kind === "refused") return rejectedFrame(resolution.reason, resolution.detail);
    const device = resolution.device;
    if (this.device === undefined) {
      this.identity = identity;
      this.device = device;
      this.context.commands.attach(device.id, this.context.channel);
    }
    if (outcome.commandResult !== undefined) this.context.commands.answered(device.id, outcome.commandResult);
    return {
      kind: "accepted",
      durable: submitFrameReadings(
        this.context,
        outcome.readings,
        device.id,
        receivedAtMs,
        outcome.ack,
        frame,
      ),
      answerNamesFrame: outcome.ack !== undefined && namesItsFrame(outcome.ack),
    };
  }

  closed(): void {
    if (this.device !== undefined) this.context.commands.detach(this.device.id, this.context.channel);
  }
}
