import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import type { HttpRequestLike } from '../../src/request/http-request-like.js';
import { extractBearerToken } from '../../src/request/extract-bearer-token.js';

// Property-based tests of extractBearerToken: random and hostile header values, header lists,
// query strings and bodies. Runs are bounded (numRuns) and seeded per run by fast-check; a failure
// prints the seed and the shrunk counter-example.

const RUNS = { numRuns: 500 };
const B64TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/';

const b64token = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...B64TOKEN_CHARS), minLength: 1, maxLength: 300 }),
    fc.string({ unit: fc.constant('='), maxLength: 3 }),
  )
  .map(([body, pad]) => body + pad);
const bearerScheme = fc.mixedCase(fc.constant('bearer'));
const spaces = fc.string({ unit: fc.constant(' '), minLength: 1, maxLength: 5 });
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 400 }),
  fc.string({ unit: fc.constantFrom(...`${B64TOKEN_CHARS}= \t\r\n\u0000,;"é`), maxLength: 400 }),
);

/** Runs the extractor; returns the token or the PortcullisError. Anything else fails the property. */
function attempt(
  request: HttpRequestLike,
  options?: { allowQuery?: boolean; allowBody?: boolean },
): string | PortcullisError {
  try {
    return extractBearerToken(request, options);
  } catch (error) {
    if (error instanceof PortcullisError) return error;
    throw error;
  }
}

describe('extractBearerToken — properties', () => {
  it('any Authorization value: a PortcullisError of the two extraction codes, or a b64token taken from a well-formed "Bearer" credential', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyText,
          fc
            .tuple(bearerScheme, fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 }), anyText)
            .map((p) => p.join('')),
        ),
        (value) => {
          const result = attempt({ headers: { authorization: value }, rawHeaders: ['Authorization', value] });
          if (result instanceof PortcullisError) {
            expect(['ERR_MISSING_TOKEN', 'ERR_INVALID_REQUEST']).toContain(result.code);
            return;
          }
          // Accepted: the value is exactly "<bearer in any case><1+ spaces><the token>".
          expect(value.slice(0, 6).toLowerCase()).toBe('bearer');
          expect(value.slice(6).trimStart()).toBe(result);
          expect(value.length).toBeGreaterThan(6 + result.length);
          expect(value.slice(6, value.length - result.length)).toMatch(/^ +$/);
          expect(result).toMatch(/^[A-Za-z0-9\-._~+/]+=*$/);
        },
      ),
      RUNS,
    );
  });

  it('any well-formed credential (scheme in any case, 1–5 spaces, one b64token) yields exactly the token', () => {
    fc.assert(
      fc.property(bearerScheme, spaces, b64token, (scheme, sp, token) => {
        expect(extractBearerToken({ headers: { authorization: `${scheme}${sp}${token}` } })).toBe(token);
      }),
      RUNS,
    );
  });

  it('a well-formed credential followed by anything non-empty is refused', () => {
    fc.assert(
      fc.property(
        bearerScheme,
        spaces,
        b64token,
        anyText.filter((t) => t.length > 0 && !/^[A-Za-z0-9\-._~+/=]/.test(t)),
        (scheme, sp, token, tail) => {
          const result = attempt({ headers: { authorization: `${scheme}${sp}${token}${tail}` } });
          expect(result).toBeInstanceOf(PortcullisError);
          expect((result as PortcullisError).code).toBe('ERR_INVALID_REQUEST');
        },
      ),
      RUNS,
    );
  });

  it('two or more Authorization lines in rawHeaders, whatever their content and name case → invalid_request', () => {
    const line = fc.tuple(fc.mixedCase(fc.constant('authorization')), anyText);
    const other = fc.tuple(fc.constantFrom('Host', 'Accept', 'Cookie', 'Proxy-Authorization', 'X-Auth'), anyText);
    const lines = fc
      .tuple(fc.array(line, { minLength: 2, maxLength: 4 }), fc.array(other, { maxLength: 4 }))
      .chain(([auths, others]) =>
        fc.shuffledSubarray([...auths, ...others], { minLength: auths.length + others.length }),
      );
    fc.assert(
      fc.property(lines, (list) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of list)
          if (headers[name.toLowerCase()] === undefined) headers[name.toLowerCase()] = value;
        const result = attempt({ headers, rawHeaders: list.flat() });
        expect(result).toBeInstanceOf(PortcullisError);
        expect((result as PortcullisError).code).toBe('ERR_INVALID_REQUEST');
      }),
      { numRuns: 300 },
    );
  });

  it('random query strings, query objects and bodies never produce anything but a token or a PortcullisError', () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(
        fc.option(anyText, { nil: undefined }),
        fc.option(fc.webQueryParameters(), { nil: undefined }),
        fc.option(fc.oneof(json, fc.dictionary(fc.constantFrom('access_token', 'a', '__proto__'), json)), {
          nil: undefined,
        }),
        fc.option(fc.oneof(json, fc.dictionary(fc.constantFrom('access_token', 'b'), json)), { nil: undefined }),
        fc.constantFrom('application/x-www-form-urlencoded', 'application/json', undefined),
        fc.boolean(),
        fc.boolean(),
        (authorization, queryString, query, body, contentType, allowQuery, allowBody) => {
          const headers: Record<string, string> = {};
          if (authorization !== undefined) headers['authorization'] = authorization;
          if (contentType !== undefined) headers['content-type'] = contentType;
          const url = queryString === undefined ? '/orders' : `/orders?${queryString}`;
          const result = attempt({ method: 'POST', url, headers, query, body }, { allowQuery, allowBody });
          if (typeof result === 'string') expect(result).toMatch(/^[A-Za-z0-9\-._~+/]+=*$/);
        },
      ),
      RUNS,
    );
  });

  it('a token in the query or a form body is never accepted while those methods are off', () => {
    fc.assert(
      fc.property(b64token, fc.boolean(), (token, viaQuery) => {
        const request: HttpRequestLike = viaQuery
          ? { headers: {}, url: `/orders?access_token=${encodeURIComponent(token)}` }
          : {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: { access_token: token },
            };
        const result = attempt(request);
        expect(result).toBeInstanceOf(PortcullisError);
        expect((result as PortcullisError).code).toBe('ERR_INVALID_REQUEST');
      }),
      RUNS,
    );
  });
});
