/**
 * The monitored conveyances on the map: one GeoJSON source, clustered at low zoom (a cluster takes
 * the colour of the worst open alarm among its conveyances), a circle per conveyance coloured by its
 * worst open alarm. Readings only mark conveyances as changed in the store; the layer collects the
 * changes in one animation frame, at most once a second by default, and sends only what changed to
 * the map's worker (`updateData`): a flood of readings costs one small update a second and no React
 * rendering at all.
 */
import type {
  ExpressionSpecification,
  GeoJSONSource,
  GeoJSONSourceDiff,
  Map as MapLibreMap,
  MapLayerMouseEvent,
} from "maplibre-gl";
import { SEVERITY_RANK } from "../format.js";
import type { Conveyance, FleetStore } from "../live/fleet-store.js";
import { LABEL_FONT } from "./basemap.js";
import { boundsOf } from "./geometry.js";
import { severityColor } from "./overlays.js";

export const FLEET_SOURCE = "fleet";

function feature(c: Conveyance): GeoJSON.Feature {
  return {
    type: "Feature",
    id: c.deviceId,
    geometry: { type: "Point", coordinates: [c.lon!, c.lat!] },
    properties: properties(c),
  };
}

function properties(c: Conveyance): Record<string, string | number> {
  return {
    device: c.deviceId,
    trip: c.tripId,
    sev: c.worst === undefined ? 0 : SEVERITY_RANK[c.worst],
    label: c.registration ?? c.reference ?? c.tripId,
  };
}

export interface FleetLayerOptions {
  /** A conveyance was clicked (or chosen with the keyboard elsewhere). */
  readonly onSelect?: (deviceId: string, tripId: string) => void;
  /**
   * Least time between two updates of the map (default 1 s, the devices' own pace at best). Each
   * update makes the map re-tile and redraw the fleet; on a machine without a GPU a redraw takes
   * tens of milliseconds, so updating every frame would starve the page.
   */
  readonly minIntervalMs?: number;
}

/** Default least time between two map updates. */
export const MAP_UPDATE_INTERVAL_MS = 1000;
/** Longest wait between two map updates, however slow the machine. */
const MAX_INTERVAL_MS = 5000;
/** How long after an update its cost on the page is watched. */
const COST_WINDOW_MS = 1000;

export class FleetLayer {
  private readonly inSource = new Set<string>();
  private frame: number | undefined;
  private timer: number | undefined;
  private fitTimer: number | undefined;
  private lastFlushMs = -Infinity;
  /** The wait before the next update: the minimum, stretched when updates slow the page down. */
  private intervalMs: number;
  private monitor: number | undefined;
  private monitorLast: number | undefined;
  private windowStart = performance.now();
  private windowOverrunMs = 0;
  private windowUpdates = 0;
  private withUpdateMs = 0;
  private withoutUpdateMs = 0;
  private unsubscribe: (() => void) | undefined;
  private selected: string | undefined;
  /** Updates sent to the map (for the frame-time benchmark's report). */
  updatesSent = 0;

  constructor(
    private readonly map: MapLibreMap,
    private readonly store: FleetStore,
    private readonly options: FleetLayerOptions = {},
  ) {
    this.intervalMs = options.minIntervalMs ?? MAP_UPDATE_INTERVAL_MS;
  }

  /** The current wait between map updates (it grows on a machine that draws slowly). */
  get updateIntervalMs(): number {
    return this.intervalMs;
  }

