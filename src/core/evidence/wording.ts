/**
 * The plain words of an alarm's reason, from its measured values (and the device's own report where
 * it gives one): "2.4 km off the corridor (corridor 1 km) for 12 min", "stopped 42 min (allowed 30 min)".
 */
import { formatTimeMs } from "../time/rfc3339.js";
import type { EvidenceMeasure } from "./alarm-evidence.js";

/** "45 s", "12 min", "2 h 5 min", "3 d 4 h". */
export function formatDurationS(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** "850 m", "2.4 km", "37 km". */
export function formatDistanceM(metres: number): string {
  if (metres < 1000) return `${Math.round(metres)} m`;
  const km = metres / 1000;
  return km < 10 ? `${km.toFixed(1).replace(/\.0$/, "")} km` : `${Math.round(km)} km`;
}

function named(id: string, name: string | undefined): string {
  return name === undefined || name === id ? id : `${name} (${id})`;
}

/** The reason in plain words; `deviceWords` is what the device itself reported, if anything. */
export function reasonOf(measure: EvidenceMeasure, deviceWords: readonly string[] = []): string {
  const own = deviceWords.length > 0 ? deviceWords.join("; ") : undefined;
  switch (measure.type) {
    case "route_deviation":
      return `${formatDistanceM(measure.distanceM)} off the corridor (corridor ${formatDistanceM(measure.corridorM)}) for ${formatDurationS(measure.durationS)}`;
    case "unauthorized_stop":
      return `stopped ${formatDurationS(measure.durationS)} outside offices and rest areas (allowed ${formatDurationS(measure.allowedS)})`;
    case "restricted_zone":
      return `entered restricted zone ${named(measure.zoneId, measure.zoneName)}, inside for ${formatDurationS(measure.durationS)}`;
    case "low_battery":
      return `battery at ${measure.batteryPct} % (alarm at ${measure.thresholdPct} %, clears at ${measure.clearPct} %)`;
    case "signal_loss":
      return `no message for ${formatDurationS(measure.silentS)} (allowed ${formatDurationS(measure.allowedS)})${measure.sinceArming ? " since the trip was armed" : ""}`;
    case "overdue":
      return `not arrived at ${named(measure.destination, measure.destinationName)} ${formatDurationS(measure.lateS)} after the deadline ${formatTimeMs(measure.deadlineMs)}`;
    case "tamper": {
      const what = own ?? "tampering reported by the device";
      return measure.reports > 1 ? `${what} (${measure.reports} reports in a row)` : what;
    }
    case "unauthorized_opening": {
      const where = measure.located
        ? "outside any customs office"
        : `with no position within ${formatDurationS(measure.maxFixAgeS)} to place it in an office`;
      return `${own ?? "seal opened"} ${where}`;
    }
    case "unexpected_checkpoint":
      return `seal read at ${named(measure.office, measure.officeName)}, not an office of the declared itinerary (expected ${measure.expectedOffices.join(", ")})`;
    case "seal_mismatch":
      return `seal number ${measure.sealNumber} read at ${named(measure.office, measure.officeName)} is not declared (declared ${measure.declaredSeals.join(", ")})`;
  }
}
