// The guide's Express example, app side (docs/guides/testing-your-api.md): an orders API guarded by @portcullis/express.
import { randomUUID } from 'node:crypto';
import express from 'express';
import {
  portcullis,
  portcullisErrorHandler,
  portcullisRouter,
  publicRoute,
  requireOwnership,
  requireRoles,
  requireScopes,
} from '@portcullis/express';
import type { PortcullisMiddlewareOptions } from '@portcullis/express';

export interface Order {
  readonly id: string;
  readonly ownerId: string;
  readonly orgId: string;
  readonly sku: string;
  readonly qty: number;
}

/** How this API reads its tokens; exported so the tests run the very same rules. */
export const AUTHORIZATION = {
  claims: { roles: ['roles'], tenant: 'org_id' },
  roleHierarchy: { admin: ['support'] },
  realm: 'orders',
  publicPaths: ['/health'],
} satisfies Partial<PortcullisMiddlewareOptions>;

/** The app, given its Portcullis options (production: issuer, audience and jwksUri from the environment). */
export function createApp(options: PortcullisMiddlewareOptions): express.Express {
  const orders = new Map<string, Order>(
    [
      { id: 'ord-alice-1', ownerId: 'alice', orgId: 'acme', sku: 'A-1', qty: 1 },
      { id: 'ord-bob-1', ownerId: 'bob', orgId: 'acme', sku: 'B-2', qty: 2 },
      { id: 'ord-carol-1', ownerId: 'carol', orgId: 'globex', sku: 'C-3', qty: 3 },
    ].map((order) => [order.id, order]),
  );
  const load = (req: express.Request) => orders.get(String(req.params['id']));
  const readable = requireOwnership<Order>({
    load,
    ownerOf: (o) => o.ownerId,
    tenantOf: (o) => o.orgId,
    allowRoles: ['support'],
  });
  const deletable = requireOwnership<Order>({ load, tenantOf: (o) => o.orgId, allowRoles: ['admin'] });

  const app = express();
  app.use(express.json());
  app.use(portcullis(options));
  // Deny by default: a route registered here without a rule answers 403 ERR_NO_RULE.
  const api = portcullisRouter();
  api.get('/health', publicRoute(), (_req, res) => {
    res.json({ ok: true });
  });
  api.get('/orders', requireScopes('orders:read'), (req, res) => {
    res.json([...orders.values()].filter((o) => o.ownerId === req.auth!.principal.subject));
  });
  api.get('/orders/:id', requireScopes('orders:read'), readable, (req, res) => {
    res.json(readable.resource(req));
  });
  api.post('/orders', requireScopes('orders:write'), (req, res) => {
    const { subject, tenant } = req.auth!.principal;
    const order = {
      id: `ord-${randomUUID()}`,
      ownerId: subject,
      orgId: tenant ?? '',
      sku: String(req.body.sku),
      qty: Number(req.body.qty),
    };
    orders.set(order.id, order);
    res.status(201).json(order);
  });
  api.delete('/orders/:id', requireRoles('admin'), requireScopes('orders:write'), deletable, (req, res) => {
    orders.delete(deletable.resource(req).id);
    res.json({ deleted: req.params['id'] });
  });
  app.use(api);
  app.use(portcullisErrorHandler());
  return app;
}
