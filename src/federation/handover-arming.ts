/**
 * Mutual recognition at work: a leg opened by a recognised handover arms itself on the first report
 * of its devices, closed and untampered, from inside our handover office, without an officer and
 * without a physical re-seal (the engine's own arm rule still decides: every device closed). The
 * watch follows the live stream; legs still waiting are found again in the store at start. A leg
 * whose seal was not recognised is never armed here: officers inspect, re-seal and arm by hand.
 */
import type { LiveBus, LiveEvent } from "../bus/live-events.js";
import { ZoneIndex } from "../core/geo/zone-index.js";
import type { HandoverRecord, FederationStore } from "../store/federation-ports.js";
import type { Store, TripRecord, ZoneRecord } from "../store/ports.js";
import type { FederationLogger } from "./federation.js";

/** The engine host's command, as the watch uses it. */
export interface ArmingHost {
  command(request: {
    tripId: string;
    command: "arm";
    actor: string;
  }): Promise<{ accepted: boolean; refusal?: string }>;
}

interface Waiting {
  readonly handover: HandoverRecord;
  readonly tripId: string;
  readonly office: ZoneIndex;
}

export const ARMING_ACTOR = "federation:handover";

export class HandoverArming {
  /** Legs waiting to arm, by device id. */
  private readonly waiting = new Map<string, Waiting>();
  /** Arms in flight, by trip. */
  private readonly arming = new Map<string, Promise<void>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Pick<Store, "trips" | "zones" | "audit"> & { federation: FederationStore },
    private readonly host: ArmingHost,
    bus: Pick<LiveBus, "subscribe">,
    private readonly nowMs: () => number,
    private readonly logger?: FederationLogger,
  ) {
    this.unsubscribe = bus.subscribe(undefined, (event) => this.onEvent(event)).unsubscribe;
  }

  /** Finds the recognised legs not armed yet (at start). */
  async load(): Promise<void> {
    for (const handover of await this.store.federation.handovers({
      direction: "incoming",
      status: ["recognised"],
    })) {
      if (handover.armedAtMs !== undefined) continue;
      const trip = await this.store.trips.get(handover.tripId);
      if (trip?.state === "declared") this.watch(handover, trip, await this.store.zones.get(trip.origin));
    }
  }

  /** Waits for the leg's first closed-seal report at its origin office (a recognised handover only). */
  watch(handover: HandoverRecord, trip: TripRecord, office: ZoneRecord | undefined): void {
    if (handover.status !== "recognised" || office === undefined) return;
    const entry = { handover, tripId: trip.id, office: new ZoneIndex([office.shape]) };
    for (const deviceId of trip.devices) this.waiting.set(deviceId, entry);
  }

  /** Legs waiting now (for the API and tests). */
  get pending(): number {
    return new Set([...this.waiting.values()].map((w) => w.tripId)).size;
  }

  close(): void {
    this.unsubscribe();
  }

  private onEvent(event: LiveEvent): void {
    if (event.kind !== "reading") return;
    const reading = event.reading;
    const entry = this.waiting.get(reading.deviceId);
    if (entry === undefined || reading.seal !== "closed" || reading.tamper === true) return;
    const position = reading.position;
    if (position?.valid !== true || !entry.office.contains(0, position.lon, position.lat)) return;
    if (this.arming.has(entry.tripId)) return;
    const attempt = this.arm(entry)
      .catch((error: unknown) =>
        this.logger?.error({ err: String(error), tripId: entry.tripId }, "handover: arming the leg failed"),
      )
      .finally(() => this.arming.delete(entry.tripId));
    this.arming.set(entry.tripId, attempt);
  }

  /** Resolves when no arm is in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.arming.size > 0) await Promise.allSettled([...this.arming.values()]);
  }

  private async arm(entry: Waiting): Promise<void> {
    const result = await this.host.command({ tripId: entry.tripId, command: "arm", actor: ARMING_ACTOR });
    const trip = await this.store.trips.get(entry.tripId);
    if (!result.accepted && trip?.state === "declared") {
      // Not every device reported closed yet (or the engine refused): the next report tries again.
      this.logger?.info({ tripId: entry.tripId, refusal: result.refusal }, "handover: leg not armed yet");
      return;
    }
    for (const [deviceId, waiting] of [...this.waiting])
      if (waiting.tripId === entry.tripId) this.waiting.delete(deviceId);
    if (!result.accepted) return;
    const stored = await this.store.federation.handover(
      "incoming",
      entry.handover.partnerId,
      entry.handover.id,
    );
    if (stored !== undefined) {
      const armedAtMs = trip?.armedAtMs ?? this.nowMs();
      await this.store.federation.updateHandover({ ...stored, armedAtMs, updatedAtMs: this.nowMs() });
    }
  }
}
