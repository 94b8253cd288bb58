/** Small constructors for decode outcomes, so that every decoder words them the same way. */
import type { DecodeOutcome, RejectionReason } from "./protocol.js";

export function rejected(reason: RejectionReason, detail: string): DecodeOutcome {
  return { kind: "rejected", rejection: { reason, detail } };
}
