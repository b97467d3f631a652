import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config/app-config.js';
import { ConfigError } from '../config/config-error.js';
import type { DatabaseSchema } from './database-schema.js';
import { pgliteDialect } from './pglite-dialect.js';

/** An open database: the Kysely handle plus lifecycle and health hooks. */
export interface OpenDatabase {
  readonly db: Kysely<DatabaseSchema>;
  /** `pglite` (embedded, on disk or in memory) or `postgres`. */
  readonly engine: 'pglite' | 'postgres';
  /** Where it is, without credentials (`memory`, a directory, or `host:port/db`). */
  readonly location: string;
  /** Runs `select 1`; rejects when the database cannot answer. */
  ping(): Promise<void>;
  /** Closes the pool / the embedded instance. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the configured database and checks that it answers. An unreachable PostgreSQL server
 * becomes a {@link ConfigError} naming `DATABASE_URL`, the host and the error code (never the password).
 *
 * @example
 * ```ts
 * const database = await openDatabase({ kind: 'memory' });
 * await database.db.selectFrom('orders').selectAll().execute();
 * await database.close();
 * ```
 */
export async function openDatabase(config: DatabaseConfig): Promise<OpenDatabase> {
  if (config.kind === 'postgres') return openPostgres(config.url, config.display);
  return openPglite(config.kind === 'memory' ? undefined : config.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<OpenDatabase> {
  let pglite: PGlite;
  try {
    if (dataDir) await mkdir(dataDir, { recursive: true });
    pglite = await PGlite.create(dataDir === undefined ? undefined : { dataDir });
  } catch (error) {
    throw new ConfigError([
      `DATABASE_URL: cannot open the embedded database${dataDir ? ` in ${dataDir}` : ''} (${errorCode(error)}); is another process using it?`,
    ]);
  }
  const db = new Kysely<DatabaseSchema>({ dialect: pgliteDialect(pglite) });
  let closed: Promise<void> | undefined;
  return {
    db,
    engine: 'pglite',
    location: dataDir ?? 'memory',
    async ping() {
      await sql`select 1`.execute(db);
    },
    close() {
      closed ??= (async () => {
        await db.destroy();
        await pglite.close();
      })();
      return closed;
    },
  };
}

async function openPostgres(url: string, display: string): Promise<OpenDatabase> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'portcullis-orders-api',
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener the
  // process would crash. The next checkout reconnects (or fails the request with a 500/503).
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new ConfigError([`DATABASE_URL: cannot connect to PostgreSQL at ${display} (${errorCode(error)})`]);
  }
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  let closed: Promise<void> | undefined;
  return {
    db,
    engine: 'postgres',
    location: display,
    async ping() {
      await sql`select 1`.execute(db);
    },
    close() {
      closed ??= db.destroy(); // ends the pool
      return closed;
    },
  };
}

/** A short, secret-free description of a connection error (`ECONNREFUSED`, `28P01` …). */
function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const { code, errors } = error as { code?: unknown; errors?: unknown };
    if (typeof code === 'string') return code;
    // Node's AggregateError (IPv4 + IPv6 attempts) carries the codes on its members.
    if (Array.isArray(errors) && errors[0] && typeof (errors[0] as { code?: unknown }).code === 'string') {
      return (errors[0] as { code: string }).code;
    }
    if (error instanceof Error && /timeout/i.test(error.message)) return 'timeout';
  }
  return 'unknown error';
}
