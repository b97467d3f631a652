/**
 * Guard behaviour beyond the shared table, over real HTTP on both adapters: bearer transport
 * errors (expired, duplicate Authorization headers, query and body tokens), handler-vs-class
 * semantics of @Public, @Authenticated with the revocation store, a resolver or policy that throws,
 * single resource load, and how answers survive custom exception filters.
 *
 * Truth table of the extra routes (principal → expected):
 * | route                         | anonymous | alice (customer)       | ada (admin)   |
 * | GET  /mixed/open              | 200       | 200                    | 200           |  @Public on handler, class @Roles('admin')
 * | GET  /mixed/closed            | 401       | 403 ERR_FORBIDDEN      | 200           |  class rule only
 * | GET  /public-class/open       | 200       | 200                    | 200           |  class @Public
 * | GET  /public-class/scoped     | 401       | 200                    | 200           |  class @Public + handler @Scopes
 * | GET  /conflict                | 401       | 403 ERR_FORBIDDEN      | 200           |  @Public + @Roles on one handler: rule wins
 * | POST /sessions/logout         | 401       | 200 (then 401 revoked) |               |  @Authenticated + REVOCATION_STORE
 * | GET  /broken/:id              | 401       | 500 ERR_INTERNAL       |               |  resolver throws
 * | GET  /broken-policy           | 401       | 500 ERR_INTERNAL       |               |  class policy throws
 * | GET  /hidden                  | 401       |                        | 404           |  class policy answers deny(ERR_NOT_FOUND)
 * | GET  /sloppy-policy           | 401       |                        | 500           |  class policy answers 'yes'
 * | GET  /archived/o-a1           | 401       | 403 (owner, policy no) |               |  @OwnedResource + @Policy(fn)
 * | GET  /owned-admin/o-a1        | 401       | 403 (owner, not admin) |               |  @OwnedResource + @Requires(roles)
 * | GET  /throws                  |           | 403 with the filter    |               |  handler throws PortcullisError
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Catch, Controller, Get, HttpCode, HttpException, Inject, Injectable, Param, Post, Req } from '@nestjs/common';
import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { PRINCIPALS } from '../../../../../test-support/adapter-cases.js';
import {
  Authenticated,
  CurrentPrincipal,
  deny,
  InMemoryRevocationStore,
  OwnedResource,
  Policy,
  PortcullisError,
  PortcullisExceptionFilter,
  Public,
  requireRoles,
  Requires,
  REVOCATION_STORE,
  Roles,
  Scopes,
} from '../../../src/index.js';
import type {
  AuditEvent,
  Decision,
  PortcullisPolicy,
  Principal,
  ResourceResolver,
  RevocationStore,
} from '../../../src/index.js';
import { HandlerCounter, ORDERS, portcullisImport, scenarioModule, SCENARIO_OPTIONS } from '../support/scenario-app.js';
import type { Order } from '../support/scenario-app.js';
import { PLATFORMS, recordingLogger, startApp } from '../support/start-app.js';
import type { StartedApp } from '../support/start-app.js';

const SECRET_FAILURE = 'db password is hunter2';

@Injectable()
class ThrowingResolver implements ResourceResolver<{ ownerId: string }> {
  async load(): Promise<{ ownerId: string } | undefined> {
    throw new Error(SECRET_FAILURE);
  }
  ownerOf(resource: { ownerId: string }): string {
    return resource.ownerId;
  }
}

/** A repository-style resolver that answers `null` for a missing id (TypeORM, Prisma, node-postgres). */
@Injectable()
class NullingResolver implements ResourceResolver<Order> {
  async load(id: string): Promise<Order | null> {
    return ORDERS.get(id) ?? null;
  }
  ownerOf(resource: Order): string {
    return resource.ownerId;
  }
  tenantOf(resource: Order): string {
    return resource.orgId;
  }
}

@Injectable()
class ThrowingPolicy implements PortcullisPolicy {
  evaluate(): boolean {
    throw new Error(SECRET_FAILURE);
  }
}

/** A class policy that answers with its own decision: a 404 deny (hide the resource). */
@Injectable()
class HidingPolicy implements PortcullisPolicy {
  async evaluate(): Promise<Decision> {
    return deny('ERR_NOT_FOUND', 'hidden by policy');
  }
}

