/**
 * @nestjs/passport integration, over real HTTP on both adapters:
 * 1. AuthGuard('portcullis') (PortcullisStrategy) + PortcullisRulesGuard;
 * 2. an app's existing passport-jwt strategy (keys from the test issuer's JWKS through a jose → PEM
 *    key provider) + PortcullisRulesGuard mapping `req.user` claims with the module's claim map.
 *
 * | route                 | rule                         | alice | fulfilment          | anonymous |
 * | GET  /p/orders        | @Scopes('orders:read')       | 200   | 403 insufficient_scope | 401    |
 * | GET  /p/orders/:id    | @OwnedResource(owner/tenant) | o-a1 200, o-b1 404 |        |           |
 * | GET  /p/admin         | @Roles('admin') (hierarchy)  | 403   |                     |           |
 * | GET  /p/no-rule       | none                         | 403 ERR_NO_RULE |           |           |
 */
import { KeyObject } from 'node:crypto';
import type { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, Module, UseGuards } from '@nestjs/common';
import type { Type } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { createRemoteJWKSet, decodeProtectedHeader } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { ExtractJwt, Strategy as JwtStrategyBase } from 'passport-jwt';
import { PRINCIPALS } from '../../../../../test-support/adapter-cases.js';
import {
  CurrentPrincipal,
  LoadedResource,
  OwnedResource,
  PortcullisModule,
  PortcullisRulesGuard,
  Roles,
  Scopes,
} from '../../../src/index.js';
import type { AuditEvent, AuthContext, PortcullisModuleOptions, Principal } from '../../../src/index.js';
import { PortcullisAuthGuard, PortcullisStrategy } from '../../../src/passport/index.js';
import { HandlerCounter, OrderResolver } from '../support/scenario-app.js';
import type { Order } from '../support/scenario-app.js';
import { PLATFORMS, startApp } from '../support/start-app.js';
import type { StartedApp } from '../support/start-app.js';

/** passport-jwt wants PEM or KeyObject; jose hands out WebCrypto keys (toolchain.md §5). */
function joseKeyProvider(getKey: JWTVerifyGetKey) {
  return (_req: unknown, raw: string, done: (err: unknown, key?: string) => void) => {
    (async () => {
      const key = await getKey(decodeProtectedHeader(raw) as never, { payload: '', signature: '' } as never);
      done(null, KeyObject.from(key as webcrypto.CryptoKey).export({ type: 'spki', format: 'pem' }) as string);
    })().catch((e: unknown) => done(e));
  };
}

let issuer: TestIssuer;

function jwtStrategy(validate: (payload: Record<string, unknown>) => unknown): Type {
  @Injectable()
  class JwtStrategy extends PassportStrategy(JwtStrategyBase, 'jwt') {
    constructor() {
      super({
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        secretOrKeyProvider: joseKeyProvider(createRemoteJWKSet(new URL(issuer.jwksUri!))),
        issuer: issuer.issuer,
        audience: issuer.audience,
        algorithms: ['ES256'],
      });
    }
    validate(payload: Record<string, unknown>) {
      return validate(payload);
    }
  }
  return JwtStrategy;
}

function controllerGuardedBy(authGuard: string | Type): Type {
  @Controller('p')
  @UseGuards(typeof authGuard === 'string' ? AuthGuard(authGuard) : authGuard, PortcullisRulesGuard)
  class PassportController {
    constructor(private readonly counter: HandlerCounter) {}
    @Get('orders') @Scopes('orders:read') list(@CurrentPrincipal() me: Principal) {
      this.counter.count++;
      return { ok: true, subject: me.subject, tenant: me.tenant };
    }
    @Get('orders/:id')
    @Scopes('orders:read')
    @OwnedResource(OrderResolver, { tenant: true, allowRoles: ['support'] })
    get(@LoadedResource() order: Order) {
      this.counter.count++;
      return { ok: true, id: order.id };
    }
    @Get('admin') @Roles('support') admin() {
      this.counter.count++;
      return { ok: true };
    }
    @Get('no-rule') noRule() {
      this.counter.count++;
      return { ok: true };
    }
  }
  return PassportController;
}

