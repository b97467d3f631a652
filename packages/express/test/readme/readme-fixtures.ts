/**
 * What the README's examples take for granted — an orders table and the route handlers they
 * mount by name (`health`, `list`, `deleteOrder` …) — made observable: every handler records
 * that it ran and what `req.auth` held, so a test can tell "the handler ran" from "it did not".
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Principal } from '@portcullis/express';

export interface Order {
  id: string;
  ownerId: string;
  orgId: string;
}

/** alice and bob are customers of acme, carol of globex. */
export const ORDER_ROWS: readonly Order[] = Object.freeze([
  { id: 'o1', ownerId: 'alice', orgId: 'acme' },
  { id: 'o2', ownerId: 'bob', orgId: 'acme' },
  { id: 'o3', ownerId: 'carol', orgId: 'globex' },
]);

/** The data-access object of the examples; `loads` counts the lookups by id. */
export function createOrders() {
  let loads = 0;
  const findById = async (id: string): Promise<Order | undefined> => {
    loads += 1;
    return ORDER_ROWS.find((row) => row.id === id);
  };
  return {
    findById,
    /** The name the express-oauth2-jwt-bearer migration uses. */
    find: findById,
    async findMany(where: Readonly<Record<string, string>>): Promise<Order[]> {
      return ORDER_ROWS.filter((row) => Object.entries(where).every(([k, v]) => row[k as keyof Order] === v));
    },
    loads: () => loads,
  };
}

/** One handler run: its name, and the subject and `req.auth` keys it saw. */
export interface HandlerRun {
  readonly name: string;
  readonly subject: string | null;
  readonly authKeys: readonly string[] | null;
  readonly body: unknown;
}

/** Named route handlers that record their runs and answer `{ handler, subject }`. */
export function createHandlers() {
  const runs: HandlerRun[] = [];
  const named =
    (name: string): RequestHandler =>
    (req: Request, res: Response) => {
      runs.push({
        name,
        subject: req.auth?.principal.subject ?? null,
        authKeys: req.auth === undefined ? null : Object.keys(req.auth),
        body: req.body as unknown,
      });
      res.json({ handler: name, subject: req.auth?.principal.subject ?? null });
    };
  return {
    named,
    /** The names of the handlers that ran, in order. */
    ran: () => runs.map((r) => r.name),
    runs,
    reset(): void {
      runs.length = 0;
    },
    /** A function of the principal (Getting started, step 2). */
    listOrdersFor(principal: Principal): Order[] {
      runs.push({ name: 'listOrdersFor', subject: principal.subject, authKeys: null, body: undefined });
      return ORDER_ROWS.filter((row) => row.ownerId === principal.subject);
    },
    /** A function of the subject (the migration examples). */
    list(subject: string): Order[] {
      runs.push({ name: 'list', subject, authKeys: null, body: undefined });
      return ORDER_ROWS.filter((row) => row.ownerId === subject);
    },
  };
}
