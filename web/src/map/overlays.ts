/**
 * Sealwatch's own map layers, added on top of whichever basemap is in use: customs offices and
 * rest areas, declared routes with their corridor, actual tracks, and markers.
 */
import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap } from "maplibre-gl";
import type { ZoneFeature } from "../api/types.js";
import { LABEL_FONT } from "./basemap.js";
import { lonLats } from "./geometry.js";

export const SEVERITY_COLORS = {
  critical: "#ff5c5c",
  high: "#ff9f1c",
  medium: "#ffd23f",
  low: "#5aa9ff",
  none: "#3ddc97",
};

/** Circle colour from a 0–4 severity rank property (0: no open alarm). */
export function severityColor(rank: ExpressionSpecification): ExpressionSpecification {
  return [
    "match",
    rank,
    4,
    SEVERITY_COLORS.critical,
    3,
    SEVERITY_COLORS.high,
    2,
    SEVERITY_COLORS.medium,
    1,
    SEVERITY_COLORS.low,
    SEVERITY_COLORS.none,
  ];
}

const EMPTY = { type: "FeatureCollection" as const, features: [] };

export function ensureSource(map: MapLibreMap, id: string): GeoJSONSource {
  if (map.getSource(id) === undefined) map.addSource(id, { type: "geojson", data: EMPTY });
  return map.getSource(id) as GeoJSONSource;
}

/** Offices (blue outline), rest areas (green), restricted zones (red), with names from zoom 6. */
export function addZones(map: MapLibreMap, zones: readonly ZoneFeature[]): void {
  const source = ensureSource(map, "zones");
  void source.setData({ type: "FeatureCollection", features: zones as unknown as GeoJSON.Feature[] });
  const kindColor: ExpressionSpecification = [
    "match",
    ["get", "kind"],
    "office",
    "#6cb6ff",
    "rest",
    "#3ddc97",
    "#ff5c5c",
  ];
  if (map.getLayer("zones-fill") === undefined) {
    map.addLayer({
      id: "zones-fill",
      type: "fill",
      source: "zones",
      paint: { "fill-color": kindColor, "fill-opacity": 0.18 },
    });
    map.addLayer({
      id: "zones-line",
      type: "line",
      source: "zones",
      paint: { "line-color": kindColor, "line-width": 1.5 },
    });
    map.addLayer({
      id: "zones-label",
      type: "symbol",
      source: "zones",
      minzoom: 6,
      layout: {
        "text-field": ["get", "name"],
        "text-font": LABEL_FONT,
        "text-size": 12,
        "text-offset": [0, 1.2],
        "text-max-width": 14,
        "symbol-placement": "point",
      },
      paint: { "text-color": "#cfe3ff", "text-halo-color": "#0a1622", "text-halo-width": 1.5 },
    });
  }
}

/** Meters per pixel at zoom 0 on the equator (512-pixel tiles). */
const METERS_PER_PIXEL_Z0 = 40_075_016.686 / 512;

/** A line-width expression that draws `halfWidthM` on each side of a line at latitude `lat`. */
export function metersWide(halfWidthM: number, lat: number): ExpressionSpecification {
  const atZ0 = (2 * halfWidthM) / (METERS_PER_PIXEL_Z0 * Math.cos((lat * Math.PI) / 180));
  return ["interpolate", ["exponential", 2], ["zoom"], 0, atZ0, 22, atZ0 * 2 ** 22];
}

/** The declared route with its corridor (`route`: the API's `[lon, lat]` positions). */
export function setRoute(
  map: MapLibreMap,
  route: readonly (readonly number[])[] | undefined,
  corridorM: number,
): void {
  const source = ensureSource(map, "route");
  const coordinates = route === undefined ? undefined : lonLats(route);
  void source.setData(
    coordinates === undefined
      ? EMPTY
      : { type: "Feature", properties: {}, geometry: { type: "LineString", coordinates } },
  );
  const lat = coordinates?.[0]?.[1] ?? 0;
  if (map.getLayer("route-corridor") === undefined) {
    map.addLayer({
      id: "route-corridor",
      type: "line",
      source: "route",
      layout: { "line-cap": "round", "line-join": "round" },
      paint: { "line-color": "#6cb6ff", "line-opacity": 0.16, "line-width": metersWide(corridorM, lat) },
    });
    map.addLayer({
      id: "route-line",
      type: "line",
      source: "route",
      layout: { "line-cap": "round", "line-join": "round" },
      paint: { "line-color": "#6cb6ff", "line-width": 2, "line-dasharray": [2, 1.5] },
    });
  } else {
    map.setPaintProperty("route-corridor", "line-width", metersWide(corridorM, lat));
  }
}

export function setTrack(map: MapLibreMap, coordinates: readonly [number, number][]): void {
  const source = ensureSource(map, "track");
  void source.setData({
    type: "Feature",
    properties: {},
    geometry: { type: "LineString", coordinates: coordinates as [number, number][] },
  });
  if (map.getLayer("track-line") === undefined)
    map.addLayer({
      id: "track-line",
      type: "line",
      source: "track",
      layout: { "line-cap": "round", "line-join": "round" },
      paint: { "line-color": "#f5f7fa", "line-width": 2.5 },
    });
}

/** Point markers (alarm places, the replay position): each feature carries `color` and `label`. */
export function setMarkers(map: MapLibreMap, id: string, features: GeoJSON.Feature[]): void {
  const source = ensureSource(map, id);
  void source.setData({ type: "FeatureCollection", features });
  if (map.getLayer(`${id}-circle`) === undefined) {
    map.addLayer({
      id: `${id}-circle`,
      type: "circle",
      source: id,
      paint: {
        "circle-radius": ["coalesce", ["get", "radius"], 7],
        "circle-color": ["coalesce", ["get", "color"], "#ffffff"],
        "circle-stroke-color": "#0a1622",
        "circle-stroke-width": 2,
      },
    });
    map.addLayer({
      id: `${id}-label`,
      type: "symbol",
      source: id,
      layout: {
        "text-field": ["coalesce", ["get", "label"], ""],
        "text-font": LABEL_FONT,
        "text-size": 11,
        // Beside the marker, on whichever side is free of other labels; dropped when none is.
        "text-variable-anchor": ["top", "bottom", "right", "left"],
        "text-radial-offset": 1.2,
        "text-justify": "auto",
        "text-optional": true,
      },
      paint: { "text-color": "#f5f7fa", "text-halo-color": "#0a1622", "text-halo-width": 1.5 },
    });
  }
}
