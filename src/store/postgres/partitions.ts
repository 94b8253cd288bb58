/**
 * Daily range partitions of `readings` by event time (UTC days of `at_ms`). Partitions are created
 * ahead (today - 1 to today + aheadDays at open, and again whenever a batch needs one) and on demand
 * for any day within [today - pastDays, today + aheadDays]; readings outside that window (a device
 * clock set to 1970 or 2099) land in the DEFAULT partition. Creating a partition whose day already
 * has rows in the default partition moves those rows into it. Creation is serialized across
 * processes with an advisory lock.
 */
import type pg from "pg";
import type { PgDb } from "./pg-db.js";

export const DAY_MS = 86_400_000;
/** pg_advisory_xact_lock key for partition changes ("SWPART"). */
const PARTITION_LOCK = 0x5357_5041_5254;

export interface PartitionInfo {
  readonly name: string;
  /** Inclusive lower bound of at_ms. */
  readonly fromMs: number;
  /** Exclusive upper bound of at_ms. */
  readonly toMs: number;
}

export interface PartitionPolicy {
  /** Days after today created ahead (default 7). */
  readonly aheadDays: number;
  /** How far back a batch may create a partition on demand, in days (default 3650). */
  readonly pastDays: number;
}

/** `readings_p20250131` for the UTC day holding `dayIndex * DAY_MS`. */
export function partitionName(dayIndex: number): string {
  return `readings_p${new Date(dayIndex * DAY_MS).toISOString().slice(0, 10).replaceAll("-", "")}`;
}

export class Partitions {
  private readonly known = new Set<number>();

  constructor(
    private readonly db: PgDb,
    readonly policy: PartitionPolicy,
  ) {}

  /** The day partitions that exist (not the default one), oldest first. */
  async list(): Promise<PartitionInfo[]> {
    const { rows } = await this.db.query<{ name: string; bound: string }>(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'readings'::regclass`,
    );
    const partitions: PartitionInfo[] = [];
    for (const row of rows) {
      const match = /FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)/.exec(row.bound);
      if (match === null) continue;
      partitions.push({ name: row.name, fromMs: Number(match[1]), toMs: Number(match[2]) });
    }
    partitions.sort((a, b) => a.fromMs - b.fromMs);
    this.known.clear();
    for (const p of partitions) this.known.add(Math.floor(p.fromMs / DAY_MS));
    return partitions;
  }

  /** Creates the partitions from yesterday to `aheadDays` after today. */
  async ensureAhead(nowMs: number): Promise<void> {
    if (this.known.size === 0) await this.list();
    const today = Math.floor(nowMs / DAY_MS);
    for (let day = today - 1; day <= today + this.policy.aheadDays; day++) await this.ensureDay(day);
  }

  /** Creates what a batch with these event times needs (days in the window that have none yet). */
  async ensureFor(atMs: readonly number[], nowMs: number): Promise<void> {
    const today = Math.floor(nowMs / DAY_MS);
    let missing: Set<number> | undefined;
    for (const t of atMs) {
      const day = Math.floor(t / DAY_MS);
      if (this.known.has(day) || day < today - this.policy.pastDays || day > today + this.policy.aheadDays)
        continue;
      (missing ??= new Set()).add(day);
    }
    if (missing === undefined) return;
    for (const day of [...missing].sort((a, b) => a - b)) await this.ensureDay(day);
    // Keep the horizon moving on a server that runs for weeks.
    if (!this.known.has(today + this.policy.aheadDays)) await this.ensureAhead(nowMs);
  }

  /** Forgets a dropped partition. */
  forget(fromMs: number): void {
    this.known.delete(Math.floor(fromMs / DAY_MS));
  }

  private async ensureDay(day: number): Promise<void> {
    if (this.known.has(day)) return;
    const name = partitionName(day);
    const from = day * DAY_MS;
    const to = from + DAY_MS;
    await this.db.transaction(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock($1)", [PARTITION_LOCK]);
      if (await exists(c, name)) return;
      const stray = await c.query("SELECT 1 FROM readings_default WHERE at_ms >= $1 AND at_ms < $2 LIMIT 1", [
        from,
        to,
      ]);
      if (stray.rowCount === 0) {
        await c.query(`CREATE TABLE ${name} PARTITION OF readings FOR VALUES FROM (${from}) TO (${to})`);
        return;
      }
      // The default partition holds readings of this day: move them into the new partition.
      await c.query("ALTER TABLE readings DETACH PARTITION readings_default");
      await c.query(`CREATE TABLE ${name} PARTITION OF readings FOR VALUES FROM (${from}) TO (${to})`);
      await c.query(`INSERT INTO ${name} SELECT * FROM readings_default WHERE at_ms >= $1 AND at_ms < $2`, [
        from,
        to,
      ]);
      await c.query("DELETE FROM readings_default WHERE at_ms >= $1 AND at_ms < $2", [from, to]);
      await c.query("ALTER TABLE readings ATTACH PARTITION readings_default DEFAULT");
    });
    this.known.add(day);
  }
}

async function exists(c: pg.PoolClient, name: string): Promise<boolean> {
  const { rowCount } = await c.query(
    "SELECT 1 FROM pg_class WHERE relname = $1 AND relnamespace = current_schema()::regnamespace",
    [name],
  );
  return rowCount !== null && rowCount > 0;
}