/** A class policy that answers neither a boolean nor a decision. */
@Injectable()
class SloppyPolicy implements PortcullisPolicy {
  evaluate(): boolean {
    return 'yes' as unknown as boolean;
  }
}

@Controller('mixed')
@Roles('admin')
class MixedController {
  constructor(private readonly counter: HandlerCounter) {}
  @Get('open') @Public() open() {
    this.counter.count++;
    return { ok: true };
  }
  @Get('closed') closed() {
    this.counter.count++;
    return { ok: true };
  }
}

@Controller('public-class')
@Public()
class PublicClassController {
  constructor(private readonly counter: HandlerCounter) {}
  @Get('open') open() {
    this.counter.count++;
    return { ok: true };
  }
  @Get('scoped') @Scopes('orders:read') scoped(@CurrentPrincipal('subject') subject: string) {
    this.counter.count++;
    return { ok: true, subject };
  }
}

@Controller()
class ExtraController {
  constructor(
    private readonly counter: HandlerCounter,
    @Inject(REVOCATION_STORE) private readonly revocation: RevocationStore,
  ) {}

  @Get('conflict') @Public() @Roles('admin') conflict() {
    this.counter.count++;
    return { ok: true };
  }

  @Post('sessions/logout')
  @HttpCode(200)
  @Authenticated()
  async logout(@CurrentPrincipal() me: Principal) {
    this.counter.count++;
    await this.revocation.revokeToken(me.tokenId!, me.expiresAt!);
    return { ok: true };
  }

  @Get('broken/:id') @OwnedResource(ThrowingResolver) broken(@Param('id') id: string) {
    this.counter.count++;
    return { ok: true, id };
  }

  @Get('nullable/:id') @OwnedResource(NullingResolver) nullable(@Param('id') id: string) {
    this.counter.count++;
    return { ok: true, id };
  }

  @Get('hidden') @Policy(HidingPolicy) hidden() {
    this.counter.count++;
    return { ok: true };
  }

  @Get('sloppy-policy') @Policy(SloppyPolicy) sloppyPolicy() {
    this.counter.count++;
    return { ok: true };
  }

  // Rules after the ownership check: they see the loaded resource and must all pass too.
  @Get('archived/:id')
  @OwnedResource(NullingResolver)
  @Policy(({ resource }) => (resource as Order).id !== 'o-a1', { name: 'not-archived' })
  archived(@Param('id') id: string) {
    this.counter.count++;
    return { ok: true, id };
  }

  @Get('owned-admin/:id') @OwnedResource(NullingResolver) @Requires(requireRoles(['admin'])) ownedAdmin(
    @Param('id') id: string,
  ) {
    this.counter.count++;
    return { ok: true, id };
  }

  @Get('broken-policy') @Policy(ThrowingPolicy) brokenPolicy() {
    this.counter.count++;
    return { ok: true };
  }

  // The request's IP as rules see it (read lazily by the guard): present, and kept by a spread.
  @Get('env/loopback')
  @Policy((ctx) => {
    const env = { ...ctx.environment };
    return typeof env['ip'] === 'string' && env['ip'].endsWith('127.0.0.1') && env.now instanceof Date;
  })
  loopbackOnly() {
    this.counter.count++;
    return { ok: true };
  }

  @Get('env/not-loopback') @Policy((ctx) => !String(ctx.environment?.['ip']).endsWith('127.0.0.1')) notLoopback() {
    this.counter.count++;
    return { ok: true };
  }

  @Get('whoami') @Authenticated() whoami(
    @Req() req: { user?: unknown; portcullis?: { principal: unknown; token?: { tokenHash: string } } },
  ) {
    this.counter.count++;
    return {
      sameObject: req.user === req.portcullis?.principal,
      hasTokenHash: typeof req.portcullis?.token?.tokenHash === 'string',
    };
  }

  @Get('throws') @Authenticated() throws() {
    this.counter.count++;
    throw new PortcullisError('ERR_FORBIDDEN', { reason: 'decided in the handler' });
  }

  @Get('throws-internal') @Authenticated() throwsInternal() {
    this.counter.count++;
    throw new PortcullisError('ERR_INTERNAL', { reason: 'order store unreachable', cause: new Error(SECRET_FAILURE) });
  }
}

