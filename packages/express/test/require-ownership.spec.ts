/**
 * `requireOwnership`: loads once, 404 for absent and not-permitted alike (byte-identical), the
 * resource on `req.auth.resource` and `.resource(req)`, and a failing loader answered 500 without
 * details — never an allow, never a hang.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Request, Response } from 'express';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import {
  portcullis,
  portcullisErrorHandler,
  requireOwnership,
  requirePolicy,
  requireRoles,
  requireTenant,
} from '@portcullis/express';
import type { AuditEvent, AuthenticatedRequest, OwnershipOptions, PortcullisOptions } from '@portcullis/express';
import { ERROR_BODY_KEYS, send } from './support/http.js';
import { appFactory } from './support/test-app.js';

interface Doc {
  readonly id: string;
  readonly ownerId: string;
  readonly orgId: string;
  readonly sensitivity: number;
}
const DOCS = new Map<string, Doc>([
  ['d-a', { id: 'd-a', ownerId: 'alice', orgId: 'acme', sensitivity: 1 }],
  ['d-b', { id: 'd-b', ownerId: 'bob', orgId: 'acme', sensitivity: 5 }],
]);

describe('requireOwnership()', () => {
  let issuer: TestIssuer;
  let base: PortcullisOptions;
  let alice: string;
  let sam: string;
  const apps = appFactory();

  beforeAll(async () => {
    issuer = await createTestIssuer();
    base = { ...issuer.verifierOptions(), realm: 'orders', claims: { tenant: 'org_id' }, roleHierarchy: { admin: ['support'] } };
    alice = await issuer.token({ sub: 'alice', roles: ['customer'], org_id: 'acme', clearance: 3 });
    sam = await issuer.token({ sub: 'sam', roles: ['support'], org_id: 'acme' });
  });
  afterEach(() => apps.closeAll());
  afterAll(() => issuer?.close());

  async function serve(options: Partial<OwnershipOptions<Doc>> & Pick<OwnershipOptions<Doc>, 'load'>, before: unknown[] = []) {
    const events: AuditEvent[] = [];
    const ran: unknown[] = [];
    const own = requireOwnership<Doc>({ ownerOf: (d) => d.ownerId, tenantOf: (d) => d.orgId, ...options });
    const server = await apps.start((app) => {
      app.use(portcullis({ ...base, audit: (e) => events.push(e) }));
      app.get('/docs/:id', ...(before as []), own, (req: Request, res: Response) => {
        const typed = own.resource(req); // typed as Doc
        ran.push(typed.id);
        res.json({ fromAccessor: typed, fromAuth: (req as AuthenticatedRequest<Doc>).auth.resource });
      });
      app.use(portcullisErrorHandler());
    });
    return { url: server.url, events, ran };
  }

  it('hands the handler a frozen req.auth with the resource: later code cannot swap the principal or the resource', async () => {
    const seen: unknown[] = [];
    const own = requireOwnership<Doc>({ load: (req) => DOCS.get(String(req.params['id'])), ownerOf: (d) => d.ownerId });
    const server = await apps.start((app) => {
      app.use(portcullis(base));
      app.get('/docs/:id', own, (req: Request, res: Response) => {
        const auth = (req as AuthenticatedRequest<Doc>).auth;
        seen.push(Object.isFrozen(auth), auth.resource?.id);
        res.json({ ok: true });
      });
      app.use(portcullisErrorHandler());
    });
    expect((await send(`${server.url}/docs/d-a`, { token: alice })).status).toBe(200);
    expect(seen).toEqual([true, 'd-a']);
  });

  it('loads once and hands the resource to the handler (req.auth.resource and .resource(req))', async () => {
    let loads = 0;
    const { url } = await serve({
      load: async (req) => {
        loads++;
        return DOCS.get(String(req.params['id']));
      },
    });
    const res = await send(`${url}/docs/d-a`, { token: alice });
    expect(res.status).toBe(200);
    expect(res.body.fromAccessor).toEqual(DOCS.get('d-a'));
    expect(res.body.fromAuth).toEqual(DOCS.get('d-a'));
    expect(loads).toBe(1);
  });

  it('answers "not yours" and "does not exist" identically: 404 ERR_NOT_FOUND (SPEC 111, 114)', async () => {
    const { url, ran, events } = await serve({ load: (req) => DOCS.get(String(req.params['id'])) });
    const notMine = await send(`${url}/docs/d-b`, { token: alice });
    const missing = await send(`${url}/docs/d-zz`, { token: alice });
    expect(notMine.status).toBe(404);
    expect(notMine.body.code).toBe('ERR_NOT_FOUND');
    expect(missing.text).toBe(notMine.text);
    const headersOf = (h: Headers) => [...h.entries()].filter(([k]) => k !== 'date');
    expect(headersOf(missing.headers)).toEqual(headersOf(notMine.headers));
    expect(ran).toEqual([]);
    expect(events.filter((e) => e.decision === 'deny').map((e) => e.reason)).toEqual(['ERR_NOT_FOUND', 'ERR_NOT_FOUND']);
  });

  it('treats a loader returning null as absent', async () => {
    const { url } = await serve({ load: () => null });
    expect((await send(`${url}/docs/d-a`, { token: alice })).status).toBe(404);
  });

  it('lets allowRoles of the same tenant in', async () => {
    const { url } = await serve({ load: (req) => DOCS.get(String(req.params['id'])), allowRoles: ['support'] });
    expect((await send(`${url}/docs/d-b`, { token: sam })).status).toBe(200);
    expect((await send(`${url}/docs/d-b`, { token: alice })).status).toBe(404);
  });

  it('without ownerOf, only allowRoles get in (nobody is "the owner")', async () => {
    const own = requireOwnership<Doc>({ load: (req) => DOCS.get(String(req.params['id'])), tenantOf: (d) => d.orgId, allowRoles: ['support'] });
    const server = await apps.start((app) => {
      app.use(portcullis(base));
      app.get('/docs/:id', own, (_req, res) => res.json({ ok: true }));
      app.use(portcullisErrorHandler());
    });
    expect((await send(`${server.url}/docs/d-a`, { token: alice })).status).toBe(404);
    expect((await send(`${server.url}/docs/d-a`, { token: sam })).status).toBe(200);
  });

  describe('a failing loader answers 500 ERR_INTERNAL with nothing of its message, never an allow', () => {
    it.each([
      ['throws synchronously', (): Doc => { throw new Error('SELECT * FROM docs WHERE secret=1'); }],
      ['rejects', (): Promise<Doc> => Promise.reject(new Error('SELECT * FROM docs WHERE secret=1'))],
      ['rejects with undefined', (): Promise<Doc> => Promise.reject(undefined)],
      ['rejects later', (): Promise<Doc> => new Promise((_resolve, reject) => setTimeout(() => reject(new Error('SELECT secret')), 20))],
    ])('%s', async (_name, load) => {
      const { url, ran, events } = await serve({ load });
      const res = await send(`${url}/docs/d-a`, { token: alice });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ statusCode: 500, error: 'internal_error', code: 'ERR_INTERNAL', message: 'Internal error' });
      expect(res.text).not.toMatch(/SELECT|secret|at /);
      expect(ran).toEqual([]);
      expect(events.at(-1)).toMatchObject({ decision: 'deny', reason: 'ERR_INTERNAL' });
    });
  });

  it('does not load for callers an earlier principal-only rule refuses', async () => {
    let loads = 0;
    const { url } = await serve(
      {
        load: (req) => {
          loads++;
          return DOCS.get(String(req.params['id']));
        },
      },
      [requireRoles('admin')],
    );
    const res = await send(`${url}/docs/d-a`, { token: alice });
    expect(res.status).toBe(403);
    expect(loads).toBe(0);
  });

  it('does not load for a caller without a tenant (403) or a client principal (404): SPEC 92, 125', async () => {
    let loads = 0;
    const { url, ran } = await serve({
      load: (req) => {
        loads++;
        return DOCS.get(String(req.params['id']));
      },
    });
    const noTenant = await issuer.token({ sub: 'dora', roles: ['customer'] });
    const client = await issuer.token({ sub: 'svc', client_id: 'svc' });
    const refused = await send(`${url}/docs/d-a`, { token: noTenant });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('ERR_FORBIDDEN');
    const hidden = await send(`${url}/docs/d-a`, { token: client });
    expect(hidden.status).toBe(404);
    expect(loads).toBe(0);
    expect(ran).toEqual([]);
    // Control: an owner does make the loader run.
    expect((await send(`${url}/docs/d-a`, { token: alice })).status).toBe(200);
    expect(loads).toBe(1);
  });

  it('passes the loaded resource to later policies and tenant rules', async () => {
    const own = requireOwnership<Doc>({ load: (req) => DOCS.get(String(req.params['id'])), ownerOf: (d) => d.ownerId, allowRoles: ['support'] });
    const cleared = requirePolicy<Doc>('clearance>=sensitivity', ({ principal, resource }) => {
      const clearance = principal.claims['clearance'];
      return resource !== undefined && typeof clearance === 'number' && clearance >= resource.sensitivity;
    });
    const server = await apps.start((app) => {
      app.use(portcullis(base));
      app.get('/docs/:id', own, cleared, requireTenant<Doc>({ tenantOf: (d) => d.orgId }), (_req, res) => res.json({ ok: true }));
      app.use(portcullisErrorHandler());
    });
    expect((await send(`${server.url}/docs/d-a`, { token: alice })).status).toBe(200);
    const other = await issuer.token({ sub: 'sam', roles: ['support'], org_id: 'acme', clearance: 9 });
    expect((await send(`${server.url}/docs/d-b`, { token: other })).status).toBe(200);
    const low = await issuer.token({ sub: 'sam', roles: ['support'], org_id: 'acme', clearance: 1 });
    expect((await send(`${server.url}/docs/d-b`, { token: low })).status).toBe(403);
  });

  it('.resource(req) for a request it did not load fails closed (500)', async () => {
    const own = requireOwnership<Doc>({ load: () => DOCS.get('d-a'), ownerOf: (d) => d.ownerId });
    const server = await apps.start((app) => {
      app.use(portcullis(base));
      app.get('/forgot', (req, res) => res.json(own.resource(req)));
      app.use(portcullisErrorHandler());
    });
    const res = await send(`${server.url}/forgot`, { token: alice });
    expect(res.status).toBe(500);
    expect(Object.keys(res.body).sort()).toEqual(ERROR_BODY_KEYS);
  });

  it('validates its options', () => {
    expect(() => requireOwnership({} as never)).toThrow(/'load' must be a function/);
    expect(() => requireOwnership({ load: () => undefined, owner: 'x' } as never)).toThrow(/unknown option 'owner'/);
    expect(() => requireOwnership({ load: () => undefined, allowRoles: ['admin '] })).toThrow(TypeError);
  });
});