  attach(): void {
    const map = this.map;
    const initial = this.store.positioned();
    this.store.takeMapChanges();
    for (const c of initial) this.inSource.add(c.deviceId);
    map.addSource(FLEET_SOURCE, {
      type: "geojson",
      data: { type: "FeatureCollection", features: initial.map(feature) },
      cluster: true,
      clusterRadius: 44,
      clusterMaxZoom: 7,
      clusterProperties: { maxSev: ["max", ["get", "sev"]] },
    });
    map.addLayer({
      id: "fleet-clusters",
      type: "circle",
      source: FLEET_SOURCE,
      filter: ["has", "point_count"],
      paint: {
        "circle-color": severityColor(["get", "maxSev"]),
        "circle-opacity": 0.85,
        "circle-radius": ["step", ["get", "point_count"], 14, 10, 18, 100, 24, 1000, 30],
        "circle-stroke-color": "#0a1622",
        "circle-stroke-width": 2,
      },
    });
    map.addLayer({
      id: "fleet-cluster-count",
      type: "symbol",
      source: FLEET_SOURCE,
      filter: ["has", "point_count"],
      layout: {
        "text-field": ["get", "point_count_abbreviated"],
        "text-font": LABEL_FONT,
        "text-size": 13,
        "text-allow-overlap": true,
      },
      paint: { "text-color": "#0a1622" },
    });
    map.addLayer({
      id: "fleet-points",
      type: "circle",
      source: FLEET_SOURCE,
      filter: ["!", ["has", "point_count"]],
      paint: {
        "circle-color": severityColor(["get", "sev"]),
        "circle-radius": ["interpolate", ["linear"], ["zoom"], 3, 5, 10, 8],
        "circle-stroke-color": ["case", ["==", ["get", "device"], ["literal", ""]], "#ffffff", "#0a1622"],
        "circle-stroke-width": ["case", ["==", ["get", "device"], ["literal", ""]], 3, 1.5],
      },
    });
    map.addLayer({
      id: "fleet-labels",
      type: "symbol",
      source: FLEET_SOURCE,
      filter: ["!", ["has", "point_count"]],
      minzoom: 8,
      layout: {
        "text-field": ["get", "label"],
        "text-font": LABEL_FONT,
        "text-size": 11,
        "text-offset": [0, 1.3],
        "text-optional": true,
      },
      paint: { "text-color": "#f5f7fa", "text-halo-color": "#0a1622", "text-halo-width": 1.5 },
    });
    map.on("click", "fleet-clusters", this.onClusterClick);
    map.on("click", "fleet-points", this.onPointClick);
    for (const layer of ["fleet-clusters", "fleet-points"]) {
      map.on("mouseenter", layer, () => (map.getCanvas().style.cursor = "pointer"));
      map.on("mouseleave", layer, () => (map.getCanvas().style.cursor = ""));
    }
    this.unsubscribe = this.store.onMapChange(() => this.schedule());
    this.monitor = requestAnimationFrame(this.monitorFrame);
  }

  /**
   * Frames the conveyances once they are known (the first snapshot may still be loading when the
   * map is ready): checks twice a second for up to 15 s. `choose` picks the ones to frame (the
   * viewer's region); when it picks none, every known conveyance is framed.
   */
  fitWhenKnown(
    maxZoom = 8,
    choose: (known: readonly Conveyance[]) => readonly Conveyance[] = (k) => k,
  ): void {
    let tries = 0;
    const attempt = () => {
      const known = this.store.positioned();
      if (known.length === 0) {
        if (++tries < 30) this.fitTimer = window.setTimeout(attempt, 500);
        return;
      }
      const chosen = choose(known);
      const bounds = boundsOf((chosen.length > 0 ? chosen : known).map((c) => [c.lon!, c.lat!] as const));
      if (bounds !== undefined) this.map.fitBounds(bounds, { padding: 60, maxZoom, duration: 0 });
    };
    attempt();
  }

  /** Gives up framing (the viewer chose where to look before the conveyances were known). */
  stopFitting(): void {
    if (this.fitTimer !== undefined) window.clearTimeout(this.fitTimer);
    this.fitTimer = undefined;
  }

  /** Outlines one conveyance in white (the selected alarm's or trip's). */
  select(deviceId: string | undefined): void {
    this.selected = deviceId;
    if (this.map.getLayer("fleet-points") === undefined) return;
    const selected: ExpressionSpecification = ["==", ["get", "device"], deviceId ?? "\u0000"];
    this.map.setPaintProperty("fleet-points", "circle-stroke-color", [
      "case",
      selected,
      "#ffffff",
      "#0a1622",
    ]);
    this.map.setPaintProperty("fleet-points", "circle-stroke-width", ["case", selected, 3.5, 1.5]);
  }

  get selection(): string | undefined {
    return this.selected;
  }

