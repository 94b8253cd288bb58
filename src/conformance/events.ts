/**
 * What the conformance kit observes of one device, whatever the source (a live session, a hex
 * capture, a pcap): bytes in each direction with their arrival time, connection boundaries, and the
 * begin and end of each prompted step. Every check is a pure function of these events, so a live
 * session saved as a capture gives the same report when read back.
 */

/** `device`: bytes the device sent; `server`: answers it was sent (by the kit or a real server). */
export type Direction = "device" | "server";

export type KitProtocol = "jt701" | "teltonika" | "mqtt" | "http";

export const KIT_PROTOCOLS: readonly KitProtocol[] = ["jt701", "teltonika", "mqtt", "http"];

/** The prompted steps a technician goes through, in the order the kit prompts them. */
export type StepId = "seal-close" | "seal-open" | "rope-cut" | "back-cap" | "gnss-off" | "outage";

export interface StepSpec {
  readonly id: StepId;
  /** What the technician is asked to do. */
  readonly prompt: string;
  /** Protocols whose devices can show the step's outcome (others skip it). */
  readonly protocols: readonly KitProtocol[];
}

const ALL: readonly KitProtocol[] = KIT_PROTOCOLS;

export const STEPS: readonly StepSpec[] = [
  {
    id: "seal-close",
    prompt: "Insert the rope (or shackle) and close the lock now.",
    protocols: ALL,
  },
  {
    id: "seal-open",
    prompt: "Open the lock the authorized way (password, card or command) now.",
    protocols: ALL,
  },
  {
    id: "rope-cut",
    prompt: "Cut the rope (or pull it out of the locked device) now.",
    protocols: ALL,
  },
  {
    id: "back-cap",
    prompt: "Open the back cap (the battery or service cover) now.",
    protocols: ["jt701"],
  },
  {
    id: "gnss-off",
    prompt: "Cover or disconnect the GNSS antenna for 2 minutes, then reconnect it.",
    protocols: ALL,
  },
  {
    id: "outage",
    prompt:
      "Disconnect the mobile antenna (or power the device off) for 2 minutes, then reconnect it and wait for the device to report.",
    protocols: ALL,
  },
];

export function stepSpec(id: StepId): StepSpec {
  return STEPS.find((s) => s.id === id)!;
}

export function isStepId(text: string): text is StepId {
  return STEPS.some((s) => s.id === text);
}

export type CaptureEvent =
  | {
      readonly kind: "bytes";
      readonly direction: Direction;
      /** Arrival time (epoch ms) when the source knows it. */
      readonly atMs?: number;
      readonly bytes: Uint8Array;
    }
  /** A connection opened or closed (the framer starts afresh on each connection). */
  | { readonly kind: "connection"; readonly phase: "open" | "close"; readonly atMs?: number }
  | { readonly kind: "step"; readonly step: StepId; readonly phase: "begin" | "end"; readonly atMs?: number }
  /** Something of the source the kit could not read (a bad capture line, a lost TCP segment). */
  | {
      readonly kind: "unreadable";
      readonly atMs?: number;
      readonly detail: string;
      readonly bytes?: Uint8Array;
      /** Bytes of the device's stream are missing here: the framer starts afresh after it. */
      readonly gap?: boolean;
    };
