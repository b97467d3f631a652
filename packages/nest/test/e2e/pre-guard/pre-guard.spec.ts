/**
 * A global guard that runs BEFORE PortcullisGuard and authenticates with `authenticateRequest`
 * (a rate limiter keyed on the verified caller), over real HTTP on both adapters, with a
 * revocation store that counts its lookups and answers synchronously or with a promise (Redis).
 *
 * Truth table (pre-guard mode → revocation lookups for one request, answer):
 * | pre-guard                        | valid token | revoked token             | two Authorization headers | no token      |
 * | none (does not authenticate)     | 1, 200      | 1, 401 invalid_token      | 0, 400 invalid_request    | 0, 401        |
 * | same instance (`PORTCULLIS`)     | 1, 200      | 1, 401 — the same answer  | 0, 400 — the same answer  | 0, 401 — same |
 * | another instance (same store)    | 2, 200      | 2, 401 — the same answer  |                           |               |
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Inject, Injectable, Module, Req } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { createPortcullis } from '@portcullis/core';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { authenticateRequest, PORTCULLIS, PortcullisModule, Scopes } from '../../../src/index.js';
import type { AuthContext, Portcullis, PortcullisModuleOptions } from '../../../src/index.js';
import { CountingRevocationStore, jtiAndExp } from '../../../../../test-support/counting-revocation-store.js';
import { HandlerCounter } from '../support/scenario-app.js';
import { PLATFORMS, startApp } from '../support/start-app.js';
import type { StartedApp } from '../support/start-app.js';

/** Test switch: which instance the pre-guard authenticates with (`same`, `other`), if any. */
const PRE_AUTH_HEADER = 'x-test-pre-auth';
const OTHER_PORTCULLIS = Symbol('other Portcullis instance');

interface SeenRequest {
  headers: Record<string, string | string[] | undefined>;
  portcullis?: { principal: unknown; token?: unknown };
}

/** What the pre-guard saw, per request object. */
const preAuthenticated = new WeakMap<object, AuthContext>();
const guardRanFirst: boolean[] = [];

@Injectable()
class PreAuthGuard implements CanActivate {
  constructor(
    @Inject(PORTCULLIS) private readonly portcullis: Portcullis,
    @Inject(OTHER_PORTCULLIS) private readonly other: Portcullis,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<SeenRequest>();
    guardRanFirst.push(request.portcullis !== undefined);
    const mode = request.headers[PRE_AUTH_HEADER];
    const instance = mode === 'same' ? this.portcullis : mode === 'other' ? this.other : undefined;
    if (instance === undefined) return true;
    try {
      preAuthenticated.set(request, await authenticateRequest(instance, request));
    } catch {
      // A rate limiter would count this caller by IP; PortcullisGuard answers the failure.
    }
    return true;
  }
}

@Controller()
class OrdersController {
  @Get('orders')
  @Scopes('orders:read')
  list(@Req() request: SeenRequest) {
    const early = preAuthenticated.get(request);
    return {
      subject: (request.portcullis?.principal as { subject: string }).subject,
      sameAuthContext: early
        ? request.portcullis?.principal === early.principal && request.portcullis?.token === early.token
        : null,
    };
  }
}

const READ = { sub: 'alice', scope: 'orders:read' };
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(async () => {
  await issuer?.close();
});

