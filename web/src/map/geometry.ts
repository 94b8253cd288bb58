/** Small helpers on `[lon, lat]` positions as the API gives them (arrays of numbers). */

export type LonLat = [number, number];
export type Bounds = [LonLat, LonLat];

/** A position from the API's `[lon, lat]` array, or undefined when it is not one. */
export function lonLat(position: readonly number[] | undefined): LonLat | undefined {
  const [lon, lat] = position ?? [];
  return lon === undefined || lat === undefined || !Number.isFinite(lon) || !Number.isFinite(lat)
    ? undefined
    : [lon, lat];
}

/** Every well-formed position of a list. */
export function lonLats(positions: readonly (readonly number[])[]): LonLat[] {
  const out: LonLat[] = [];
  for (const p of positions) {
    const ll = lonLat(p);
    if (ll !== undefined) out.push(ll);
  }
  return out;
}

/** The south-west and north-east corners around the positions, or undefined for none. */
export function boundsOf(positions: Iterable<readonly [number, number]>): Bounds | undefined {
  let west = 180;
  let south = 90;
  let east = -180;
  let north = -90;
  let any = false;
  for (const [lon, lat] of positions) {
    any = true;
    west = Math.min(west, lon);
    east = Math.max(east, lon);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  }
  return any
    ? [
        [west, south],
        [east, north],
      ]
    : undefined;
}

/**
 * The largest group of nearby items: their positions fall into cells of `cellDeg` degrees, touching
 * occupied cells (eight neighbours) form a group, and the group with the most positions wins. An
 * operator's first view frames one region's conveyances this way rather than every corridor of a
 * continent at once. Linear in the number of positions.
 */
export function largestGroup<T>(items: readonly T[], positionOf: (item: T) => LonLat, cellDeg = 4): T[] {
  const cells = new Map<string, T[]>();
  for (const p of items) {
    const [lon, lat] = positionOf(p);
    const x = Math.floor(lon / cellDeg);
    const y = Math.floor(lat / cellDeg);
    const k = `${x},${y}`;
    const list = cells.get(k);
    if (list === undefined) cells.set(k, [p]);
    else list.push(p);
  }
  const seen = new Set<string>();
  let best: T[] = [];
  for (const start of cells.keys()) {
    if (seen.has(start)) continue;
    const group: T[] = [];
    const queue = [start];
    seen.add(start);
    while (queue.length > 0) {
      const k = queue.pop()!;
      group.push(...cells.get(k)!);
      const [x, y] = k.split(",").map(Number) as [number, number];
      for (let dx = -1; dx <= 1; dx++)
        for (let dy = -1; dy <= 1; dy++) {
          const n = `${x + dx},${y + dy}`;
          if (!seen.has(n) && cells.has(n)) {
            seen.add(n);
            queue.push(n);
          }
        }
    }
    if (group.length > best.length) best = group;
  }
  return best;
}
