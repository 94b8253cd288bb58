/**
 * The encoded polyline format (Google's algorithm) at a precision of 1e-5 degrees, with each vertex
 * written longitude first, to match the `[lon, lat]` order used everywhere in Sealwatch. Compact
 * enough to keep whole corridor routes in source code.
 */
import type { LonLat } from "../core/geo/sphere.js";

const PRECISION = 1e5;

function encodeValue(value: number): string {
  let v = value < 0 ? ~(value << 1) : value << 1;
  let out = "";
  while (v >= 0x20) {
    out += String.fromCharCode((0x20 | (v & 0x1f)) + 63);
    v >>= 5;
  }
  return out + String.fromCharCode(v + 63);
}

/** Encodes `[lon, lat]` vertices (rounded to 1e-5 degrees). */
export function encodePolyline(points: readonly LonLat[]): string {
  let out = "";
  let lastLon = 0;
  let lastLat = 0;
  for (const [lon, lat] of points) {
    const iLon = Math.round(lon * PRECISION);
    const iLat = Math.round(lat * PRECISION);
    out += encodeValue(iLon - lastLon) + encodeValue(iLat - lastLat);
    lastLon = iLon;
    lastLat = iLat;
  }
  return out;
}

/** Decodes a polyline written by `encodePolyline`; throws on a truncated string. */
export function decodePolyline(text: string): LonLat[] {
  const values: number[] = [];
  let i = 0;
  while (i < text.length) {
    let shift = 0;
    let result = 0;
    let byte: number;
    do {
      if (i >= text.length) throw new Error("truncated polyline");
      byte = text.charCodeAt(i++) - 63;
      result |= (byte & 0x1f) << shift;
      shift += 5;
    } while (byte >= 0x20);
    values.push(result & 1 ? ~(result >> 1) : result >> 1);
  }
  if (values.length % 2 !== 0) throw new Error("a polyline has an odd number of values");
  const points: LonLat[] = [];
  let lon = 0;
  let lat = 0;
  for (let k = 0; k < values.length; k += 2) {
    lon += values[k]!;
    lat += values[k + 1]!;
    points.push([lon / PRECISION, lat / PRECISION]);
  }
  return points;
}
