import type { Pool } from 'pg';

export interface Migration {
  /** Ordered, never edited once released: `YYYYMMDDHHMM_description`. */
  id: string;
  sql: string;
}

/**
 * Applies each migration once, in id order, under an advisory lock so that several instances
 * starting together do not race. The ledger table is per component (`table`), so libraries and
 * services keep their histories apart in one database.
 */
export async function runMigrations(
  pool: Pool,
  table: string,
  migrations: readonly Migration[],
): Promise<string[]> {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`Invalid migration table name: ${table}`);
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [table]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${table} (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ id: string }>(`SELECT id FROM ${table}`);
    const done = new Set(rows.map((row) => row.id));
    for (const migration of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
      if (done.has(migration.id)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(`INSERT INTO ${table} (id) VALUES ($1)`, [migration.id]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      applied.push(migration.id);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [table]).catch(() => undefined);
    client.release();
  }
  return applied;
}