/** An app's own catch-all filter that only serializes a body — the challenge must survive it. */
@Catch()
class BodyOnlyFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<{
      status?: (code: number) => { send: (b: string) => void; json?: (b: unknown) => void };
      code?: (code: number) => { send: (b: string) => void };
    }>();
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    const body = JSON.stringify({ custom: true, status });
    // Express: res.status().send(); Fastify: reply.code().send()
    if (typeof response.code === 'function') response.code(status).send(body);
    else response.status!(status).send(body);
  }
}

let issuer: TestIssuer;
const tokenFor = (name: keyof typeof PRINCIPALS) => issuer.token(PRINCIPALS[name]);

beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(async () => {
  await issuer?.close();
});

function get(url: string, token?: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    ...init,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string>) },
    signal: AbortSignal.timeout(5_000),
  });
}

/** A GET with raw header lines (fetch merges duplicates; node:http sends each one). */
function rawGet(
  url: string,
  headers: [string, string][],
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    const grouped = new Map<string, string[]>();
    for (const [name, value] of headers) grouped.set(name, [...(grouped.get(name) ?? []), value]);
    for (const [name, values] of grouped) req.setHeader(name, values.length === 1 ? values[0]! : values);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

const INVALID_REQUEST = 'Bearer realm="orders", error="invalid_request", error_description="The request is malformed"';

describe.each(PLATFORMS)('%s', (platform) => {
  let started: StartedApp;
  let url: string;
  const audit: AuditEvent[] = [];
  const store = new InMemoryRevocationStore();

  beforeAll(async () => {
    const options = {
      ...issuer.verifierOptions(),
      ...SCENARIO_OPTIONS,
      revocation: store,
      audit: (e: AuditEvent) => void audit.push(e),
    };
    const root = scenarioModule(portcullisImport('forRoot', options), {
      controllers: [MixedController, PublicClassController, ExtraController],
      providers: [ThrowingResolver, NullingResolver, ThrowingPolicy, HidingPolicy, SloppyPolicy],
    });
    started = await startApp(root, platform);
    url = started.url;
  });
  afterAll(async () => {
    await started?.close();
  });

  describe('decision environment', () => {
    it("gives policies the caller's IP and the time (ip read on demand)", async () => {
      const token = await tokenFor('alice');
      expect((await get(`${url}/env/loopback`, token)).status).toBe(200);
      const before = started.counter.count;
      const denied = await get(`${url}/env/not-loopback`, token);
      expect(denied.status).toBe(403);
      expect(started.counter.count).toBe(before);
    });
  });

  describe('bearer transport (SPEC B1)', () => {
    it('expired token → 401 invalid_token with the expiry description', async () => {
      const token = await issuer.badToken('expired', PRINCIPALS.alice);
      const res = await get(`${url}/orders`, token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        'Bearer realm="orders", error="invalid_token", error_description="The access token expired"',
      );
      expect(await res.json()).toEqual({
        statusCode: 401,
        error: 'invalid_token',
        code: 'ERR_TOKEN_EXPIRED',
        message: 'The access token expired',
      });
    });

    it('a token signed by an unknown key → 401 invalid_token, handler not run', async () => {
      const before = started.counter.count;
      const res = await get(`${url}/orders`, await issuer.badToken('unknown-kid', PRINCIPALS.alice));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(started.counter.count).toBe(before);
    });

    it('two Authorization headers → 400 invalid_request (SPEC 9)', async () => {
      const before = started.counter.count;
      const [bob, alice] = [await tokenFor('bob'), await tokenFor('alice')];
      const res = await rawGet(`${url}/orders`, [
        ['authorization', `Bearer ${bob}`],
        ['authorization', `Bearer ${alice}`],
      ]);
      expect(res.status).toBe(400);
      expect(res.headers['www-authenticate']).toBe(INVALID_REQUEST);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'ERR_INVALID_REQUEST' });
      expect(started.counter.count).toBe(before);
    });

    it('access_token in the query → 400 invalid_request (SPEC 11), with or without a header (SPEC 10)', async () => {
      const token = await tokenFor('alice');
      for (const res of [
        await get(`${url}/orders?access_token=${token}`),
        await get(`${url}/orders?access_token=${token}`, token),
      ]) {
        expect(res.status).toBe(400);
        expect(res.headers.get('www-authenticate')).toBe(INVALID_REQUEST);
        expect(((await res.json()) as { code: string }).code).toBe('ERR_INVALID_REQUEST');
      }
    });

    it('access_token in a form body → refused, never used (SPEC 12)', async () => {
      const before = started.counter.count;
      const res = await get(`${url}/orders`, undefined, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `access_token=${await tokenFor('alice')}`,
      });
      // Both platforms parse the form before guards run, so the token is seen and refused loudly.
      expect(res.status).toBe(400);
      expect(((await res.json()) as { code: string }).code).toBe('ERR_INVALID_REQUEST');
      expect(started.counter.count).toBe(before);
    });

    it.each([
      ['lower-case scheme (SPEC 5)', (t: string) => `bearer ${t}`, 200],
      ['two spaces (SPEC 6)', (t: string) => `Bearer  ${t}`, 200],
      ['scheme only (SPEC 3)', () => 'Bearer', 400],
      ['token plus extra (SPEC 7)', (t: string) => `Bearer ${t} extra`, 400],
      ['Basic (SPEC 2)', () => 'Basic YWxpY2U6cHc=', 401],
    ] as const)('%s', async (_name, header, status) => {
      const res = await get(`${url}/orders`, undefined, {
        headers: { authorization: header(await tokenFor('alice')) },
      });
      expect(res.status).toBe(status);
    });
  });

  describe('handler vs class semantics', () => {
    it.each([
      ['/mixed/open', 'anonymous', 200],
      ['/mixed/closed', 'anonymous', 401],
      ['/mixed/closed', 'alice', 403],
      ['/mixed/closed', 'ada', 200],
      ['/public-class/open', 'anonymous', 200],
      ['/public-class/scoped', 'anonymous', 401],
      ['/public-class/scoped', 'alice', 200],
      ['/conflict', 'anonymous', 401],
      ['/conflict', 'alice', 403],
      ['/conflict', 'ada', 200],
    ] as const)('GET %s as %s → %i', async (path, who, status) => {
      const token = who === 'anonymous' ? undefined : await tokenFor(who);
      const before = started.counter.count;
      const res = await get(url + path, token);
      expect(res.status).toBe(status);
      expect(started.counter.count - before).toBe(status === 200 ? 1 : 0);
    });
  });

  it('route-normalisation variants never reach an admin handler with a customer token (SPEC 18)', async () => {
    const alice = await tokenFor('alice');
    const { port } = new URL(url);
    for (const path of [
      '/admin/orders',
      '/ADMIN/orders',
      '/admin/orders/',
      '/admin//orders',
      '/%61dmin/orders',
      '/admin/orders;x=1',
      '/api/../admin/orders',
    ]) {
      const before = started.counter.count;
      const status = await new Promise<number>((resolve, reject) => {
        // Raw request line: no client-side URL normalisation.
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path,
            method: 'GET',
            headers: { authorization: `Bearer ${alice}` },
            timeout: 5_000,
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
        req.end();
      });
      expect({ path, denied: status === 403 || status === 404 }).toEqual({ path, denied: true });
      expect(started.counter.count).toBe(before);
    }
  });

  it('@Authenticated + REVOCATION_STORE: logout revokes the token, which then gets 401 ERR_TOKEN_REVOKED', async () => {
    const token = await tokenFor('alice');
    expect((await get(`${url}/orders`, token)).status).toBe(200);
    expect((await get(`${url}/sessions/logout`, token, { method: 'POST' })).status).toBe(200);
    const res = await get(`${url}/orders`, token);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { code: string }).code).toBe('ERR_TOKEN_REVOKED');
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it.each([['/broken/o-a1'], ['/broken-policy']])(
    '%s: a resolver/policy that throws → 500 ERR_INTERNAL, nothing leaks',
    async (path) => {
      const before = started.counter.count;
      audit.length = 0;
      const res = await get(url + path, await tokenFor('alice'));
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({
        statusCode: 500,
        error: 'internal_error',
        code: 'ERR_INTERNAL',
        message: 'Internal error',
      });
      expect(text).not.toContain('hunter2');
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(started.counter.count).toBe(before);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ decision: 'deny', reason: 'ERR_INTERNAL' });
    },
  );

  it('loads the resource once per request, and never when a principal rule already denied', async () => {
    const loads = started.counter.loads;
    expect((await get(`${url}/orders/o-a1`, await tokenFor('alice'))).status).toBe(200);
    expect(started.counter.loads - loads).toBe(1);
    // alice lacks the admin role: DELETE is denied before any load (no existence probe).
    expect((await get(`${url}/orders/o-b1`, await tokenFor('alice'), { method: 'DELETE' })).status).toBe(403);
    expect(started.counter.loads - loads).toBe(1);
  });

  it('never loads for a caller refused whatever the resource: no tenant (403), a client principal (404)', async () => {
    const loads = started.counter.loads;
    const noTenant = await get(`${url}/orders/o-a1`, await tokenFor('noTenant'));
    expect(noTenant.status).toBe(403);
    expect(((await noTenant.json()) as { code: string }).code).toBe('ERR_FORBIDDEN');
    expect((await get(`${url}/orders/o-a1`, await tokenFor('spoofClient'))).status).toBe(404);
    expect(started.counter.loads - loads).toBe(0);
  });

  it('not found and not permitted are byte-identical (SPEC 114)', async () => {
    const token = await tokenFor('alice');
    const [other, missing] = [await get(`${url}/orders/o-b1`, token), await get(`${url}/orders/o-nope`, token)];
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(await other.text()).toBe(await missing.text());
    const pick = (r: Response) => ['www-authenticate', 'cache-control', 'content-type'].map((h) => r.headers.get(h));
    expect(pick(other)).toEqual(pick(missing));
  });

  it('a resolver answering null for a missing id gives the same 404 as another user’s resource', async () => {
    const token = await tokenFor('alice');
    const runs = started.counter.count;
    const [other, missing] = [await get(`${url}/nullable/o-b1`, token), await get(`${url}/nullable/o-nope`, token)];
    expect([other.status, missing.status]).toEqual([404, 404]);
    expect(await missing.text()).toBe(await other.text());
    expect(started.counter.count).toBe(runs);
    expect((await get(`${url}/nullable/o-a1`, token)).status).toBe(200);
  });

  it('a class policy answering a deny decision is that deny; one answering neither boolean nor decision is a 500', async () => {
    const runs = started.counter.count;
    const hidden = await get(`${url}/hidden`, await tokenFor('ada'));
    expect(hidden.status).toBe(404);
    expect(((await hidden.json()) as { code: string }).code).toBe('ERR_NOT_FOUND');
    const sloppy = await get(`${url}/sloppy-policy`, await tokenFor('ada'));
    expect(sloppy.status).toBe(500);
    expect(((await sloppy.json()) as { code: string }).code).toBe('ERR_INTERNAL');
    expect(started.counter.count).toBe(runs);
  });

  it('applies the rules that follow @OwnedResource once the owner passes', async () => {
    const alice = await tokenFor('alice');
    const runs = started.counter.count;
    expect((await get(`${url}/archived/o-a1`, alice)).status).toBe(403); // alice's own order, refused by the policy
    expect((await get(`${url}/owned-admin/o-a1`, alice)).status).toBe(403); // owner, but not admin
    expect(started.counter.count).toBe(runs);
    expect((await get(`${url}/nullable/o-a1`, alice)).status).toBe(200);
  });

  it('@OwnedResource without allowRoles lets no role see another user’s resource (support, admin)', async () => {
    const runs = started.counter.count;
    for (const name of ['sam', 'ada'] as const) {
      const res = await get(`${url}/nullable/o-a1`, await tokenFor(name));
      expect(res.status).toBe(404);
    }
    expect(started.counter.count).toBe(runs);
  });

  it('sets request.portcullis = { principal, token } and request.user = principal', async () => {
    const res = await get(`${url}/whoami`, await tokenFor('alice'));
    expect(await res.json()).toEqual({ sameObject: true, hasTokenHash: true });
  });
});

