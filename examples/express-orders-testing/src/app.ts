import express from 'express';
import type { Express } from 'express';
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
import { OrdersRepository } from './orders-repository.js';
import type { Order } from './orders-repository.js';

/**
 * The orders API: every request passes the Portcullis gate; the router refuses any route without
 * a rule. `options` are the gate's options (issuer, audience, JWKS, claims mapping …).
 */
export function createApp(options: PortcullisMiddlewareOptions, orders = new OrdersRepository()): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(portcullis(options));
  app.use(express.json({ limit: '16kb' }));

  const api = portcullisRouter(); // deny by default

  const ownOrder = requireOwnership<Order>({
    load: (req) => orders.findById(String(req.params.id)),
    ownerOf: (order) => order.ownerId,
    tenantOf: (order) => order.orgId, // nobody crosses organisations
    allowRoles: ['support'], // support (and admin, by the hierarchy) see their org's orders
  });

  api.get('/health', publicRoute(), (_req, res) => {
    res.json({ ok: true });
  });

  api.get('/orders', requireScopes('orders:read'), (req, res) => {
    const { subject, tenant } = req.auth!.principal;
    res.json(tenant === undefined ? [] : orders.listFor(subject, tenant));
  });

  api.get('/orders/:id', requireScopes('orders:read'), ownOrder, (req, res) => {
    res.json(ownOrder.resource(req));
  });

  api.post('/orders', requireScopes('orders:write'), (req, res) => {
    const { subject, tenant } = req.auth!.principal;
    const body = (req.body ?? {}) as { sku?: unknown; qty?: unknown };
    if (tenant === undefined || typeof body.sku !== 'string' || !Number.isInteger(body.qty)) {
      res.status(400).json({ error: 'invalid_order' });
      return;
    }
    // Owner and organisation come from the token, never from the body.
    res.status(201).json(orders.create(subject, tenant, body.sku, body.qty as number));
  });

  api.delete('/orders/:id', requireRoles('admin'), requireScopes('orders:write'), ownOrder, (req, res) => {
    orders.delete(ownOrder.resource(req).id);
    res.status(204).end();
  });

  // Forgotten rule: the router answers 403 ERR_NO_RULE instead of running it.
  api.get('/reports', (_req, res) => {
    res.json({ secret: true });
  });

  app.use(api);
  app.use(portcullisErrorHandler());
  return app;
}
