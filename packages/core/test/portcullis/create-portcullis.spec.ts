import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import type { AuditEvent } from '../../src/audit/audit-event.js';
import { allOf } from '../../src/authorization/combinators.js';
import { requireOwnership } from '../../src/authorization/require-ownership.js';
import { requireRoles } from '../../src/authorization/require-roles.js';
import { requireScopes } from '../../src/authorization/require-scopes.js';
import type { Deny, Rule } from '../../src/authorization/rule.js';
import { PortcullisError, type PortcullisErrorCode } from '../../src/errors/portcullis-error.js';
import { createPortcullis } from '../../src/portcullis/create-portcullis.js';
import { hashToken } from '../../src/token/hash-token.js';
import type { Portcullis } from '../../src/portcullis/portcullis.js';
import { InMemoryRevocationStore } from '../../src/revocation/in-memory-revocation-store.js';

const METADATA = 'https://api.example.test/.well-known/oauth-protected-resource/orders';
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` }, method: 'GET', url: '/orders' });

async function failure(promise: Promise<unknown>): Promise<PortcullisError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PortcullisError);
    return error as PortcullisError;
  }
  throw new Error('expected a PortcullisError');
}

describe('createPortcullis (served JWKS on 127.0.0.1)', () => {
  let issuer: TestIssuer;
  let portcullis: Portcullis;
  let revocation: InMemoryRevocationStore;
  const events: AuditEvent[] = [];

  beforeAll(async () => {
    issuer = await createTestIssuer();
    revocation = new InMemoryRevocationStore({ now: issuer.clock.now });
    portcullis = createPortcullis({
      ...issuer.verifierOptions(),
      roleHierarchy: { admin: ['support'] },
      realm: 'orders',
      resourceMetadata: METADATA,
      revocation,
      audit: (e) => events.push(e),
    });
  });
  afterAll(async () => {
    await issuer.close();
  });

  it('authenticates a valid token into a frozen principal', async () => {
    const token = await issuer.token({
      sub: 'alice',
      scope: 'orders:read orders:write',
      roles: ['admin'],
      org_id: 'acme',
    });
    const { principal, token: verified } = await portcullis.authenticate(bearer(token));
    expect(principal.subject).toBe('alice');
    expect(principal.issuer).toBe(issuer.issuer);
    expect(principal.clientId).toBe('test-client');
    expect(principal.kind).toBe('user');
    expect([...principal.scopes]).toEqual(['orders:read', 'orders:write']);
    expect([...principal.roles]).toEqual(['admin', 'support']);
    expect(principal.tenant).toBe('acme');
    expect(typeof principal.tokenId).toBe('string');
    expect(Object.isFrozen(principal)).toBe(true);
    expect(verified.tokenHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await portcullis.authenticateToken(token);
    expect(again.principal.subject).toBe('alice');
  });

  it('gives a repeated token one shared auth context from its first cache hit on (not the first sight)', async () => {
    const token = await issuer.token({ sub: 'repeat', scope: 'orders:read', roles: ['support'] });
    const first = await portcullis.authenticate(bearer(token));
    const second = await portcullis.authenticate(bearer(token));
    const third = await portcullis.authenticate(bearer(token));
    expect([first.token.cached, second.token.cached, third.token.cached]).toEqual([false, true, true]);
    // Same verified claims and the same principal content every time …
    expect(second.token.claims).toBe(first.token.claims);
    expect(second.principal).toEqual(first.principal);
    // … and from the first hit on, the very same frozen objects.
    expect(third).toBe(second);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('answers a request without credentials with ERR_MISSING_TOKEN and a bare challenge', async () => {
    const e = await failure(portcullis.authenticate({ headers: {} }));
    expect(e.code).toBe('ERR_MISSING_TOKEN');
    expect(portcullis.toHttpResponse(e).headers['www-authenticate']).toBe(
      `Bearer realm="orders", resource_metadata="${METADATA}"`,
    );
  });

  it('refuses a token in the query string by default (invalid_request)', async () => {
    const token = await issuer.token();
    const e = await failure(
      portcullis.authenticate({ headers: {}, url: `/orders?access_token=${token}`, query: { access_token: token } }),
    );
    expect(e.code).toBe('ERR_INVALID_REQUEST');
  });

  it.each<[Parameters<TestIssuer['badToken']>[0], PortcullisErrorCode]>([
    ['expired', 'ERR_TOKEN_EXPIRED'],
    ['wrong-audience', 'ERR_CLAIM_INVALID'],
    ['wrong-issuer', 'ERR_CLAIM_INVALID'],
    ['alg-none', 'ERR_MALFORMED_TOKEN'], // the verifier refuses the empty signature before looking at alg
    ['hs-rs-confusion', 'ERR_ALGORITHM_NOT_ALLOWED'],
    ['tampered-signature', 'ERR_SIGNATURE_INVALID'],
    ['id-token', 'ERR_INVALID_TOKEN_TYPE'],
  ])('rejects a %s token with %s', async (kind, code) => {
    const e = await failure(portcullis.authenticate(bearer(await issuer.badToken(kind))));
    expect(e.code).toBe(code);
    expect(e.status).toBe(401);
    expect(portcullis.toHttpResponse(e).headers['www-authenticate']).toMatch(
      /^Bearer realm="orders", error="invalid_token"/,
    );
  });

  /** Signs exactly these claims (issuer.token() would join a scope array into a string). */
  const signExactly = async (claims: Record<string, unknown>): Promise<string> => {
    const now = Math.floor(issuer.clock.now() / 1000);
    const kid = issuer.jwks.keys.find((k) => k.alg === 'ES256')!.kid!;
    const payload = {
      iss: issuer.issuer,
      aud: issuer.audience,
      sub: 'alice',
      client_id: 'orders-web',
      iat: now,
      exp: now + 300,
      jti: `j-${Math.random()}`,
      ...claims,
    };
    return issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid }, payload);
  };

  it('fails closed when the mapper finds a claim of the wrong type (SPEC 86, 91)', async () => {
    for (const claims of [{ scope: ['orders:read'] }, { roles: 'admin' }, { roles: [1] }, { org_id: 7 }]) {
      const e = await failure(portcullis.authenticate(bearer(await signExactly(claims))));
      expect(e.code).toBe('ERR_CLAIM_INVALID');
      expect(e.status).toBe(401);
    }
  });

  it('does not grant roles from a __proto__ claim, nor pollute Object.prototype (SPEC 90)', async () => {
    const now = Math.floor(issuer.clock.now() / 1000);
    const payload =
      `{"iss":${JSON.stringify(issuer.issuer)},"aud":${JSON.stringify(issuer.audience)},"sub":"alice","client_id":"orders-web",` +
      `"iat":${now},"exp":${now + 300},"jti":"proto-1","roles":["customer"],"__proto__":{"roles":["admin"],"isAdmin":true}}`;
    const kid = issuer.jwks.keys.find((k) => k.alg === 'ES256')!.kid!;
    const token = await issuer.sign({ alg: 'ES256', typ: 'at+jwt', kid }, payload);
    const { principal } = await portcullis.authenticate(bearer(token));
    expect(Object.hasOwn(principal.claims, '__proto__')).toBe(true); // the claim really arrived
    expect(principal.grantedRoles).toEqual(['customer']);
    expect(principal.roles.has('admin')).toBe(false);
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
    expect(({} as Record<string, unknown>)['roles']).toBeUndefined();
  });

  it('rejects revoked tokens: by jti (SPEC 130) and by subject, inclusive of the revocation second (SPEC 131)', async () => {
    const token = await issuer.token({ sub: 'bob', jti: 'revoke-me' });
    const { principal } = await portcullis.authenticate(bearer(token));
    revocation.revokeToken(principal.tokenId!, principal.expiresAt!);
    expect((await failure(portcullis.authenticate(bearer(token)))).code).toBe('ERR_TOKEN_REVOKED');

    const before = await issuer.token({ sub: 'carol' });
    const cutOff = Math.floor(issuer.clock.now() / 1000);
    revocation.revokeSubject('carol', cutOff, cutOff + 3600);
    expect((await failure(portcullis.authenticate(bearer(before)))).code).toBe('ERR_TOKEN_REVOKED');
    issuer.clock.advance(1);
    const after = await issuer.token({ sub: 'carol' });
    expect((await portcullis.authenticate(bearer(after))).principal.subject).toBe('carol');
  });

  it('decides and authorizes rules; a throwing rule is a deny, never an allow', async () => {
    const token = await issuer.token({ sub: 'alice', scope: 'orders:read', roles: ['customer'], org_id: 'acme' });
    const { principal } = await portcullis.authenticate(bearer(token));
    const canRead = allOf(
      requireScopes<{ ownerId: string }>(['orders:read']),
      requireOwnership<{ ownerId: string }>({ ownerOf: (o) => o.ownerId }),
    );
    expect(portcullis.decide(canRead, { principal, resource: { ownerId: 'alice' } }).allowed).toBe(true);
    expect((portcullis.decide(canRead, { principal, resource: { ownerId: 'bob' } }) as Deny).reason).toBe(
      'ERR_NOT_FOUND',
    );
    expect(() => portcullis.authorize(canRead, { principal, resource: { ownerId: 'alice' } })).not.toThrow();

    let thrown: unknown;
    try {
      portcullis.authorize(requireScopes(['orders:write']), { principal });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as PortcullisError).code).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(portcullis.toHttpResponse(thrown).headers['www-authenticate']).toBe(
      `Bearer realm="orders", error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:write", resource_metadata="${METADATA}"`,
    );

    const broken: Rule = {
      kind: 'broken',
      description: 'broken',
      evaluate: () => {
        throw new Error('x');
      },
    };
    expect((portcullis.decide(broken, { principal }) as Deny).reason).toBe('ERR_INTERNAL');
    expect(() => portcullis.authorize(requireRoles(['admin']), { principal })).toThrow(PortcullisError);
  });

  it('audits allows and denials without the token', async () => {
    events.length = 0;
    const token = await issuer.token({ sub: 'alice', org_id: 'acme', jti: 'audit-1' });
    const auth = await portcullis.authenticate(bearer(token));
    portcullis.auditDecision({ allowed: true, reason: 'scopes:all(orders:read)' }, auth, {
      method: 'GET',
      route: '/orders/:id',
    });
    const expired = await issuer.badToken('expired');
    const error = await failure(portcullis.authenticate(bearer(expired)));
    portcullis.auditDecision({ allowed: false, error }, undefined, {
      method: 'GET',
      route: `/orders?access_token=${expired}`,
    });
    portcullis.audit({ decision: 'deny', reason: 'ERR_NO_RULE', route: '/no-rule' });

    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({
      type: 'portcullis.decision',
      decision: 'allow',
      reason: 'scopes:all(orders:read)',
      subject: 'alice',
      clientId: 'test-client',
      tenant: 'acme',
      tokenId: 'audit-1',
      tokenHash: auth.token.tokenHash,
      method: 'GET',
      route: '/orders/:id',
    });
    expect(events[0]!.time).toBe(new Date(issuer.clock.now()).toISOString());
    // The refused credential is named by its hash (SPEC §0.3 NDR), never by the token itself.
    expect(events[1]).toMatchObject({
      decision: 'deny',
      reason: 'ERR_TOKEN_EXPIRED',
      route: '/orders',
      tokenHash: hashToken(expired),
    });
    expect(events[2]).toMatchObject({ decision: 'deny', reason: 'ERR_NO_RULE' });
    const text = JSON.stringify(events);
    expect(text).not.toContain(token);
    expect(text).not.toContain(expired.split('.')[1]!);
  });

  it('names a validly signed token refused by the claims mapping by its hash too (first use and cached)', async () => {
    const token = await issuer.token({ sub: 'alice', roles: 'admin' }); // roles must be an array
    for (let i = 0; i < 2; i++) {
      const error = await failure(portcullis.authenticate(bearer(token)));
      expect(error.code).toBe('ERR_CLAIM_INVALID');
      expect(error.tokenHash).toBe(hashToken(token));
    }
  });

  it('carries the hash of every refused credential on the error (sync and async failures), never in the answer', async () => {
    for (const kind of ['expired', 'alg-none', 'wrong-audience', 'tampered-signature', 'unknown-kid'] as const) {
      const token = await issuer.badToken(kind);
      const error = await failure(portcullis.authenticate(bearer(token)));
      expect(error.tokenHash).toBe(hashToken(token));
      expect(JSON.stringify(portcullis.toHttpResponse(error))).not.toContain(error.tokenHash!);
    }
    // No credential, nothing to name.
    expect((await failure(portcullis.authenticate({ headers: {} }))).tokenHash).toBeUndefined();
  });

  it('ignores a throwing audit sink', async () => {
    const p = createPortcullis({
      ...issuer.verifierOptions(),
      audit: () => {
        throw new Error('sink down');
      },
    });
    expect(() => p.auditDecision({ allowed: true }, undefined)).not.toThrow();
    expect(() => p.audit({ decision: 'allow', reason: 'ALLOW' })).not.toThrow();
  });

  it("skips building events while the sink's isEnabled() says no, and sends the same events when it says yes", async () => {
    const token = await issuer.token({ sub: 'alice', org_id: 'acme', jti: 'gate-1' });
    const auth = await portcullis.authenticate(bearer(token));
    let enabled = false;
    let checks = 0;
    let clockReads = 0;
    const gated: AuditEvent[] = [];
    const plain: AuditEvent[] = [];
    const sink = Object.assign((e: AuditEvent) => void gated.push(e), {
      isEnabled: () => {
        checks++;
        return enabled;
      },
    });
    const clock = () => {
      clockReads++;
      return issuer.clock.now();
    };
    const withGate = createPortcullis({ ...issuer.verifierOptions(), audit: sink, now: clock });
    const without = createPortcullis({ ...issuer.verifierOptions(), audit: (e) => void plain.push(e) });
    const send = (p: Portcullis) => {
      p.auditDecision({ allowed: true, reason: 'scopes:all(orders:read)' }, auth, {
        method: 'GET',
        route: '/orders/:id',
      });
      p.auditDecision({ allowed: false, error: new PortcullisError('ERR_INSUFFICIENT_SCOPE') }, auth, {
        method: 'GET',
      });
      p.audit({ decision: 'deny', reason: 'ERR_NO_RULE', route: '/no-rule' });
    };

    send(withGate);
    expect(checks).toBe(3);
    expect(gated).toEqual([]);
    expect(clockReads).toBe(0); // nothing was built: not even the time was read

    enabled = true;
    send(withGate);
    send(without);
    expect(gated).toHaveLength(3);
    expect(gated).toEqual(plain);
  });

  it('a throwing or non-boolean isEnabled() counts as enabled: a broken check never loses an event', () => {
    const events: AuditEvent[] = [];
    for (const isEnabled of [
      () => {
        throw new Error('check down');
      },
      () => undefined as unknown as boolean,
    ]) {
      const p = createPortcullis({
        ...issuer.verifierOptions(),
        audit: Object.assign((e: AuditEvent) => void events.push(e), { isEnabled }),
      });
      p.audit({ decision: 'allow', reason: 'ALLOW' });
    }
    expect(events.map((e) => e.decision)).toEqual(['allow', 'allow']);
  });

  it('phrases answers with its realm; default realm is api', () => {
    expect(portcullis.challenge).toEqual({ realm: 'orders', resourceMetadata: METADATA });
    const p = createPortcullis(issuer.verifierOptions());
    expect(p.challenge).toEqual({ realm: 'api' });
    expect(p.toHttpResponse(new PortcullisError('ERR_TOKEN_EXPIRED')).headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
    );
    expect(p.toHttpResponse(new Error('secret')).body).toEqual({
      statusCode: 500,
      error: 'internal_error',
      code: 'ERR_INTERNAL',
      message: 'Internal error',
    });
  });

  it('validates options once, at creation', () => {
    const base = issuer.verifierOptions();
    expect(() => createPortcullis({ ...base, realm: 'or"ders' })).toThrow(TypeError);
    expect(() => createPortcullis({ ...base, realm: '' })).toThrow(TypeError);
    expect(() => createPortcullis({ ...base, resourceMetadata: 'not a url' })).toThrow(TypeError);
    expect(() => createPortcullis({ ...base, resourceMetadata: 'https://x.test/"' })).toThrow(TypeError);
    expect(() => createPortcullis({ ...base, resourceMetadata: 'ftp://x.test/m' })).toThrow(TypeError);
    expect(() => createPortcullis({ ...base, claims: 'google' as 'auth0' })).toThrow(TypeError);
    expect(() => createPortcullis({ ...base, roleHierarchy: { a: ['b'], b: ['a'] } })).toThrow(/cycle/);
    expect(() => createPortcullis({ ...base, audit: 'log' as unknown as () => void })).toThrow(TypeError);
    expect(() => createPortcullis({ ...base, issuer: '' })).toThrow(TypeError);
    expect(() => createPortcullis(null as never)).toThrow(TypeError);
  });
});