/** A GET with raw header lines (node:http sends each one; fetch would merge duplicates). */
function get(url: string, headers: [string, string][]): Promise<{ status: number; challenge: unknown; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/orders`, { method: 'GET', timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, challenge: res.headers['www-authenticate'], body: JSON.parse(body) }),
      );
    });
    const grouped = new Map<string, string[]>();
    for (const [name, value] of headers) grouped.set(name, [...(grouped.get(name) ?? []), value]);
    for (const [name, values] of grouped) req.setHeader(name, values.length === 1 ? values[0]! : values);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

const bearer = (token: string): [string, string] => ['authorization', `Bearer ${token}`];
const preAuth = (mode: 'same' | 'other'): [string, string] => [PRE_AUTH_HEADER, mode];

const variants = PLATFORMS.flatMap((platform) =>
  (['sync', 'async'] as const).map((answers) => ({ platform, answers })),
);

describe.each(variants)('$platform, revocation store answering $answers', ({ platform, answers }) => {
  let started: StartedApp;
  let url: string;
  const store = new CountingRevocationStore(answers);

  /** Sends a request and returns its answer with the number of revocation lookups it caused. */
  async function send(headers: [string, string][]) {
    const before = store.lookups;
    const answer = await get(url, headers);
    return { ...answer, lookups: store.lookups - before };
  }

  beforeAll(async () => {
    const options = {
      ...issuer.verifierOptions(),
      realm: 'orders',
      revocation: store,
    } satisfies PortcullisModuleOptions;
    @Module({
      imports: [PortcullisModule.forRoot(options)],
      controllers: [OrdersController],
      providers: [
        HandlerCounter,
        // Registered by the root module, so it runs before PortcullisModule's global guard.
        { provide: APP_GUARD, useClass: PreAuthGuard },
        { provide: OTHER_PORTCULLIS, useFactory: () => createPortcullis(options) },
      ],
    })
    class RootModule {}
    started = await startApp(RootModule, platform);
    url = started.url;
  });
  afterAll(async () => {
    await started?.close();
  });

  it('the pre-guard runs before PortcullisGuard (the order this scenario relies on)', async () => {
    guardRanFirst.length = 0;
    await send([bearer(await issuer.token(READ)), preAuth('same')]);
    expect(guardRanFirst).toEqual([false]);
  });

  it('a pre-guard that authenticates + PortcullisGuard: exactly one revocation lookup, one AuthContext', async () => {
    const token = await issuer.token(READ);
    // First sight (signature check), then a verified-token cache hit.
    for (let i = 0; i < 2; i++) {
      const res = await send([bearer(token), preAuth('same')]);
      expect(res).toEqual({
        status: 200,
        challenge: undefined,
        body: { subject: 'alice', sameAuthContext: true },
        lookups: 1,
      });
    }
  });

  it('a pre-guard that does not authenticate: PortcullisGuard authenticates itself (one lookup)', async () => {
    const res = await send([bearer(await issuer.token(READ))]);
    expect(res).toEqual({
      status: 200,
      challenge: undefined,
      body: { subject: 'alice', sameAuthContext: null },
      lookups: 1,
    });
  });

  it("another instance's authentication is not reused: the guard looks up again", async () => {
    const res = await send([bearer(await issuer.token(READ)), preAuth('other')]);
    expect(res).toMatchObject({ status: 200, body: { subject: 'alice', sameAuthContext: false }, lookups: 2 });
  });

  it('a revoked token gets the same RFC 6750 answer as without the pre-guard, after one lookup', async () => {
    const token = await issuer.token(READ);
    const { jti, exp } = jtiAndExp(token);
    store.revokeToken(jti, exp);
    const alone = await send([bearer(token)]);
    expect(alone).toEqual({
      status: 401,
      challenge: 'Bearer realm="orders", error="invalid_token", error_description="The access token was revoked"',
      body: expect.objectContaining({ statusCode: 401, code: 'ERR_TOKEN_REVOKED' }),
      lookups: 1,
    });
    expect(await send([bearer(token), preAuth('same')])).toEqual(alone);
    expect(await send([bearer(token), preAuth('other')])).toEqual({ ...alone, lookups: 2 });
  });

  it('a malformed request (two Authorization headers) gets the same 400 as without the pre-guard', async () => {
    const [alice, bob] = [await issuer.token(READ), await issuer.token({ ...READ, sub: 'bob' })];
    const alone = await send([bearer(alice), bearer(bob)]);
    expect(alone).toMatchObject({
      status: 400,
      challenge: 'Bearer realm="orders", error="invalid_request", error_description="The request is malformed"',
      body: { code: 'ERR_INVALID_REQUEST' },
      lookups: 0,
    });
    expect(await send([bearer(alice), bearer(bob), preAuth('same')])).toEqual(alone);
  });

  it('no token: the same 401 challenge as without the pre-guard', async () => {
    const alone = await send([]);
    expect(alone).toMatchObject({ status: 401, challenge: 'Bearer realm="orders"', lookups: 0 });
    expect(await send([preAuth('same')])).toEqual(alone);
  });
});
