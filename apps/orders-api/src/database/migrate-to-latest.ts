import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { MIGRATIONS } from './migrations/index.js';

/**
 * Applies every pending migration (Kysely's `Migrator`, with its lock table, so two instances
 * starting together against one PostgreSQL do not race). Returns the names it applied.
 *
 * @example
 * ```ts
 * const applied = await migrateToLatest(database.db);
 * ```
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  // Kysely looks its bookkeeping tables up in information_schema without regard to search_path:
  // pinning them to the current schema keeps deployments that share a database (one schema each,
  // selected with search_path) from seeing each other's migration tables.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ? `"${failed}" ` : ''}failed`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
