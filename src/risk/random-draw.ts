/**
 * The seeded draw of the random selection: HMAC-SHA256 of the trip id under a secret seed, read as a
 * number in [0, 1). The same seed and trip give the same draw (audited, replayable, and the same in a
 * what-if under other rules); without the seed nobody can tell in advance which trips are picked.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import type { Store } from "../store/ports.js";

const SEED_KEY = "risk.randomSeed";

export function randomDraw(seed: string, tripId: string): number {
  const digest = createHmac("sha256", seed).update(tripId, "utf8").digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** A short public fingerprint of the seed, recorded in the audit log (the seed itself never is). */
export function seedFingerprint(seed: string): string {
  return createHash("sha256").update(seed, "utf8").digest("hex").slice(0, 16);
}

/** The seed kept in the store, if one was made (read only: a what-if must not make one). */
export function keptSeed(store: Store): Promise<string | undefined> {
  return store.engineState.get(SEED_KEY);
}

/**
 * The configured seed, else the one kept in the store, else a new one kept there (and audited by
 * its fingerprint) so that draws stay the same across restarts.
 */
export async function randomSeed(
  store: Store,
  configured: string | undefined,
  nowMs: number,
): Promise<string> {
  if (configured !== undefined && configured !== "") return configured;
  const kept = await store.engineState.get(SEED_KEY);
  if (kept !== undefined) return kept;
  const seed = randomBytes(32).toString("hex");
  await store.engineState.set(SEED_KEY, seed);
  await store.audit.append({
    atMs: nowMs,
    actor: "system",
    action: "risk.seed",
    subjectType: "risk",
    subjectId: "random-selection",
    details: { fingerprint: seedFingerprint(seed) },
  });
  return seed;
}
