/** Small SQL builders for PostgreSQL statements. */

/** `$1, $2, ... $n`. */
export function placeholders(n: number, from = 1): string {
  return Array.from({ length: n }, (_, i) => `$${i + from}`).join(", ");
}

/** `INSERT ... ON CONFLICT (key) DO UPDATE` setting every other column. */
export function upsertSql(table: string, columns: readonly string[], key: readonly string[]): string {
  const updates = columns.filter((c) => !key.includes(c)).map((c) => `${c} = excluded.${c}`);
  return `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${placeholders(columns.length)})
    ON CONFLICT (${key.join(", ")}) DO UPDATE SET ${updates.join(", ")}`;
}
