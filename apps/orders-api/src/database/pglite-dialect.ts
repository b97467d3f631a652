import type { PGlite } from '@electric-sql/pglite';
import { PostgresDialect } from 'kysely';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * Kysely's own `PostgresDialect` over an embedded PGlite instance. PGlite is one connection, so
 * checkouts are serialised: a transaction holds the only "connection" until it is released.
 * (Replaces the `kysely-pglite` package, whose dependencies are heavy.)
 *
 * @example
 * ```ts
 * const db = new Kysely<DatabaseSchema>({ dialect: pgliteDialect(await PGlite.create()) });
 * ```
 */
export function pgliteDialect(pglite: PGlite): PostgresDialect {
  let queue: Promise<void> = Promise.resolve();
  const query = async <R>(text: string, params?: readonly unknown[]): Promise<PostgresQueryResult<R>> => {
    const result = await pglite.query<R>(text, params ? [...params] : undefined);
    return {
      rows: result.rows,
      rowCount: result.affectedRows ?? result.rows.length,
      command: (text.trimStart().split(/\s/, 1)[0] ?? '').toUpperCase() as PostgresQueryResult<R>['command'],
    };
  };
  const pool: PostgresPool = {
    async connect(): Promise<PostgresPoolClient> {
      let release!: () => void;
      const previous = queue;
      queue = new Promise<void>((resolve) => (release = resolve));
      await previous;
      // Only the (sql, parameters) overload is used: no cursor is configured on the dialect.
      return { query, release } as unknown as PostgresPoolClient;
    },
    async end(): Promise<void> {},
    options: {},
  };
  return new PostgresDialect({ pool });
}
