/**
 * Where an event happened: its `readPoint` and `bizLocation` ids, classified, with the position
 * of a `geo:` URI (RFC 5870) decoded. Which office a location is stays the caller's business.
 */

export type LocationKind = "sgln" | "digital-link" | "geo" | "other";

export interface LonLatAlt {
  readonly lon: number;
  readonly lat: number;
  readonly altitudeM?: number;
}

export interface LocationRef {
  readonly role: "readPoint" | "bizLocation";
  /** The id exactly as sent. */
  readonly id: string;
  readonly kind: LocationKind;
  /** Decoded position of a `geo:` id. */
  readonly geo?: LonLatAlt;
}

/** Maps a read point or business location to an office zone id, or undefined when it is not an office. */
export type OfficeResolver = (location: LocationRef) => string | undefined;

const MAX_LOCATION_LENGTH = 512;
const NUMBER = "[-+]?\\d{1,3}(?:\\.\\d{1,15})?";
const GEO = new RegExp(
  `^geo:(${NUMBER}),(${NUMBER})(?:,([-+]?\\d{1,6}(?:\\.\\d{1,15})?))?((?:;[^;]*)*)$`,
  "i",
);
const SGLN = /^urn:epc:id:sgln:\d{6,12}\.\d{0,6}\.[^\s]{1,20}$/;
const GLN_DIGITAL_LINK =
  /^https?:\/\/[^/?#\s]+(?:\/[^?#\s]*)?\/414\/\d{13}(?:\/254\/[^/?#\s]{1,20})?(?:[?#]\S*)?$/;

/**
 * The position of a `geo:` URI: `geo:lat,lon[,alt][;crs=wgs84][;u=…]`. Other coordinate reference
 * systems and out-of-range coordinates give undefined.
 */
export function parseGeoUri(text: string): LonLatAlt | undefined {
  if (text.length > MAX_LOCATION_LENGTH) return undefined;
  const m = GEO.exec(text);
  if (m === null) return undefined;
  const lat = Number(m[1]);
  const lon = Number(m[2]);
  if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) return undefined;
  for (const param of (m[4] ?? "").split(";").slice(1)) {
    const [name, value] = param.split("=");
    if (name?.toLowerCase() === "crs" && value?.toLowerCase() !== "wgs84") return undefined;
  }
  return m[3] === undefined ? { lon, lat } : { lon, lat, altitudeM: Number(m[3]) };
}

export function locationRef(role: LocationRef["role"], id: string): LocationRef {
  if (id.length <= MAX_LOCATION_LENGTH) {
    if (SGLN.test(id)) return { role, id, kind: "sgln" };
    if (GLN_DIGITAL_LINK.test(id)) return { role, id, kind: "digital-link" };
    const geo = parseGeoUri(id);
    if (geo !== undefined) return { role, id, kind: "geo", geo };
  }
  return { role, id, kind: "other" };
}