describe.each(PLATFORMS)('%s with exception filters', (platform) => {
  it('a catch-all filter that writes only a body still sends the challenge and no-store', async () => {
    const root = scenarioModule(
      portcullisImport('forRoot', { ...issuer.verifierOptions(), ...SCENARIO_OPTIONS, audit: () => {} }),
    );
    const started = await startApp(root, platform, { configure: (app) => app.useGlobalFilters(new BodyOnlyFilter()) });
    try {
      const res = await get(`${started.url}/orders`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ custom: true, status: 401 });
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="orders"');
      expect(res.headers.get('cache-control')).toBe('no-store');
    } finally {
      await started.close();
    }
  });

  it('PortcullisExceptionFilter answers a PortcullisError thrown by a handler per RFC 6750', async () => {
    const root = scenarioModule(
      portcullisImport('forRoot', { ...issuer.verifierOptions(), ...SCENARIO_OPTIONS, audit: () => {} }),
      {
        controllers: [ExtraController],
        providers: [ThrowingResolver, NullingResolver, ThrowingPolicy, HidingPolicy, SloppyPolicy],
      },
    );
    const logger = recordingLogger();
    const started = await startApp(root, platform, {
      logger,
      configure: (app) => app.useGlobalFilters(app.get(PortcullisExceptionFilter)),
    });
    try {
      // A 5xx thrown by application code: a bare 500 for the client, the reason in the log.
      const internal = await get(`${started.url}/throws-internal`, await tokenFor('alice'));
      expect(internal.status).toBe(500);
      const internalBody = await internal.text();
      expect(internalBody).not.toContain('order store');
      expect(internalBody).not.toContain(SECRET_FAILURE);
      expect(logger.lines).toContainEqual({
        level: 'error',
        message: 'ERR_INTERNAL thrown by a handler: order store unreachable',
      });
      const errors = logger.lines.filter((l) => l.level === 'error').length;

      const res = await get(`${started.url}/throws`, await tokenFor('alice'));
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({
        statusCode: 403,
        error: 'forbidden',
        code: 'ERR_FORBIDDEN',
        message: 'Access to this resource is not permitted',
      });
      expect(res.headers.get('cache-control')).toBe('no-store');
      // Guard denials go through the same filter unchanged.
      const anon = await get(`${started.url}/orders`);
      expect(anon.status).toBe(401);
      expect(anon.headers.get('www-authenticate')).toBe('Bearer realm="orders"');
      expect(((await anon.json()) as { code: string }).code).toBe('ERR_MISSING_TOKEN');
      // 4xx answers are not errors of the application: nothing more was logged.
      expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(errors);
    } finally {
      await started.close();
    }
  });
});

