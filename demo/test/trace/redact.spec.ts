import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { fingerprint, redactForm, redactHeader, redactJson, redactUrl, shortToken } from '../../src/trace/redact.js';
import { summariseBody } from '../../src/trace/summarise-body.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const JWT = `${b64({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })}.${b64({ sub: 'alice' })}.${'s'.repeat(86)}`;
const REFRESH = 'ZUyDKqmEA7t4_h4_11BdHH80LDzXTZFEqEKuiueRuph';

describe('redact', () => {
  it('fingerprints with the first 8 hex digits of SHA-256', () => {
    expect(fingerprint('abc')).toBe(`sha256:${createHash('sha256').update('abc').digest('hex').slice(0, 8)}`);
  });

  it('shows a JWT by its typ and fingerprint, an opaque token by its fingerprint only', () => {
    expect(shortToken(JWT)).toBe(`‹at+jwt ${fingerprint(JWT)}›`);
    expect(shortToken(REFRESH)).toBe(`‹${fingerprint(REFRESH)}›`);
    expect(shortToken('a.b.c')).toBe(`‹${fingerprint('a.b.c')}›`); // not JSON: not called a JWT
  });

  it('reduces Authorization and Cookie headers to what is safe to show', () => {
    expect(redactHeader('Authorization', `Bearer ${JWT}`)).toBe(`Bearer ${shortToken(JWT)}`);
    const basic = Buffer.from('fulfilment-service:dev-only-fulfilment-service-secret').toString('base64');
    expect(redactHeader('authorization', `Basic ${basic}`)).toBe('Basic ‹fulfilment-service:***›');
    expect(redactHeader('cookie', '_session=abc; _session.sig=def')).toBe('_session=‹…›; _session.sig=‹…›');
    expect(redactHeader('content-type', 'application/json')).toBe('application/json');
  });

  it('hides passwords and secrets and fingerprints codes, verifiers, refresh tokens and state', () => {
    const form = new URLSearchParams({
      username: 'alice',
      password: 'password',
      client_secret: 's3cret',
      code_verifier: 'v',
      refresh_token: REFRESH,
    });
    expect(redactForm(form)).toBe(
      `username=alice&password=***&client_secret=***&code_verifier=‹${fingerprint('v')}›&refresh_token=‹${fingerprint(REFRESH)}›`,
    );
    expect(redactUrl('http://127.0.0.1:8080/callback?code=abc&state=xyz&iss=http%3A%2F%2F127.0.0.1%3A4000')).toBe(
      `http://127.0.0.1:8080/callback?code=‹${fingerprint('abc')}›&state=‹${fingerprint('xyz')}›&iss=http://127.0.0.1:4000`,
    );
    expect(redactUrl('http://127.0.0.1:3000/orders')).toBe('http://127.0.0.1:3000/orders');
  });

  it('replaces token fields in JSON, at any depth', () => {
    expect(redactJson({ access_token: JWT, nested: [{ refresh_token: REFRESH }], expires_in: 900 })).toEqual({
      access_token: shortToken(JWT),
      nested: [{ refresh_token: shortToken(REFRESH) }],
      expires_in: 900,
    });
  });
});

describe('summariseBody', () => {
  it('never prints a token of a token-endpoint answer', () => {
    const text = summariseBody(
      'application/json',
      JSON.stringify({ access_token: JWT, refresh_token: REFRESH, token_type: 'Bearer' }),
    )!;
    expect(text).not.toContain(JWT);
    expect(text).not.toContain(REFRESH);
    expect(text).toContain(shortToken(JWT));
  });

  it('keeps the key fields of orders and marks internal ones', () => {
    const order = {
      id: 'ord_x',
      orgId: 'acme',
      ownerId: 'bob',
      items: [{ sku: 'A', qty: 1, priceCents: 1 }],
      totalCents: 1,
      status: 'pending',
      createdAt: 'now',
      internalNote: 'secret note',
      riskScore: 78,
    };
    expect(JSON.parse(summariseBody('application/json', JSON.stringify({ data: [order], nextCursor: null }))!)).toEqual(
      {
        data: [
          {
            id: 'ord_x',
            ownerId: 'bob',
            orgId: 'acme',
            status: 'pending',
            totalCents: 1,
            riskScore: 78,
            internalNote: '…',
          },
        ],
        nextCursor: null,
      },
    );
  });

  it('describes an HTML page by its title and forms, and cuts long text', () => {
    const page = '<html><title>Sign in</title><form method="post" action="/interaction/abc/login"></form></html>';
    expect(summariseBody('text/html; charset=utf-8', page)).toBe('‹HTML page "Sign in", forms → /interaction/…/login›');
    expect(summariseBody('text/plain', 'x'.repeat(1000))!.length).toBeLessThan(400);
    expect(summariseBody('application/json', '')).toBeUndefined();
  });
});
