/**
 * The SPEC target app on @portcullis/express, for target (c). Same routes and rules as the Nest
 * version (targets/nest-spec-app.ts); middleware order mirrors the Nest guard's documented
 * evaluation order: scopes, then roles / tenant, then ownership.
 *
 * Layout: CORS (answers preflights) → body parsers → the RFC 9728 metadata document (public,
 * before any token is read) → the app-wide `portcullis()` gate (public
 * path `/health`) → a deny-by-default `portcullisRouter()` → `portcullisErrorHandler()` → the
 * app's own error handler, which records anything that reaches it (it must never see a
 * Portcullis error).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import {
  PortcullisError,
  portcullis,
  portcullisErrorHandler,
  portcullisRouter,
  protectedResourceMetadata,
  publicRoute,
  requireOwnership,
  requirePolicy,
  requireRoles,
  requireScopes,
  requireTenant,
  scopeQuery,
} from '@portcullis/express';
import { CORS_ORIGIN, specPortcullisOptions, specResourceMetadata } from './spec-options.js';
import type { Portcullis } from '@portcullis/express';
import type { SpecTargetOptions } from './spec-options.js';
import { SpecStore, orderView } from './spec-store.js';
import type { SpecOrder } from './spec-store.js';

/** A started Express SPEC target. */
export interface ExpressSpecApp {
  readonly url: string;
  readonly store: SpecStore;
  /** The gate's Portcullis instance (key reload hook). */
  readonly portcullis: Portcullis;
  /** Errors the app's own error handler received (anything logged there is checked for tokens). */
  readonly appErrors: string[];
  close(): Promise<void>;
}

/** Minimal CORS for one origin: preflights answered here, `WWW-Authenticate` exposed. */
function cors(req: Request, res: Response, next: NextFunction): void {
  const origin = req.headers.origin;
  if (origin !== CORS_ORIGIN) {
    next();
    return;
  }
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-expose-headers', 'WWW-Authenticate, Retry-After');
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
    res.setHeader('access-control-allow-methods', 'GET,POST,PATCH,DELETE');
    res.setHeader('access-control-allow-headers', 'Authorization, Content-Type');
    res.status(204).end();
    return;
  }
  next();
}

/** Builds and starts the SPEC target on @portcullis/express, on 127.0.0.1 with a random port. */
export async function startExpressSpecApp(options: SpecTargetOptions): Promise<ExpressSpecApp> {
  const store = new SpecStore();
  const appErrors: string[] = [];
  const app = express();
  app.disable('x-powered-by');
  app.use(cors);
  // Body parsers before the gate (the usual app layout): the gate must then refuse a token in a
  // form body itself (SPEC 12) rather than never seeing it.
  app.use(express.json({ limit: '16kb' }));
  app.use(express.urlencoded({ extended: false, limit: '16kb' }));
  // RFC 9728 metadata (SPEC 177): public, answered before the gate reads any token.
  app.use(protectedResourceMetadata(specResourceMetadata(options.keySource)));
  const gate = portcullis({ ...specPortcullisOptions(options), publicPaths: ['/health'] });
  app.use(gate);

  const api = portcullisRouter();
  const loadOrder = async (req: Request): Promise<SpecOrder | undefined> => store.load(String(req.params['id']));
  const readable = requireOwnership<SpecOrder>({
    load: loadOrder,
    ownerOf: (o) => o.ownerId,
    tenantOf: (o) => o.orgId,
    allowRoles: ['support'],
  });
  const ownedForWrite = requireOwnership<SpecOrder>({ load: loadOrder, ownerOf: (o) => o.ownerId, tenantOf: (o) => o.orgId });
  const deletable = requireOwnership<SpecOrder>({
    load: loadOrder,
    ownerOf: (o) => o.ownerId,
    tenantOf: (o) => o.orgId,
    allowRoles: ['admin'],
  });

  api.get('/health', publicRoute(), (_req, res) => {
    res.json({ ok: true });
  });
  api.get('/orders', requireScopes('orders:read'), (req, res) => {
    store.handlerRan();
    const me = req.auth!.principal;
    const where = scopeQuery(me, { owner: 'ownerId', tenant: 'orgId', unrestrictedRoles: ['support'] });
    res.json({ data: store.list(where).map((o) => orderView(o, me.roles)) });
  });
  api.get('/orders/:id', requireScopes('orders:read'), readable, (req, res) => {
    store.handlerRan();
    res.json({ data: orderView(readable.resource(req)!, req.auth!.principal.roles) });
  });
  api.post('/orders', requireScopes('orders:write'), (req, res) => {
    store.handlerRan();
    const me = req.auth!.principal;
    if (me.kind !== 'user' || me.tenant === undefined) throw new PortcullisError('ERR_FORBIDDEN');
    store.write();
    res.status(201).json({ data: { id: 'o-new', ownerId: me.subject, orgId: me.tenant } });
  });
  api.patch('/orders/:id', requireScopes('orders:write'), ownedForWrite, (req, res) => {
    store.handlerRan();
    store.write();
    res.json({ data: { id: ownedForWrite.resource(req)!.id } });
  });
  api.delete('/orders/:id', requireScopes('orders:write'), requireRoles('admin'), deletable, (req, res) => {
    store.handlerRan();
    store.write();
    res.json({ data: { id: deletable.resource(req)!.id, deleted: true } });
  });
  api.get('/tenants/:tenant/orders', requireScopes('orders:read'), requireTenant('tenant'), (req, res) => {
    store.handlerRan();
    const me = req.auth!.principal;
    res.json({ data: store.list({ orgId: me.tenant ?? '' }).map((o) => orderView(o, me.roles)) });
  });
  api.get(
    '/me/orders',
    requireScopes('orders:read'),
    requirePolicy('users-only', ({ principal }) => principal.kind === 'user'),
    (req, res) => {
      store.handlerRan();
      const me = req.auth!.principal;
      res.json({ data: store.list({ ownerId: me.subject }).map((o) => orderView(o, me.roles)) });
    },
  );
  // Router-level role rule: every route below requires the admin role (like the Nest controller).
  const admin = portcullisRouter();
  admin.use(requireRoles('admin'));
  admin.get('/orders', requireScopes('orders:read'), (_req, res) => {
    store.handlerRan();
    res.json({ data: store.list({}).map((o) => o.id) });
  });
  api.use('/admin', admin);
  // Deliberately without any rule (SPEC 19): the deny-by-default router must refuse it.
  api.get('/no-rule', (_req, res) => {
    store.handlerRan();
    res.json({ data: 'no-rule ran' });
  });

  app.use(api);
  app.use(portcullisErrorHandler());
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    appErrors.push(err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err));
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    res.status(status >= 400 && status < 600 ? status : 500).json({ error: 'app_error' });
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    portcullis: gate.portcullis,
    appErrors,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