describe.each(PLATFORMS)('%s when a dependency cannot answer', (platform) => {
  it('key server down → 503 ERR_KEYS_UNAVAILABLE with Retry-After, no challenge, handler not run', async () => {
    const downIssuer = await createTestIssuer();
    const token = await downIssuer.token(PRINCIPALS.alice);
    downIssuer.jwksServer.mode('down');
    const options = {
      ...downIssuer.verifierOptions(),
      ...SCENARIO_OPTIONS,
      audit: () => {},
      remoteJwks: { timeout: 1_000 },
    };
    const started = await startApp(scenarioModule(portcullisImport('forRoot', options)), platform);
    try {
      const res = await get(`${started.url}/orders`, token);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(((await res.json()) as { code: string }).code).toBe('ERR_KEYS_UNAVAILABLE');
      expect(started.counter.count).toBe(0);
    } finally {
      await started.close();
      await downIssuer.close();
    }
  });

  it('revocation store failing → 503 ERR_REVOCATION_UNAVAILABLE, never an allow', async () => {
    const failing: RevocationStore = {
      revokeToken: () => undefined,
      revokeSubject: () => undefined,
      isRevoked: async () => {
        throw new Error('redis down');
      },
    };
    const options = { ...issuer.verifierOptions(), ...SCENARIO_OPTIONS, audit: () => {}, revocation: failing };
    const started = await startApp(scenarioModule(portcullisImport('forRoot', options)), platform);
    try {
      const res = await get(`${started.url}/orders`, await tokenFor('alice'));
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await res.json()) as { code: string }).code).toBe('ERR_REVOCATION_UNAVAILABLE');
      expect(started.counter.count).toBe(0);
    } finally {
      await started.close();
    }
  });
});
