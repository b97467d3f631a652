/**
 * PortcullisTestingModule.forIssuer and portcullisTestingOptions: the real PortcullisModule,
 * trusting a test issuer (issuer, audience, key set, clock) with the app's own rule options.
 *
 * | route                    | anonymous | alice (orders:read, acme) | alice without scope | bad tokens |
 * | GET  /health  @Public    | 200       | 200                       | 200                 |            |
 * | GET  /orders  @Scopes    | 401       | 200                       | 403 scope           | 401        |
 * | GET  /support @Roles     | 401       | 403                       |                     |            |   (admin inherits support)
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CurrentPrincipal, PORTCULLIS_MODULE_OPTIONS, Public, Roles, Scopes } from '@portcullis/nest';
import type { PortcullisModuleOptions, Principal } from '@portcullis/nest';
import { asPrincipal, createTestIssuer } from '../../src/index.js';
import type { TestIssuer } from '../../src/index.js';
import { listenForTest, portcullisTestingOptions, PortcullisTestingModule } from '../../src/nest/index.js';
import type { TestServer } from '../../src/nest/index.js';

@Controller()
class OrdersController {
  @Get('health') @Public() health() {
    return { ok: true };
  }
  @Get('orders') @Scopes('orders:read') list(@CurrentPrincipal() me: Principal) {
    return { subject: me.subject, tenant: me.tenant, roles: me.roles };
  }
  @Get('support') @Roles('support') support() {
    return { ok: true };
  }
}

const T0 = Date.parse('2031-05-01T00:00:00Z');
const ALICE = { sub: 'alice', scope: 'orders:read', roles: ['customer'], org_id: 'acme' };

describe('portcullisTestingOptions', () => {
  it("is the issuer's verifier options, then the overrides", async () => {
    const issuer = await createTestIssuer({ serve: 'none' });
    const options = portcullisTestingOptions(issuer, { realm: 'orders', audience: ['a', 'b'] });
    expect(options).toEqual({ ...issuer.verifierOptions(), realm: 'orders', audience: ['a', 'b'] });
    expect(options.jwks).toEqual(issuer.jwks);
    expect(options.now).toBe(issuer.clock.now);
    await issuer.close();
  });

  it('validates its arguments', () => {
    expect(() => portcullisTestingOptions({} as TestIssuer)).toThrow(
      /issuer must be a test issuer from createTestIssuer\(\)/,
    );
    expect(() => portcullisTestingOptions({ verifierOptions: () => ({}) } as never, [] as never)).toThrow(
      /overrides must be an object/,
    );
  });
});

describe('PortcullisTestingModule.forIssuer', () => {
  let issuer: TestIssuer;
  let server: TestServer;
  let options: PortcullisModuleOptions;

  beforeAll(async () => {
    // A frozen clock far from real time: the guard only accepts these tokens if it reads the issuer's clock.
    issuer = await createTestIssuer({ now: T0 });
    const moduleRef = await Test.createTestingModule({
      imports: [
        PortcullisTestingModule.forIssuer(issuer, {
          claims: { tenant: 'org_id' },
          roleHierarchy: { admin: ['support'] },
          realm: 'orders',
          audit: () => {},
        }),
      ],
      controllers: [OrdersController],
    }).compile();
    options = moduleRef.get(PORTCULLIS_MODULE_OPTIONS);
    server = await listenForTest(moduleRef.createNestApplication({ logger: false }));
  });
  afterAll(async () => {
    await server?.close();
    await issuer?.close();
  });

  it('registers the real module with the issuer values and the overrides', () => {
    expect(options).toMatchObject({
      issuer: issuer.issuer,
      audience: issuer.audience,
      jwksUri: issuer.jwksUri,
      realm: 'orders',
    });
    expect(options.now!()).toBe(T0);
  });

  it('lets a principal through the guard with a real token, mapped with the app options', async () => {
    const res = await asPrincipal(issuer, ALICE).fetch(`${server.url}/orders`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ subject: 'alice', tenant: 'acme', roles: ['customer'] });
    expect((await asPrincipal(issuer, { ...ALICE, roles: ['admin'] }).fetch(`${server.url}/support`)).status).toBe(200);
  });

  it('does not weaken the guard: anonymous, missing scope or role, and bad tokens are refused as in production', async () => {
    const anonymous = await fetch(`${server.url}/orders`, { signal: AbortSignal.timeout(5000) });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="orders"');
    const noScope = await asPrincipal(issuer, { ...ALICE, scope: 'orders:write' }).fetch(`${server.url}/orders`);
    expect(noScope.status).toBe(403);
    expect(await noScope.json()).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE' });
    expect((await asPrincipal(issuer, ALICE).fetch(`${server.url}/support`)).status).toBe(403);
    for (const kind of ['expired', 'wrong-audience', 'wrong-typ', 'alg-none', 'tampered-signature'] as const) {
      const res = await fetch(`${server.url}/orders`, {
        headers: { authorization: `Bearer ${await issuer.badToken(kind, ALICE)}` },
        signal: AbortSignal.timeout(5000),
      });
      expect([kind, res.status]).toEqual([kind, 401]);
    }
    expect((await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
  });

  it('passes isGlobal through to PortcullisModule.forRoot', () => {
    expect(PortcullisTestingModule.forIssuer(issuer).global).toBe(true);
    expect(PortcullisTestingModule.forIssuer(issuer, { isGlobal: false }).global).toBe(false);
  });
});
