import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Kept to the PostgreSQL 15 ∩ 18 subset: PGlite embeds 18, CI runs Debian's 15.

/** Creates the `orders` table and the indexes behind the scoped, keyset-paginated list queries. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('items', 'jsonb', (c) => c.notNull())
    .addColumn('total_cents', 'bigint', (c) => c.notNull().check(sql`total_cents >= 0`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'cancelled', 'fulfilled')`))
    .addColumn('internal_note', 'text')
    .addColumn('risk_score', 'integer', (c) => c.check(sql`risk_score between 0 and 100`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // Customers list their own orders; support/admin list their org's. Both newest first.
  await db.schema.createIndex('orders_owner_list_idx').on('orders').columns(['org_id', 'owner_id', 'created_at desc', 'id desc']).execute();
  await db.schema.createIndex('orders_org_list_idx').on('orders').columns(['org_id', 'created_at desc', 'id desc']).execute();
}

/** Drops the `orders` table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('orders').execute();
}
