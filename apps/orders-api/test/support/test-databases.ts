import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/config/app-config.js';

/** A database the suites run against, with its clean-up. */
export interface TestDatabase {
  readonly name: string;
  /** Creates an isolated database config (a fresh schema on PostgreSQL). */
  create(): Promise<{ config: DatabaseConfig; dispose(): Promise<void> }>;
}

/**
 * The databases available to this run: embedded PGlite in memory always, and PostgreSQL when
 * `TEST_DATABASE_URL` (postgres://…) is set. Use with `describe.each(testDatabases())`.
 */
export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [
    { name: 'PGlite (memory://)', create: async () => ({ config: { kind: 'memory' }, dispose: async () => undefined }) },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) list.push({ name: 'PostgreSQL (TEST_DATABASE_URL)', create: () => createPostgresSchema(url) });
  return list;
}

/**
 * A throw-away schema on the PostgreSQL server, selected through the connection's
 * `search_path`, so test files running in parallel never share a table.
 */
async function createPostgresSchema(url: string): Promise<{ config: DatabaseConfig; dispose(): Promise<void> }> {
  const schema = `orders_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return {
    config: { kind: 'postgres', url: scoped.href, display: `${scoped.hostname}:${scoped.port}/${schema}` },
    async dispose() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