function appModule(
  controller: Type,
  strategy: Type,
  options: Partial<PortcullisModuleOptions> = {},
  audit: AuditEvent[] = [],
): Type {
  @Module({
    imports: [
      PortcullisModule.forRoot({
        ...issuer.verifierOptions(),
        realm: 'orders',
        roleHierarchy: { admin: ['support'] },
        globalGuard: false,
        routesWithoutRules: 'ignore',
        audit: (e) => void audit.push(e),
        ...options,
      }),
    ],
    controllers: [controller],
    providers: [strategy, HandlerCounter, OrderResolver],
  })
  class PassportAppModule {}
  return PassportAppModule;
}

beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(async () => {
  await issuer?.close();
});

const call = (url: string, token?: string) =>
  fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(5_000) });

describe.each(PLATFORMS)('%s', (platform) => {
  describe("AuthGuard('portcullis') + PortcullisRulesGuard", () => {
    let started: StartedApp;
    const audit: AuditEvent[] = [];
    beforeAll(async () => {
      started = await startApp(appModule(controllerGuardedBy('portcullis'), PortcullisStrategy, {}, audit), platform);
    });
    afterAll(async () => {
      await started?.close();
    });

    it('authenticates with Portcullis and applies the rules', async () => {
      const res = await call(`${started.url}/p/orders`, await issuer.token(PRINCIPALS.alice));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, subject: 'alice', tenant: 'acme' });
      const scope = await call(`${started.url}/p/orders`, await issuer.token(PRINCIPALS.fulfilment));
      expect(scope.status).toBe(403);
      expect(scope.headers.get('www-authenticate')).toContain(
        'error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:read"',
      );
    });

    it('answers authentication failures with the Portcullis status and body', async () => {
      const before = started.counter.count;
      const anonymous = await call(`${started.url}/p/orders`);
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { code: string }).code).toBe('ERR_MISSING_TOKEN');
      const expired = await call(`${started.url}/p/orders`, await issuer.badToken('expired', PRINCIPALS.alice));
      expect(expired.status).toBe(401);
      expect(((await expired.json()) as { code: string }).code).toBe('ERR_TOKEN_EXPIRED');
      if (platform === 'express') {
        // Express requests link to their response, so the strategy sets the challenge itself.
        expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="orders"');
        expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
      }
      expect(started.counter.count).toBe(before);
    });

    it('ownership, roles and default deny work behind the strategy', async () => {
      const alice = await issuer.token(PRINCIPALS.alice);
      expect((await call(`${started.url}/p/orders/o-a1`, alice)).status).toBe(200);
      expect((await call(`${started.url}/p/orders/o-b1`, alice)).status).toBe(404);
      expect((await call(`${started.url}/p/admin`, alice)).status).toBe(403);
      expect((await call(`${started.url}/p/admin`, await issuer.token(PRINCIPALS.ada))).status).toBe(200);
      const noRule = await call(`${started.url}/p/no-rule`, alice);
      expect(noRule.status).toBe(403);
      expect(((await noRule.json()) as { code: string }).code).toBe('ERR_NO_RULE');
    });

    it('audits with the token hash (the strategy stored the verified token)', async () => {
      audit.length = 0;
      await call(`${started.url}/p/orders`, await issuer.token(PRINCIPALS.alice));
      expect(audit).toEqual([
        expect.objectContaining({ decision: 'allow', subject: 'alice', tokenHash: expect.any(String) }),
      ]);
    });
  });

  it('PortcullisAuthGuard also sets the challenge headers (on Fastify too)', async () => {
    const started = await startApp(appModule(controllerGuardedBy(PortcullisAuthGuard), PortcullisStrategy), platform);
    try {
      const anonymous = await call(`${started.url}/p/orders`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="orders"');
      expect(anonymous.headers.get('cache-control')).toBe('no-store');
      const expired = await call(`${started.url}/p/orders`, await issuer.badToken('expired', PRINCIPALS.alice));
      expect(expired.headers.get('www-authenticate')).toBe(
        'Bearer realm="orders", error="invalid_token", error_description="The access token expired"',
      );
      expect((await call(`${started.url}/p/orders`, await issuer.token(PRINCIPALS.alice))).status).toBe(200);
    } finally {
      await started.close();
    }
  });

  it('a user refused by validate() stays refused when an optional AuthGuard lets the request through', async () => {
    // A common Nest pattern: an AuthGuard whose handleRequest() never throws, so anonymous callers
    // reach the rules guard (which then answers 401). A token that verified but whose user
    // validate() refused (a disabled account) must not leave its principal behind for the rules.
    @Injectable()
    class OptionalAuthGuard extends AuthGuard('portcullis') {
      override handleRequest<TUser = unknown>(_error: unknown, user: unknown): TUser {
        return (user || null) as TUser;
      }
    }
    @Injectable()
    class RefusingStrategy extends PortcullisStrategy {
      override validate(auth: AuthContext): Principal {
        if (auth.principal.subject === 'bob') return null as unknown as Principal; // account disabled
        return auth.principal;
      }
    }
    const started = await startApp(appModule(controllerGuardedBy(OptionalAuthGuard), RefusingStrategy), platform);
    try {
      expect((await call(`${started.url}/p/orders`, await issuer.token(PRINCIPALS.alice))).status).toBe(200);
      const before = started.counter.count;
      const refused = await call(`${started.url}/p/orders`, await issuer.token(PRINCIPALS.bob));
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { code: string }).code).toBe('ERR_MISSING_TOKEN');
      expect(started.counter.count).toBe(before);
    } finally {
      await started.close();
    }
  });

  describe("an existing passport-jwt strategy (AuthGuard('jwt')) + PortcullisRulesGuard", () => {
    let started: StartedApp;
    const audit: AuditEvent[] = [];
    beforeAll(async () => {
      started = await startApp(
        appModule(
          controllerGuardedBy('jwt'),
          jwtStrategy((payload) => payload),
          {},
          audit,
        ),
        platform,
      );
    });
    afterAll(async () => {
      await started?.close();
    });

    it('maps req.user claims to a Principal (scopes, roles with hierarchy, tenant) and applies the rules', async () => {
      const alice = await issuer.token(PRINCIPALS.alice);
      const res = await call(`${started.url}/p/orders`, alice);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, subject: 'alice', tenant: 'acme' });
      expect((await call(`${started.url}/p/orders`, await issuer.token(PRINCIPALS.fulfilment))).status).toBe(403);
      expect((await call(`${started.url}/p/orders/o-a1`, alice)).status).toBe(200);
      expect((await call(`${started.url}/p/orders/o-c1`, alice)).status).toBe(404);
      // admin inherits support through the module's role hierarchy
      expect((await call(`${started.url}/p/admin`, await issuer.token(PRINCIPALS.ada))).status).toBe(200);
      expect((await call(`${started.url}/p/admin`, alice)).status).toBe(403);
    });

    it('passport-jwt rejects bad tokens before any rule runs', async () => {
      const before = started.counter.count;
      expect((await call(`${started.url}/p/orders`)).status).toBe(401);
      expect(
        (await call(`${started.url}/p/orders`, await issuer.badToken('wrong-audience', PRINCIPALS.alice))).status,
      ).toBe(401);
      expect(started.counter.count).toBe(before);
    });

    it('audits the decision without token fields it does not have', async () => {
      audit.length = 0;
      await call(`${started.url}/p/orders`, await issuer.token(PRINCIPALS.alice));
      expect(audit).toEqual([
        expect.objectContaining({ decision: 'allow', subject: 'alice', tenant: 'acme', route: '/p/orders' }),
      ]);
    });
  });

  it('claimsFromUser adapts a custom user object', async () => {
    const strategy = jwtStrategy((payload) => ({ id: payload.sub, claims: payload }));
    const started = await startApp(
      appModule(controllerGuardedBy('jwt'), strategy, {
        claimsFromUser: (user) => (user as { claims: Record<string, unknown> }).claims,
      }),
      platform,
    );
    try {
      expect((await call(`${started.url}/p/orders`, await issuer.token(PRINCIPALS.alice))).status).toBe(200);
      expect((await call(`${started.url}/p/orders`, await issuer.token(PRINCIPALS.fulfilment))).status).toBe(403);
    } finally {
      await started.close();
    }
  });
});
