/**
 * The map's styles. Offline (the default): Natural Earth countries at 1:50m, with land and borders
 * at 1:10m around the four corridors from zoom 5.5, all served by Sealwatch itself (web/build/
 * basemap.ts makes the files); labels are drawn with the browser's own fonts, so no glyph server is
 * needed either. Online: a MapLibre style URL from the configuration (tileStyleUrl).
 */
import type { StyleSpecification } from "maplibre-gl";

export const COLORS = {
  water: "#0a1622",
  land: "#1a2634",
  landDetail: "#1a2634",
  border: "#4a5d73",
  label: "#9fb3c8",
  labelHalo: "#0a1622",
};

export const LABEL_FONT = ["sans-serif"];
const DETAIL_ZOOM = 5.5;

export function offlineStyle(): StyleSpecification {
  const data = (name: string) => `${location.origin}/basemap/${name}.geojson`;
  return {
    version: 8,
    name: "Sealwatch offline basemap (Natural Earth)",
    sources: {
      countries: {
        type: "geojson",
        data: data("countries-50m"),
        attribution: "Natural Earth",
        tolerance: 0.6,
      },
      borders: { type: "geojson", data: data("borders-50m") },
      labels: { type: "geojson", data: data("country-labels") },
      detailAreas: { type: "geojson", data: data("detail-areas") },
      detailLand: { type: "geojson", data: data("land-10m-detail"), tolerance: 0.4 },
      detailBorders: { type: "geojson", data: data("borders-10m-detail") },
    },
    layers: [
      { id: "water", type: "background", paint: { "background-color": COLORS.water } },
      { id: "land", type: "fill", source: "countries", paint: { "fill-color": COLORS.land } },
      // Around the corridors the coarse coast gives way to the detailed one.
      {
        id: "detail-sea",
        type: "fill",
        source: "detailAreas",
        minzoom: DETAIL_ZOOM,
        paint: { "fill-color": COLORS.water },
      },
      {
        id: "detail-land",
        type: "fill",
        source: "detailLand",
        minzoom: DETAIL_ZOOM,
        paint: { "fill-color": COLORS.landDetail },
      },
      {
        id: "borders",
        type: "line",
        source: "borders",
        maxzoom: DETAIL_ZOOM,
        paint: { "line-color": COLORS.border, "line-width": 0.8, "line-dasharray": [3, 2] },
      },
      {
        id: "detail-borders",
        type: "line",
        source: "detailBorders",
        minzoom: DETAIL_ZOOM,
        paint: { "line-color": COLORS.border, "line-width": 1.2, "line-dasharray": [3, 2] },
      },
      {
        id: "country-labels",
        type: "symbol",
        source: "labels",
        minzoom: 2.5,
        maxzoom: 8,
        layout: {
          "text-field": ["get", "name"],
          "text-font": LABEL_FONT,
          "text-size": 12,
          "text-transform": "uppercase",
          "text-letter-spacing": 0.1,
        },
        paint: { "text-color": COLORS.label, "text-halo-color": COLORS.labelHalo, "text-halo-width": 1.2 },
      },
    ],
  };
}
