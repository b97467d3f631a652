/**
 * The SCENARIO APP of test-support/adapter-cases.ts, built with @portcullis/express. Reused by
 * this package's e2e suites and, later, by the Nest ⇄ Express matrix test.
 *
 * Two variants hold the same routes:
 * - `gate`: the app-wide `portcullis()` gate (public path `/health`) in front of a
 *   deny-by-default `portcullisRouter()`;
 * - `router`: no gate; a `portcullisRouter({ portcullis })` authenticates per route, so
 *   `publicRoute()` alone opens `/health`.
 * Both end with `portcullisErrorHandler()` followed by an app error handler (which must never
 * see a Portcullis error).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Express, NextFunction, Request, Response, Router } from 'express';
import {
  createPortcullis,
  portcullis,
  portcullisErrorHandler,
  portcullisRouter,
  publicRoute,
  requireAllRoles,
  requireAnyScope,
  requireOwnership,
  requirePolicy,
  requireRoles,
  requireScopes,
  requireTenant,
  scopeQuery,
} from '@portcullis/express';
import type { AuditSink, Portcullis, PortcullisOptions, RevocationStore } from '@portcullis/express';

/** A fixture order. */
export interface Order {
  readonly id: string;
  readonly ownerId: string;
  readonly orgId: string;
}

/** The immutable fixture orders of the scenario. */
export const ORDERS: ReadonlyMap<string, Order> = new Map(
  [
    { id: 'o-a1', ownerId: 'alice', orgId: 'acme' },
    { id: 'o-b1', ownerId: 'bob', orgId: 'acme' },
    { id: 'o-c1', ownerId: 'carol', orgId: 'globex' },
  ].map((o) => [o.id, Object.freeze(o)]),
);

export type ScenarioVariant = 'gate' | 'router';
export const SCENARIO_VARIANTS: readonly ScenarioVariant[] = ['gate', 'router'];

export interface ScenarioOptions {
  /** `issuer.verifierOptions()` of a @portcullis/testing issuer (or any key source). */
  readonly verifierOptions: Pick<PortcullisOptions, 'issuer' | 'audience' | 'jwksUri' | 'jwks' | 'now'>;
  readonly variant?: ScenarioVariant;
  readonly audit?: AuditSink;
  readonly revocation?: RevocationStore;
}

export interface ScenarioApp {
  readonly app: Express;
  readonly portcullis: Portcullis;
  /** How many route handlers ran ("nothing downstream ran" on denials). */
  handlerCalls(): number;
  /** How many times an order loader ran. */
  loads(): number;
  /** Errors the app's own error handler (after portcullisErrorHandler) received. */
  readonly appErrors: unknown[];
}

export function createScenarioApp(options: ScenarioOptions): ScenarioApp {
  const variant = options.variant ?? 'gate';
  let calls = 0;
  let loads = 0;
  const appErrors: unknown[] = [];

  const portcullisOptions: PortcullisOptions = {
    ...options.verifierOptions,
    claims: { tenant: 'org_id' },
    roleHierarchy: { admin: ['support'], support: [] },
    realm: 'orders',
    ...(options.audit ? { audit: options.audit } : {}),
    ...(options.revocation ? { revocation: options.revocation } : {}),
  };

  const app = express();
  app.disable('x-powered-by');
  let instance: Portcullis;
  let api: Router;
  if (variant === 'gate') {
    const gate = portcullis({ ...portcullisOptions, publicPaths: ['/health'] });
    instance = gate.portcullis;
    app.use(gate);
    api = portcullisRouter();
  } else {
    instance = createPortcullis(portcullisOptions);
    api = portcullisRouter({ portcullis: instance });
  }

  const reply =
    (route: string, status = 200) =>
    (req: Request, res: Response): void => {
      calls++;
      const id = typeof req.params['id'] === 'string' ? { id: req.params['id'] } : {};
      res.status(status).json({ ok: true, route, subject: req.auth?.principal.subject ?? null, ...id });
    };
  const load = async (req: Request): Promise<Order | undefined> => {
    loads++;
    return ORDERS.get(String(req.params['id']));
  };

  api.get('/health', publicRoute(), reply('GET /health'));
  api.get('/orders', requireScopes('orders:read'), (req, res) => {
    calls++;
    const filter = scopeQuery(req.auth!.principal, { owner: 'ownerId', tenant: 'orgId', unrestrictedRoles: ['support'] });
    res.json({ ok: true, route: 'GET /orders', subject: req.auth!.principal.subject, filter });
  });
  api.get('/orders-any', requireAnyScope('orders:read', 'orders:admin'), reply('GET /orders-any'));
  const readableOrder = requireOwnership<Order>({
    load,
    ownerOf: (o) => o.ownerId,
    tenantOf: (o) => o.orgId,
    allowRoles: ['support'],
  });
  api.get('/orders/:id', requireScopes('orders:read'), readableOrder, reply('GET /orders/:id'));
  api.post('/orders', requireScopes('orders:write'), reply('POST /orders', 201));
  const deletableOrder = requireOwnership<Order>({ load, tenantOf: (o) => o.orgId, allowRoles: ['admin'] });
  api.delete('/orders/:id', requireRoles('admin'), requireScopes('orders:write'), deletableOrder, reply('DELETE /orders/:id'));

  // Router-level rule: every route of this router requires the admin role.
  const admin = portcullisRouter();
  admin.use(requireRoles('admin'));
  admin.get('/orders', reply('GET /admin/orders'));
  api.use('/admin', admin);

  api.get('/support/orders', requireRoles('support'), reply('GET /support/orders'));
  api.get('/both-roles', requireAllRoles('support', 'customer'), reply('GET /both-roles'));
  api.get('/tenants/:tenant/orders', requireScopes('orders:read'), requireTenant('tenant'), reply('GET /tenants/:tenant/orders'));
  api.get(
    '/reports/sensitive',
    requirePolicy('clearance>=3', ({ principal }) => {
      const clearance = principal.claims['clearance'];
      return typeof clearance === 'number' && clearance >= 3;
    }),
    reply('GET /reports/sensitive'),
  );
  api.get('/me', requirePolicy('is-user', ({ principal }) => principal.kind === 'user'), reply('GET /me'));
  api.post('/internal/orders/:id/fulfil', requireScopes('orders:fulfil'), reply('POST /internal/orders/:id/fulfil'));
  api.get('/no-rule', reply('GET /no-rule'));

  app.use(api);
  app.use(portcullisErrorHandler());
  // The app's own error handler, after Portcullis's: it must only ever see non-Portcullis errors.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    appErrors.push(err);
    res.status(500).json({ error: 'app_error' });
  });

  return { app, portcullis: instance, handlerCalls: () => calls, loads: () => loads, appErrors };
}

/** A server on 127.0.0.1 with a random port. */
export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts an Express app on 127.0.0.1:0. Always `close()` it (afterAll). */
export async function listen(app: Express): Promise<RunningServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
