/**
 * The public types (STYLE 18). Checked by `npm run typecheck` (tsc over test/): each
 * `@ts-expect-error` line must fail to compile, every other line must compile. The one runtime
 * test keeps Jest happy and checks nothing but the imports.
 */
import { describe, expect, it } from '@jest/globals';
import type { Request, RequestHandler, Response } from 'express';
import {
  authenticateRequest,
  createProtectedResourceMetadata,
  portcullis,
  portcullisRouter,
  protectedResourceMetadata,
  requireOwnership,
  requirePolicy,
  requireRoles,
  requireScopes,
  requireTenant,
} from '@portcullis/express';
import type {
  AuthContext,
  AuthenticatedRequest,
  BearerMethod,
  JsonValue,
  Portcullis,
  PortcullisAuth,
  Principal,
  ProtectedResourceMetadata,
  ProtectedResourceMetadataDocument,
  ProtectedResourceMetadataOptions,
} from '@portcullis/express';

interface Order {
  readonly id: string;
  readonly ownerId: string;
}

// The module augmentation: every Express request has an optional, typed `auth`.
export function handler(req: Request, res: Response): void {
  const auth: PortcullisAuth | undefined = req.auth;
  const subject: string | undefined = req.auth?.principal.subject;
  const scopes: ReadonlySet<string> | undefined = req.auth?.principal.scopes;
  const hash: string | undefined = req.auth?.token.tokenHash;
  // @ts-expect-error — auth may be absent (public routes)
  const mustCheck: string = req.auth.principal.subject;
  res.json({ auth, subject, scopes: [...(scopes ?? [])], hash, mustCheck });
}

// The loaded resource is typed through the middleware's accessor and AuthenticatedRequest<T>.
const ownOrder = requireOwnership<Order>({ load: async (req) => ({ id: String(req.params['id']), ownerId: 'alice' }), ownerOf: (o) => o.ownerId });
export function show(req: Request, res: Response): void {
  const order: Order = ownOrder.resource(req);
  const viaAuth: Order | undefined = (req as AuthenticatedRequest<Order>).auth.resource;
  const principal: Principal = (req as AuthenticatedRequest<Order>).auth.principal;
  // @ts-expect-error — the accessor returns an Order, not a string
  const wrong: string = ownOrder.resource(req);
  res.json({ order, viaAuth, principal: principal.subject, wrong });
}

// authenticateRequest takes the gate or its instance, and the request; it resolves an AuthContext.
export async function beforeTheGate(req: Request): Promise<string> {
  const gate = portcullis({ issuer: 'https://as', audience: 'api', jwksUri: 'https://as/jwks' });
  const viaGate: AuthContext = await authenticateRequest(gate, req);
  const instance: Portcullis = gate.portcullis;
  const viaInstance: AuthContext = await authenticateRequest(instance, req);
  // @ts-expect-error — the request itself, not its headers
  await authenticateRequest(gate, req.headers);
  // @ts-expect-error — the gate or its instance, not options
  await authenticateRequest({ issuer: 'https://as' }, req);
  return viaGate.principal.subject + viaInstance.principal.subject;
}

// RFC 9728: the options, the built metadata and its document are typed; the middleware takes the built metadata.
export function metadataServer(): RequestHandler {
  const methods: BearerMethod[] = ['header'];
  const extra: Record<string, JsonValue> = { authorization_details_types_supported: ['order_approval'] };
  const options: ProtectedResourceMetadataOptions = {
    resource: 'https://api.example.com/orders',
    bearerMethodsSupported: methods,
    additionalParameters: extra,
  };
  const metadata: ProtectedResourceMetadata = createProtectedResourceMetadata(options);
  const document: ProtectedResourceMetadataDocument = metadata.document;
  const advertised: string = metadata.url;
  // @ts-expect-error — the document is frozen
  document.resource = advertised;
  return protectedResourceMetadata(metadata);
}

// Typos and wrong shapes are compile errors (never called: the calls would also throw at run time).
export function compileOnly(): void {
  // @ts-expect-error — 'mode' is 'all' | 'any'
  requireScopes(['orders:read'], { mode: 'some' });
  // @ts-expect-error — roles mode is 'any' | 'all'
  requireRoles(['admin'], { mode: 'every' });
  // @ts-expect-error — 'load' is required
  requireOwnership<Order>({ ownerOf: (o) => o.ownerId });
  // @ts-expect-error — ownerOf receives the loaded type
  requireOwnership<Order>({ load: () => undefined, ownerOf: (o) => o.owner });
  // @ts-expect-error — a typo'd gate option
  portcullis({ issuer: 'https://as', audience: 'api', jwksUri: 'https://as/jwks', publicPath: ['/health'] });
  // @ts-expect-error — publicPaths entries are strings, RegExps or { method, path }
  portcullis({ issuer: 'https://as', audience: 'api', jwksUri: 'https://as/jwks', publicPaths: [42] });
  // @ts-expect-error — unknown router option
  portcullisRouter({ caseSensitve: true });
  // @ts-expect-error — a policy returns boolean | Decision, not a Promise
  requirePolicy('async', async () => true);
  // @ts-expect-error — requireTenant takes a param name, a function or options
  requireTenant(42);
  // @ts-expect-error — the metadata built by createProtectedResourceMetadata(), not its options
  protectedResourceMetadata({ resource: 'https://api.example.com/orders' });
  // @ts-expect-error — 'cookie' is not an RFC 6750 bearer method
  createProtectedResourceMetadata({ resource: 'https://api.example.com/orders', bearerMethodsSupported: ['cookie'] });
  // @ts-expect-error — a typo'd option
  createProtectedResourceMetadata({ resource: 'https://api.example.com/orders', scopes: ['orders:read'] });
}

describe('public types', () => {
  it('compile (see typecheck)', () => {
    expect(typeof handler).toBe('function');
    expect(typeof show).toBe('function');
    expect(typeof compileOnly).toBe('function');
    expect(typeof beforeTheGate).toBe('function');
    expect(typeof metadataServer).toBe('function');
  });
});
