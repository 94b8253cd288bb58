/** How reasons are worded for officers: durations, distances and positions as people write them. */
import type { LonLat } from "../geo/sphere.js";

/** "6 min", "2 h 05 min", "3 d 4 h". */
export function durationWords(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** "3.4 km", "850 m". */
export function distanceWords(m: number): string {
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`;
}

/** `[100.91, 13.52]` → "13.52 N 100.91 E" (latitude first, as charts and officers write it). */
export function positionWords([lon, lat]: LonLat): string {
  return `${Math.abs(lat).toFixed(2)} ${lat < 0 ? "S" : "N"} ${Math.abs(lon).toFixed(2)} ${lon < 0 ? "W" : "E"}`;
}

/** Points rounded to one decimal, so that reasons and scores read cleanly and compare exactly. */
export function points(value: number): number {
  return Math.round(value * 10) / 10;
}
