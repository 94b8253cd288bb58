/** A versioned schema change. The SQL lives in .ts modules so that it ships in dist/. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Checks that versions run 1, 2, 3... with no gap (a programming error otherwise). */
export function checkMigrations(migrations: readonly Migration[]): readonly Migration[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  return migrations;
}
