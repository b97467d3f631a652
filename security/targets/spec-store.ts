/**
 * The data behind the SPEC target app (targets a–c): the SPEC §0.2 orders mapped onto the
 * project's principals (alice/bob of org `acme`, carol of org `globex`), with spies that count
 * every handler run, every resource load and every write. The conformance runner reads them
 * before and after each request to prove "nothing downstream ran" (SPEC §0.3 NDR).
 *
 * Rows are immutable: writes are counted but change nothing, so cases are independent of order.
 */

/** One order of the SPEC target app. */
export interface SpecOrder {
  readonly id: string;
  readonly ownerId: string;
  readonly orgId: string;
  readonly totalCents: number;
  /** Internal field (SPEC 117): only support/admin see it. */
  readonly internalNote: string;
}

/** SPEC §0.2 orders: `o-a1` (alice, t1 = acme), `o-b1` (bob, t1), `o-c1` (carol, t2 = globex). */
export const SPEC_ORDERS: readonly SpecOrder[] = Object.freeze(
  [
    { id: 'o-a1', ownerId: 'alice', orgId: 'acme', totalCents: 2598, internalNote: 'internal: loyal customer' },
    { id: 'o-b1', ownerId: 'bob', orgId: 'acme', totalCents: 25900, internalNote: 'internal: two chargebacks' },
    { id: 'o-c1', ownerId: 'carol', orgId: 'globex', totalCents: 5990, internalNote: 'internal: procurement contact' },
  ].map((o) => Object.freeze(o)),
);

/** Spy counters of one target. */
export interface DownstreamCounters {
  /** Route handler bodies that ran. */
  readonly handler: number;
  /** Resource loads (ownership lookups). */
  readonly loads: number;
  /** Write attempts (create, update, delete). */
  readonly writes: number;
}

/** The in-memory "database" of one SPEC target, with spies. */
export class SpecStore {
  private handlerRuns = 0;
  private loadCount = 0;
  private writeCount = 0;
  private readonly byId = new Map(SPEC_ORDERS.map((o) => [o.id, o]));

  /** A snapshot of the counters. */
  counters(): DownstreamCounters {
    return { handler: this.handlerRuns, loads: this.loadCount, writes: this.writeCount };
  }

  /** Called first thing by every handler. */
  handlerRan(): void {
    this.handlerRuns++;
  }

  /** Ownership lookup by id (`undefined` when absent). */
  load(id: string): SpecOrder | undefined {
    this.loadCount++;
    return this.byId.get(id);
  }

  /** Rows matching an equality filter from core's `scopeQuery` (`orgId`, `ownerId`). */
  list(filter: Readonly<Record<string, string>>): SpecOrder[] {
    return SPEC_ORDERS.filter((o) =>
      Object.entries(filter).every(([field, value]) => (o as unknown as Record<string, unknown>)[field] === value),
    );
  }

  /** A write attempt (counted; rows stay immutable). */
  write(): void {
    this.writeCount++;
  }
}

/** What a caller sees of an order: internal fields only for support (and admin, by hierarchy). */
export function orderView(order: SpecOrder, roles: ReadonlySet<string>): Record<string, unknown> {
  const base = { id: order.id, ownerId: order.ownerId, orgId: order.orgId, totalCents: order.totalCents };
  return roles.has('support') ? { ...base, internalNote: order.internalNote } : base;
}
