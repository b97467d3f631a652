import { describe, expect, it } from '@jest/globals';
import { ERROR_CATALOG, PortcullisError, type PortcullisErrorCode } from '../../src/errors/portcullis-error.js';
import { assertChallengeSafe, buildChallenge, toHttpResponse } from '../../src/errors/to-http-response.js';

describe('toHttpResponse', () => {
  it('answers a missing token with a bare challenge and no error attribute (RFC 6750 §3.1)', () => {
    const r = toHttpResponse(new PortcullisError('ERR_MISSING_TOKEN'), { realm: 'orders' });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Bearer realm="orders"');
    expect(r.body).toEqual({ statusCode: 401, error: 'unauthorized', code: 'ERR_MISSING_TOKEN', message: 'Authentication required' });
  });

  it('answers an expired token with invalid_token', () => {
    const r = toHttpResponse(new PortcullisError('ERR_TOKEN_EXPIRED'), { realm: 'orders' });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe(
      'Bearer realm="orders", error="invalid_token", error_description="The access token expired"',
    );
  });

  it('names the required scopes in an insufficient_scope challenge', () => {
    const r = toHttpResponse(new PortcullisError('ERR_INSUFFICIENT_SCOPE', { requiredScopes: ['orders:write', 'x'] }), {
      realm: 'orders',
      resourceMetadata: 'https://api.example.test/.well-known/oauth-protected-resource/orders',
    });
    expect(r.status).toBe(403);
    expect(r.headers['www-authenticate']).toBe(
      'Bearer realm="orders", error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:write x", resource_metadata="https://api.example.test/.well-known/oauth-protected-resource/orders"',
    );
  });

  it('sends Retry-After with 503 and no challenge', () => {
    const r = toHttpResponse(new PortcullisError('ERR_KEYS_UNAVAILABLE', { retryAfter: 7 }));
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('7');
    expect(r.headers['www-authenticate']).toBeUndefined();
  });

  it('always sends Retry-After as delay-seconds (RFC 9110 §10.2.3: 1*DIGIT), whatever retryAfter was given', () => {
    // A revocation store or key source written by an app may pass a computed value (1.5 s, a NaN
    // from a bad date, a negative or infinite delay): the header must stay a non-negative integer.
    const header = (retryAfter: number) =>
      toHttpResponse(new PortcullisError('ERR_REVOCATION_UNAVAILABLE', { retryAfter })).headers['retry-after'];
    expect(header(1.5)).toBe('2');
    expect(header(0)).toBe('0');
    expect(header(120)).toBe('120');
    for (const bad of [Number.NaN, -3, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(header(bad)).toMatch(/^\d+$/);
      expect(header(bad)).toBe('30'); // the default
    }
    expect(header(1e21)).toMatch(/^\d+$/);
    expect(new PortcullisError('ERR_KEYS_UNAVAILABLE', { retryAfter: 2.2 }).retryAfter).toBe(3);
  });

  it('answers with the catalog description even when app code rewrote the error message', () => {
    // "Enriching" an error message on its way up (err.message += ...) is a common pattern; what
    // reaches the client must stay the fixed description: no ids or claim values in the body, and
    // nothing that breaks the quoted-string grammar of the challenge (RFC 6750 §3).
    const error = new PortcullisError('ERR_TOKEN_EXPIRED');
    error.message = 'expired for user-bob, order "42" \\ see logs';
    const r = toHttpResponse(error, { realm: 'orders' });
    expect(r.headers['www-authenticate']).toBe(
      'Bearer realm="orders", error="invalid_token", error_description="The access token expired"',
    );
    expect(r.body.message).toBe('The access token expired');
    expect(JSON.stringify(r)).not.toContain('user-bob');
  });

  it('hides unknown errors behind a generic 500', () => {
    const r = toHttpResponse(new Error('db password is hunter2'));
    expect(r.status).toBe(500);
    expect(JSON.stringify(r)).not.toContain('hunter2');
    expect(r.body.code).toBe('ERR_INTERNAL');
  });

  it('has challenge-safe descriptions for every code', () => {
    for (const code of Object.keys(ERROR_CATALOG) as PortcullisErrorCode[]) {
      expect(() => assertChallengeSafe('description', ERROR_CATALOG[code].description)).not.toThrow();
      const challenge = buildChallenge(new PortcullisError(code), { realm: 'r' });
      if (challenge) expect(challenge.match(/error=/g)?.length ?? 0).toBeLessThanOrEqual(1);
    }
  });

  it('names only RFC 6749 scope-tokens in the challenge (a quote in a custom rule’s scope cannot break the header)', () => {
    const error = new PortcullisError('ERR_INSUFFICIENT_SCOPE', {
      requiredScopes: ['orders:read', 'x", error="invalid_token', 'two words', 'back\\slash'],
    });
    expect(toHttpResponse(error, { realm: 'orders' }).headers['www-authenticate']).toBe(
      'Bearer realm="orders", error="insufficient_scope", error_description="The access token lacks a required scope", scope="orders:read"',
    );
    const none = new PortcullisError('ERR_INSUFFICIENT_SCOPE', { requiredScopes: ['a"b'] });
    expect(buildChallenge(none, { realm: 'orders' })).not.toContain('scope=');
  });

  it('sends Retry-After only with a 503, whatever retryAfter a denial carries', () => {
    for (const code of ['ERR_FORBIDDEN', 'ERR_TOKEN_EXPIRED', 'ERR_INTERNAL'] as const) {
      const r = toHttpResponse(new PortcullisError(code, { retryAfter: 5 }), { realm: 'orders' });
      expect(r.headers['retry-after']).toBeUndefined();
    }
    const unavailable = new PortcullisError('ERR_KEYS_UNAVAILABLE', { retryAfter: 5 });
    expect(toHttpResponse(unavailable).headers['retry-after']).toBe('5');
  });

  it('refuses a realm that would break the header grammar', () => {
    expect(() => assertChallengeSafe('realm', 'a"b')).toThrow(TypeError);
  });
});
