/**
 * One canonical event in a subscription's format (pure but for the EPCIS schema check):
 * `sealwatch` is the canonical event itself; `epcis` an EPCISDocument holding its ObjectEvent,
 * validated against the bundled EPCIS 2.0 schema; `dcsa` the array of its DCSA events (one per
 * container), checked against the published rules. Undefined when the format cannot express the
 * event (DCSA has no form for most of them): it is then not delivered in that format.
 */
import type { SubscriptionFormat } from "../store/outbox-ports.js";
import type { CanonicalEvent } from "./events.js";
import { checkedDcsa, validatedEpcis, type ExportIdentity } from "./export.js";

export interface FormatContext {
  /** When the document is made (creation dates). */
  readonly nowMs: number;
  /** This administration (EPCIS sender, DCSA publisher). */
  readonly identity: ExportIdentity;
  /** EPCs of the event's device (for EPCIS `epcList`). */
  readonly deviceEpcs?: ReadonlyMap<string, readonly string[]>;
}

export function formatEvent(format: SubscriptionFormat, event: CanonicalEvent, ctx: FormatContext): unknown {
  switch (format) {
    case "sealwatch":
      return { specVersion: "sealwatch-event/1", ...event };
    case "epcis":
      return validatedEpcis([event], ctx);
    case "dcsa": {
      const events = checkedDcsa([event], ctx.nowMs, ctx.identity);
      return events.length === 0 ? undefined : events;
    }
  }
}
