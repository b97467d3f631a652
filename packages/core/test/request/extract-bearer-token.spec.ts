import { describe, expect, it } from '@jest/globals';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import { toHttpResponse } from '../../src/errors/to-http-response.js';
import type { BearerExtractionOptions, HttpRequestLike } from '../../src/request/http-request-like.js';
import { extractBearerToken } from '../../src/request/extract-bearer-token.js';

// SPEC B1 cases 1–16 (those about extraction). The token content does not matter here, only its
// shape: the verifier judges the content (see test/token).
const T0 = 'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const T_BOB = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJib2IifQ.b3RoZXI';
const CHALLENGE = {
  realm: 'orders',
  resourceMetadata: 'https://api.example.test/.well-known/oauth-protected-resource/orders',
};
const CH0 =
  'Bearer realm="orders", resource_metadata="https://api.example.test/.well-known/oauth-protected-resource/orders"';
const INVALID_REQUEST = 'Bearer realm="orders", error="invalid_request", error_description="The request is malformed"';

/** A request as Node would parse it: lower-cased `headers` keeping the first value, plus `rawHeaders`. */
function nodeRequest(lines: Array<[string, string]>, extra: Partial<HttpRequestLike> = {}): HttpRequestLike {
  const headers: Record<string, string> = {};
  for (const [name, value] of lines) {
    const key = name.toLowerCase();
    if (key === 'authorization' && headers[key] !== undefined) continue; // Node drops duplicates of it
    headers[key] = value;
  }
  return { method: 'GET', url: '/orders/o-a1', headers, rawHeaders: lines.flat(), ...extra };
}

function extractError(request: HttpRequestLike, options?: BearerExtractionOptions): PortcullisError {
  try {
    extractBearerToken(request, options);
  } catch (error) {
    expect(error).toBeInstanceOf(PortcullisError);
    return error as PortcullisError;
  }
  throw new Error('expected extractBearerToken to throw');
}

function expectMissing(request: HttpRequestLike, options?: BearerExtractionOptions): void {
  const error = extractError(request, options);
  expect(error.code).toBe('ERR_MISSING_TOKEN');
  expect(error.status).toBe(401);
  expect(error.bearerError).toBeUndefined();
  expect(toHttpResponse(error, CHALLENGE).headers['www-authenticate']).toBe(CH0);
}

function expectInvalidRequest(request: HttpRequestLike, options?: BearerExtractionOptions): void {
  const error = extractError(request, options);
  expect(error.code).toBe('ERR_INVALID_REQUEST');
  expect(error.status).toBe(400);
  expect(toHttpResponse(error, CHALLENGE).headers['www-authenticate']).toBe(INVALID_REQUEST);
}

