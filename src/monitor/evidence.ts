/** The engine's evidence of an alarm completed from the store: the readings it rests on, in the device's words. */
import type { AlarmEvidence } from "../core/evidence/alarm-evidence.js";
import { withDeviceReports } from "../core/evidence/enrich.js";
import type { ReadingRecord, Store } from "../store/ports.js";

/** Loads the stored readings the evidence names (by device and event time) and adds what they say. */
export async function storedEvidence(store: Store, evidence: AlarmEvidence): Promise<AlarmEvidence> {
  const stored: ReadingRecord[] = [];
  const seen = new Set<string>();
  for (const { deviceId, atMs } of evidence.readings) {
    const key = `${deviceId}\u0000${atMs}`;
    if (seen.has(key)) continue;
    seen.add(key);
    stored.push(...(await store.readings.forDevice(deviceId, atMs, atMs + 1)));
  }
  return withDeviceReports(evidence, stored);
}