  /** Changes wait for the next animation frame at least `minIntervalMs` after the last update. */
  private schedule(): void {
    if (this.frame !== undefined || this.timer !== undefined) return;
    const wait = this.lastFlushMs + this.intervalMs - performance.now();
    const inFrame = () => {
      this.frame = requestAnimationFrame(() => {
        this.frame = undefined;
        this.lastFlushMs = performance.now();
        this.flush();
      });
    };
    if (wait <= 0) inFrame();
    else
      this.timer = window.setTimeout(() => {
        this.timer = undefined;
        inFrame();
      }, wait);
  }

  /** Sends what changed since the last frame to the map. */
  flush(): void {
    const source = this.map.getSource<GeoJSONSource>(FLEET_SOURCE);
    if (source === undefined) return;
    const { upsert, remove } = this.store.takeMapChanges();
    if (upsert.length === 0 && remove.length === 0) return;
    const diff: GeoJSONSourceDiff = {};
    const add: GeoJSON.Feature[] = [];
    const update: NonNullable<GeoJSONSourceDiff["update"]> = [];
    for (const c of upsert) {
      if (this.inSource.has(c.deviceId)) {
        const props = properties(c);
        update.push({
          id: c.deviceId,
          newGeometry: { type: "Point", coordinates: [c.lon!, c.lat!] },
          addOrUpdateProperties: Object.entries(props).map(([key, value]) => ({ key, value })),
        });
      } else {
        this.inSource.add(c.deviceId);
        add.push(feature(c));
      }
    }
    const removed = remove.filter((id) => this.inSource.delete(id));
    if (add.length > 0) diff.add = add;
    if (update.length > 0) diff.update = update;
    if (removed.length > 0) diff.remove = removed;
    this.updatesSent++;
    void source.updateData(diff);
  }

  /**
   * Adapts the pace to the machine. Frames that overrun their 16.7 ms budget are summed per second,
   * separately for seconds with a map update and seconds without one; the difference is what an
   * update costs the page, and the next wait is the minimum plus three times that cost. With a GPU
   * an update costs a few milliseconds and the map follows the devices every second; drawn in
   * software it costs hundreds, and the map updates less often so that the page stays responsive.
   */
  private monitorFrame = (time: number): void => {
    if (this.monitorLast !== undefined) this.windowOverrunMs += Math.max(0, time - this.monitorLast - 16.7);
    this.monitorLast = time;
    if (time - this.windowStart >= COST_WINDOW_MS) {
      const updated = this.updatesSent !== this.windowUpdates;
      if (updated) this.withUpdateMs = (this.withUpdateMs + this.windowOverrunMs) / 2;
      else this.withoutUpdateMs = (this.withoutUpdateMs + this.windowOverrunMs) / 2;
      const minimum = this.options.minIntervalMs ?? MAP_UPDATE_INTERVAL_MS;
      const costMs = Math.max(0, this.withUpdateMs - this.withoutUpdateMs);
      this.intervalMs = Math.min(MAX_INTERVAL_MS, minimum + 3 * costMs);
      this.windowStart = time;
      this.windowOverrunMs = 0;
      this.windowUpdates = this.updatesSent;
    }
    this.monitor = requestAnimationFrame(this.monitorFrame);
  };

  private readonly onClusterClick = (event: MapLayerMouseEvent): void => {
    const feature = event.features?.[0];
    const clusterId = feature?.properties?.cluster_id as number | undefined;
    if (feature === undefined || clusterId === undefined || feature.geometry.type !== "Point") return;
    const center = feature.geometry.coordinates as [number, number];
    const source = this.map.getSource<GeoJSONSource>(FLEET_SOURCE);
    if (source === undefined) return;
    void source
      .getClusterExpansionZoom(clusterId)
      .then((zoom) => this.map.easeTo({ center, zoom: zoom + 0.2 }));
  };

  private readonly onPointClick = (event: MapLayerMouseEvent): void => {
    const props = event.features?.[0]?.properties as { device?: string; trip?: string } | undefined;
    if (props?.device !== undefined && props.trip !== undefined)
      this.options.onSelect?.(props.device, props.trip);
  };

  detach(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    if (this.timer !== undefined) window.clearTimeout(this.timer);
    if (this.monitor !== undefined) cancelAnimationFrame(this.monitor);
    if (this.fitTimer !== undefined) window.clearTimeout(this.fitTimer);
    this.unsubscribe?.();
    this.map.off("click", "fleet-clusters", this.onClusterClick);
    this.map.off("click", "fleet-points", this.onPointClick);
  }
}
