/**
 * Which office a passive read or an EPCIS read point is at. An office is an `office` zone of the
 * registry, named by its zone id or its customs office code; an EPCIS location is also found as a
 * registered reader (a device whose identifiers include the read point and whose settings say
 * `{ "office": "<zone id>" }`), or, for a `geo:` URI, as the office zone containing the point.
 */
import { ZoneIndex } from "../core/geo/zone-index.js";
import type { ZoneRecord, ZoneStore } from "../store/ports.js";

interface Snapshot {
  readonly byId: ReadonlyMap<string, ZoneRecord>;
  readonly byCode: ReadonlyMap<string, ZoneRecord>;
  readonly offices: readonly ZoneRecord[];
  readonly index: ZoneIndex;
  readonly expiresAtMs: number;
}

export class OfficeDirectory {
  private snapshot: Snapshot | undefined;
  private loading: Promise<Snapshot> | undefined;

  constructor(
    private readonly zones: Pick<ZoneStore, "list">,
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The office zone id that `name` (zone id or customs office code) designates, if any. */
  async resolve(name: string): Promise<string | undefined> {
    const s = await this.load();
    const zone = s.byId.get(name) ?? s.byCode.get(name);
    return zone?.kind === "office" ? zone.id : undefined;
  }

  /** The office zone containing a point, if any (the first by id when several do). */
  async containing(lon: number, lat: number): Promise<string | undefined> {
    const s = await this.load();
    const hits = s.index.zonesAt(lon, lat);
    return hits.length === 0 ? undefined : s.offices[hits[0]!]!.id;
  }

  /** Whether the point lies in office zone `zoneId`. */
  async contains(zoneId: string, lon: number, lat: number): Promise<boolean> {
    const s = await this.load();
    return s.index.zonesAt(lon, lat).some((i) => s.offices[i]!.id === zoneId);
  }

  invalidate(): void {
    this.snapshot = undefined;
  }

  private async load(): Promise<Snapshot> {
    if (this.snapshot !== undefined && this.snapshot.expiresAtMs > this.now()) return this.snapshot;
    if (this.loading !== undefined) return this.loading;
    this.loading = this.zones.list().then(
      (zones) => {
        const offices = zones.filter((z) => z.kind === "office").sort((a, b) => (a.id < b.id ? -1 : 1));
        const snapshot: Snapshot = {
          byId: new Map(zones.map((z) => [z.id, z])),
          byCode: new Map(offices.filter((z) => z.officeCode !== undefined).map((z) => [z.officeCode!, z])),
          offices,
          index: new ZoneIndex(offices.map((z) => z.shape)),
          expiresAtMs: this.now() + this.ttlMs,
        };
        this.snapshot = snapshot;
        this.loading = undefined;
        return snapshot;
      },
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }
}
