/** What the operator commands (`db status`, `audit verify`) need beyond the Store port. */
import type { Store } from "./ports.js";

/** Tables whose row counts `db status` shows. */
export const COUNTED_TABLES = [
  "readings",
  "devices",
  "zones",
  "trips",
  "commands",
  "alarms",
  "audit_log",
  "users",
] as const;

export interface AdminStore extends Store {
  /** Row counts of `COUNTED_TABLES` (a table the schema does not have yet is left out). */
  counts(): Promise<Record<string, number>>;
}
