/** Severity and state shown as text on a coloured badge (never colour alone). */
import type { Severity, TripState } from "../api/types.js";
import { STATE_LABELS } from "../format.js";

export function SeverityBadge({ severity }: { severity: Severity | undefined }) {
  return <span className={`badge sev-${severity ?? "none"}`}>{severity ?? "no alarm"}</span>;
}

export function StateBadge({ state }: { state: TripState }) {
  return <span className={`badge state-${state}`}>{STATE_LABELS[state]}</span>;
}
