/**
 * The automatic start of a handover: a trip whose declaration names a partner's handover office is
 * handed over when one of its devices reports from inside that office's zone (the geofence this
 * instance keeps of the partner's border office). Follows the live stream; a trip is looked up once
 * and then remembered. A trip without a zone for its handover office is handed over by an officer.
 */
import type { LiveBus, LiveEvent } from "../bus/live-events.js";
import { ZoneIndex } from "../core/geo/zone-index.js";
import type { Store } from "../store/ports.js";
import type { FederationLogger } from "./federation.js";
import { declaredHandover, type HandoverSender } from "./handover-sender.js";

export const ARRIVAL_ACTOR = "engine:handover-office";

type Watched = { readonly office: string; readonly zone: ZoneIndex } | null;

export class HandoverTrigger {
  private readonly trips = new Map<string, Promise<Watched>>();
  private readonly started = new Map<string, Promise<void>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Pick<Store, "trips" | "zones">,
    private readonly sender: Pick<HandoverSender, "start">,
    bus: Pick<LiveBus, "subscribe">,
    private readonly logger?: FederationLogger,
  ) {
    this.unsubscribe = bus.subscribe(undefined, (event) => this.onEvent(event)).unsubscribe;
  }

  close(): void {
    this.unsubscribe();
  }

  /** Resolves when no handover start is in flight. */
  async idle(): Promise<void> {
    while (this.started.size > 0) await Promise.allSettled([...this.started.values()]);
  }

  private onEvent(event: LiveEvent): void {
    if (event.kind === "trip" && (event.trip.state === "closed" || event.trip.state === "cancelled")) {
      this.trips.delete(event.trip.id);
      return;
    }
    if (event.kind !== "reading") return;
    const { tripId, position } = event.reading;
    if (tripId === undefined || position?.valid !== true || this.started.has(tripId)) return;
    let watched = this.trips.get(tripId);
    if (watched === undefined) {
      watched = this.lookup(tripId);
      this.trips.set(tripId, watched);
    }
    const attempt = watched.then(async (w) => {
      if (w === null || !w.zone.contains(0, position.lon, position.lat)) return;
      this.trips.set(tripId, Promise.resolve(null));
      try {
        await this.sender.start(tripId, ARRIVAL_ACTOR, w.office);
      } catch (error) {
        this.logger?.warn(
          { tripId, office: w.office, err: String(error) },
          "handover: the trip reached its handover office but was not handed over",
        );
      }
    });
    this.started.set(
      tripId,
      attempt.finally(() => this.started.delete(tripId)),
    );
  }

  private async lookup(tripId: string): Promise<Watched> {
    const trip = await this.store.trips.get(tripId);
    const handover = trip === undefined ? undefined : declaredHandover(trip);
    if (handover === undefined) return null;
    const zone = (await this.store.zones.list()).find(
      (z) => z.kind === "office" && z.officeCode === handover.office,
    );
    return zone === undefined ? null : { office: handover.office, zone: new ZoneIndex([zone.shape]) };
  }
}
