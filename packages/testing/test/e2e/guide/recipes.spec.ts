// The recipes of docs/guides/testing-your-api.md, run against the guide's Express app: every
// claim the guide makes about bad tokens, frozen time, revocation, key rotation and key server
// outages is checked here.
import { afterEach, describe, expect, it } from '@jest/globals';
import { InMemoryRevocationStore } from '@portcullis/express';
import {
  BAD_TOKEN_KINDS,
  createTestIssuer,
  listenForTest,
  portcullisTestingOptions,
} from '@portcullis/testing/express';
import type { TestIssuer, TestServer } from '@portcullis/testing/express';
import type { PortcullisMiddlewareOptions } from '@portcullis/express';
// The guide's Express app is the outside example's (examples/express-orders-testing).
import { createApp } from '../../../../../examples/express-orders-testing/src/app.js';
import { AUTHORIZATION } from '../../../../../examples/express-orders-testing/src/authorization.js';

const ALICE = { sub: 'alice', scope: 'orders:read', roles: ['customer'], org_id: 'acme' };
const open: { close(): Promise<void> }[] = [];

async function start(
  options: Parameters<typeof createTestIssuer>[0] = {},
  extra: Partial<PortcullisMiddlewareOptions> = {},
) {
  const issuer: TestIssuer = await createTestIssuer(options);
  const server: TestServer = await listenForTest(
    createApp(portcullisTestingOptions(issuer, { ...AUTHORIZATION, audit: () => {}, ...extra })),
  );
  open.push(server, issuer);
  const get = (token?: string) =>
    fetch(`${server.url}/orders`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(5000),
    });
  return { issuer, server, get };
}

afterEach(async () => {
  for (const resource of open.splice(0).reverse()) await resource.close();
});

describe('every way a token can be wrong', () => {
  it.each(BAD_TOKEN_KINDS.filter((kind) => kind !== 'revoked-shape' && kind !== 'b64-false'))(
    'refuses a %s token with 401',
    async (kind) => {
      const { issuer, get } = await start();
      const res = await get(await issuer.badToken(kind, { scope: 'orders:read' }));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="orders", error="invalid_token"/);
    },
  );

  it("'b64-false' is not even a bearer token (its payload holds raw JSON): 400 invalid_request", async () => {
    const { issuer, get } = await start();
    const res = await get(await issuer.badToken('b64-false', { scope: 'orders:read' }));
    expect([res.status, ((await res.json()) as { code?: string }).code]).toEqual([400, 'ERR_INVALID_REQUEST']);
  });

  it("'revoked-shape' is a valid token (for revocation tests)", async () => {
    const { issuer, get } = await start();
    expect((await get(await issuer.badToken('revoked-shape', ALICE))).status).toBe(200);
  });
});

it('expiry without waiting: the app reads the frozen issuer clock', async () => {
  const { issuer, get } = await start({ now: Date.parse('2030-01-01T00:00:00Z') });
  const token = await issuer.token(ALICE); // expires 5 minutes later
  expect((await get(token)).status).toBe(200);
  issuer.clock.advance(306); // past exp and the default 5 s clock tolerance
  const res = await get(token);
  expect(res.status).toBe(401);
  expect(await res.json()).toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
});

it('revocation: a revoked token is refused', async () => {
  const revocation = new InMemoryRevocationStore();
  const { issuer, get } = await start({}, { revocation });
  const token = await issuer.token({ ...ALICE, jti: 'logout-1' });
  expect((await get(token)).status).toBe(200);
  revocation.revokeToken('logout-1', Math.floor(issuer.clock.now() / 1000) + 300);
  const res = await get(token);
  expect(res.status).toBe(401);
  expect(await res.json()).toMatchObject({ code: 'ERR_TOKEN_REVOKED' });
});

it('key rotation: a new key is picked up after the refetch cooldown, a removed one refused once the cache expires', async () => {
  const { issuer, get } = await start({ now: Date.parse('2030-01-01T00:00:00Z') });
  expect((await get(await issuer.token(ALICE))).status).toBe(200); // the app caches the key set
  expect(await issuer.addKey('ES256')).toBe('es256-2'); // new tokens are signed with it
  const early = await get(await issuer.token(ALICE));
  expect([early.status, ((await early.json()) as { code?: string }).code]).toEqual([401, 'ERR_KEY_NOT_FOUND']); // within the 30 s cooldown
  issuer.clock.advance(31);
  expect((await get(await issuer.token(ALICE))).status).toBe(200); // unknown kid: the app refetched
  issuer.removeKey('es256-1');
  expect((await get(await issuer.token(ALICE, { kid: 'es256-1' }))).status).toBe(200); // still cached
  issuer.clock.advance(601); // past the cached key set's max age (10 min)
  const stale = await get(await issuer.token(ALICE, { kid: 'es256-1' }));
  expect([stale.status, ((await stale.json()) as { code?: string }).code]).toEqual([401, 'ERR_KEY_NOT_FOUND']);
});

it('key server outage: without cached keys the app answers 503 with Retry-After, never allows', async () => {
  const { issuer, get } = await start();
  issuer.jwksServer.mode('down');
  const res = await get(await issuer.token(ALICE));
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  issuer.jwksServer.mode('ok');
});

it('key server outage with the key set already cached: known keys keep working, a new kid gets 503', async () => {
  const { issuer, get } = await start({ now: Date.parse('2030-01-01T00:00:00Z') });
  expect((await get(await issuer.token(ALICE))).status).toBe(200); // the app caches the key set
  issuer.jwksServer.mode('down');
  expect((await get(await issuer.token(ALICE))).status).toBe(200);
  await issuer.addKey('ES256');
  issuer.clock.advance(31); // past the refetch cooldown: the unknown kid makes the app ask the key server
  const res = await get(await issuer.token(ALICE));
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  issuer.jwksServer.mode('ok');
});