describe('extractBearerToken — SPEC B1', () => {
  it('case 1: no Authorization header → 401, challenge without error', () => {
    expectMissing(nodeRequest([['Host', 'api.example.test']]));
  });

  it('case 2: Basic credentials → 401, challenge without error', () => {
    expectMissing(nodeRequest([['Authorization', 'Basic YWxpY2U6cHc=']]));
  });

  it.each([
    ['DPoP', `DPoP ${T0}`],
    ['Negotiate', 'Negotiate YII='],
    ['a scheme that merely starts with Bearer', `Bearerx ${T0}`],
    ['an empty header', ''],
  ])('another scheme or nothing (%s) → ERR_MISSING_TOKEN', (_name, value) => {
    expectMissing(nodeRequest([['Authorization', value]]));
  });

  it('case 3: "Bearer" alone → 400 invalid_request', () => {
    expectInvalidRequest(nodeRequest([['Authorization', 'Bearer']]));
  });

  it('case 4: "Bearer " with only whitespace → 400 invalid_request', () => {
    expectInvalidRequest(nodeRequest([['Authorization', 'Bearer ']]));
    expectInvalidRequest(nodeRequest([['Authorization', 'Bearer    ']]));
  });

  it('case 5: the scheme is case-insensitive (positive control)', () => {
    expect(extractBearerToken(nodeRequest([['Authorization', `bearer ${T0}`]]))).toBe(T0);
    expect(extractBearerToken(nodeRequest([['Authorization', `BEARER ${T0}`]]))).toBe(T0);
    expect(extractBearerToken(nodeRequest([['Authorization', `BeArEr ${T0}`]]))).toBe(T0);
  });

  it('case 6: several spaces after the scheme (1*SP, positive control)', () => {
    expect(extractBearerToken(nodeRequest([['Authorization', `Bearer  ${T0}`]]))).toBe(T0);
    expect(extractBearerToken(nodeRequest([['Authorization', `Bearer      ${T0}`]]))).toBe(T0);
  });

  it('accepts every b64token character and trailing "=" (RFC 6750 §2.1)', () => {
    const token = 'Az09-._~+/abc==';
    expect(extractBearerToken(nodeRequest([['Authorization', `Bearer ${token}`]]))).toBe(token);
  });

  it('case 7: two tokens → 400 invalid_request', () => {
    expectInvalidRequest(nodeRequest([['Authorization', `Bearer ${T0} extra`]]));
    expectInvalidRequest(nodeRequest([['Authorization', `Bearer ${T0} ${T_BOB}`]]));
  });

  it('case 8: characters outside b64token → 400 invalid_request', () => {
    expectInvalidRequest(nodeRequest([['Authorization', 'Bearer {"alg":"none"}.e30.']]));
    expectInvalidRequest(nodeRequest([['Authorization', `Bearer ${T0},${T_BOB}`]]));
    expectInvalidRequest(nodeRequest([['Authorization', 'Bearer ===']]));
    expectInvalidRequest(nodeRequest([['Authorization', 'Bearer abc=def']]));
  });

  it('case 9: two Authorization headers (visible only in rawHeaders) → 400 invalid_request', () => {
    const request = nodeRequest([
      ['Authorization', `Bearer ${T_BOB}`],
      ['Authorization', `Bearer ${T0}`],
    ]);
    expect(request.headers['authorization']).toBe(`Bearer ${T_BOB}`); // what Node keeps
    expectInvalidRequest(request);
  });

  it('case 9: duplicate headers differing in name case, and a Bearer + Basic pair, are duplicates too', () => {
    expectInvalidRequest(
      nodeRequest([
        ['authorization', `Bearer ${T0}`],
        ['AUTHORIZATION', `Bearer ${T_BOB}`],
      ]),
    );
    expectInvalidRequest(
      nodeRequest([
        ['Authorization', 'Basic YWxpY2U6cHc='],
        ['Authorization', `Bearer ${T0}`],
      ]),
    );
  });

  it('case 9: an array header value with several entries counts as duplicate headers', () => {
    expectInvalidRequest({ headers: { authorization: [`Bearer ${T_BOB}`, `Bearer ${T0}`] } });
    expect(extractBearerToken({ headers: { authorization: [`Bearer ${T0}`] } })).toBe(T0);
  });

  it('reads the header from rawHeaders when the parsed map lacks it', () => {
    expect(extractBearerToken({ headers: {}, rawHeaders: ['Authorization', `Bearer ${T0}`] })).toBe(T0);
  });

  it('case 10: header and ?access_token= → 400 invalid_request, allowed or not', () => {
    const request = nodeRequest([['Authorization', `Bearer ${T0}`]], { url: `/orders/o-a1?access_token=${T0}` });
    expectInvalidRequest(request);
    expectInvalidRequest(request, { allowQuery: true });
    const parsed = nodeRequest([['Authorization', `Bearer ${T0}`]], { query: { access_token: T0 } });
    expectInvalidRequest(parsed, { allowQuery: true });
  });

  it('case 11: ?access_token= without a header → 400 invalid_request while the query method is off', () => {
    expectInvalidRequest(nodeRequest([], { url: `/orders/o-a1?access_token=${T0}` }));
    expectInvalidRequest(nodeRequest([], { url: `/orders/o-a1?a=1&access%5Ftoken=${T0}` }));
    expectInvalidRequest(nodeRequest([], { query: { access_token: T0 } }));
  });

  it('case 11 (allowed): the query method returns the token, one value only, b64token only', () => {
    expect(extractBearerToken(nodeRequest([], { url: `/orders?access_token=${T0}` }), { allowQuery: true })).toBe(T0);
    expect(extractBearerToken(nodeRequest([], { query: { access_token: T0 } }), { allowQuery: true })).toBe(T0);
    expectInvalidRequest(nodeRequest([], { url: `/orders?access_token=${T0}&access_token=${T_BOB}` }), {
      allowQuery: true,
    });
    expectInvalidRequest(nodeRequest([], { query: { access_token: [T0, T_BOB] } }), { allowQuery: true });
    expectInvalidRequest(nodeRequest([], { url: '/orders?access_token=a%20b' }), { allowQuery: true });
  });

  it('a query without access_token is ignored', () => {
    expect(
      extractBearerToken(nodeRequest([['Authorization', `Bearer ${T0}`]], { url: '/orders?limit=10&cursor=abc' })),
    ).toBe(T0);
    expect(extractBearerToken(nodeRequest([['Authorization', `Bearer ${T0}`]], { url: '/orders?x=%41' }))).toBe(T0);
  });

  it('case 12: form body access_token → refused while the body method is off', () => {
    const form = (method: string, body: unknown): HttpRequestLike =>
      nodeRequest([['Content-Type', 'application/x-www-form-urlencoded']], { method, url: '/orders', body });
    expectInvalidRequest(form('POST', { access_token: T0 }));
    // Allowed: returned for POST, refused for GET (RFC 6750 §2.2) and together with a header.
    expect(extractBearerToken(form('POST', { access_token: T0 }), { allowBody: true })).toBe(T0);
    expectInvalidRequest(form('GET', { access_token: T0 }), { allowBody: true });
    const both = nodeRequest(
      [
        ['Content-Type', 'application/x-www-form-urlencoded; charset=utf-8'],
        ['Authorization', `Bearer ${T0}`],
      ],
      { method: 'POST', url: '/orders', body: { access_token: T0 } },
    );
    expectInvalidRequest(both, { allowBody: true });
  });

  it('case 12: a JSON body field named access_token is application data, not a credential', () => {
    const request = nodeRequest([['Content-Type', 'application/json']], {
      method: 'POST',
      url: '/integrations',
      body: { access_token: 'third-party' },
    });
    expectMissing(request);
    expectMissing(request, { allowBody: true });
  });

  it('case 13: a cookie is never read', () => {
    expectMissing(nodeRequest([['Cookie', `access_token=${T0}`]]));
  });

  it('case 14: Proxy-Authorization is never read', () => {
    expectMissing(nodeRequest([['Proxy-Authorization', `Bearer ${T0}`]]));
  });

  it('case 15: CR, LF, NUL or tab inside the credentials → 400 invalid_request', () => {
    expectInvalidRequest(nodeRequest([['Authorization', `Bearer ${T0}\r\nX-Role: admin`]]));
    expectInvalidRequest(nodeRequest([['Authorization', `Bearer ${T0}\u0000`]]));
    expectInvalidRequest(nodeRequest([['Authorization', `Bearer\t${T0}`]]));
    expectInvalidRequest(nodeRequest([['Authorization', `Bearer ${T0}\t`]]));
  });

  it('case 16: non-ASCII characters → 400 invalid_request', () => {
    expectInvalidRequest(nodeRequest([['Authorization', `Bearer ${T0}é`]]));
    expectInvalidRequest(nodeRequest([['Authorization', `Bearer ${T0}\uFF0E`]]));
  });

  it('trailing whitespace after the token is refused (nothing may follow the b64token)', () => {
    expectInvalidRequest(nodeRequest([['Authorization', `Bearer ${T0} `]]));
  });

  it('leading garbage before the scheme is a malformed header', () => {
    expectInvalidRequest(nodeRequest([['Authorization', `,Bearer ${T0}`]]));
    expectMissing(nodeRequest([['Authorization', '   ']]));
  });

  it('refuses a request that is not an object with a TypeError', () => {
    expect(() => extractBearerToken(null as unknown as HttpRequestLike)).toThrow(TypeError);
    expect(() => extractBearerToken({} as HttpRequestLike)).toThrow(TypeError);
  });

  it('scans a 20 KiB header linearly and refuses nothing that is well-formed (case 103 is the verifier\u2019s size cap)', () => {
    const big = 'A'.repeat(20 * 1024);
    expect(extractBearerToken({ headers: { authorization: `Bearer ${big}` } })).toBe(big);
    expectInvalidRequest({ headers: { authorization: `Bearer ${'A'.repeat(20 * 1024)} ${'='.repeat(10)}` } });
  });
});

describe('extractBearerToken — lookalike sources', () => {
  it('reads only the Authorization header itself, not a header whose name merely starts with it', () => {
    const request = nodeRequest([['Authorization-Hint', `Bearer ${T_BOB}`]]);
    expect(extractError(request).code).toBe('ERR_MISSING_TOKEN');
    expect(
      extractBearerToken(
        nodeRequest([
          ['Authorization-Hint', `Bearer ${T_BOB}`],
          ['Authorization', `Bearer ${T0}`],
        ]),
      ),
    ).toBe(T0);
  });

  it('ignores an access_token inherited by the parsed query or body (prototype pollution)', () => {
    const polluted = Object.create({ access_token: T_BOB }) as Record<string, unknown>;
    expect(
      extractBearerToken(nodeRequest([['Authorization', `Bearer ${T0}`]], { url: '/orders?x=1', query: polluted })),
    ).toBe(T0);
    const form = nodeRequest(
      [
        ['Authorization', `Bearer ${T0}`],
        ['Content-Type', 'application/x-www-form-urlencoded'],
      ],
      {
        method: 'POST',
        body: polluted,
      },
    );
    expect(extractBearerToken(form)).toBe(T0);
  });
});
