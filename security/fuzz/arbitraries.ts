/**
 * fast-check arbitraries for the fuzzers: token mutations, header and claim mutations re-signed
 * with the real key, odd header sets and odd bodies. They generate recipes (plain data); the
 * fuzzers turn recipes into requests with a live issuer.
 */
import fc from 'fast-check';
import type { Mutation, SegmentIndex } from './mutations.js';

const segment = fc.constantFrom<SegmentIndex>(0, 1, 2);

/** A JSON value a hostile issuer might put in a claim or header member. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1e308,
    Number.MAX_SAFE_INTEGER,
    '',
    ' ',
    'none',
    'None',
    'admin',
    'ES256',
    'HS256',
    'at+jwt',
    'JWT',
    'orders:read orders:write',
    'ａｃｍｅ',
    '../../../../etc/passwd',
    "x' OR '1'='1",
    '__proto__',
    [],
    {},
    ['admin'],
    JSON.parse('{"__proto__":{"admin":true}}') as unknown,
  ),
  fc.integer(),
  fc.double({ noNaN: false }),
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Byte-level mutations of a valid token. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('bitflip' as const), segment, byte: fc.nat(600), bit: fc.nat(7) }),
  fc.record({ op: fc.constant('char' as const), position: fc.nat(2000), char: fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme-ascii' }) }),
  fc.record({ op: fc.constant('swap' as const), a: segment, b: segment }).filter((m) => m.a !== m.b),
  fc.record({ op: fc.constantFrom('duplicate' as const, 'drop' as const), segment }),
  fc.record({ op: fc.constant('truncate' as const), length: fc.nat(2000) }),
  fc.record({
    op: fc.constant('insert' as const),
    position: fc.nat(2000),
    text: fc.oneof(fc.constantFrom('.', '=', '==', ' ', '\t', '+', '/', '%2E', '..', 'é', '\u0000'), fc.string({ minLength: 1, maxLength: 8, unit: 'binary' })),
  }),
  fc.record({ op: fc.constant('base64std' as const), segment }),
  fc.record({ op: fc.constant('case' as const), position: fc.nat(2000) }),
  fc.record({ op: fc.constant('signature' as const), bytes: fc.array(fc.nat(255), { maxLength: 300 }) }),
  fc.record({ op: fc.constant('segment-json' as const), segment: fc.constantFrom<0 | 1>(0, 1), json: fc.json({ maxDepth: 3 }) }),
  fc.record({
    op: fc.constant('header' as const),
    header: fc.oneof(
      fc.record({ alg: fc.constantFrom('none', 'None', 'HS256', 'RS256', 'ES384', 'es256', 'ES256 ', 'EdDSA'), typ: fc.constant('at+jwt'), kid: fc.constant('es256-1') }),
      fc.record({ alg: fc.constant('ES256'), typ: fc.constant('at+jwt'), kid: fc.oneof(fc.constantFrom('rs256-1', 'es512-1', ''), fc.string({ maxLength: 20 })) }),
      fc.dictionary(fc.constantFrom('alg', 'typ', 'kid', 'crit', 'jwk', 'jku', 'zip', 'b64', 'cty'), hostileValue, { maxKeys: 6 }),
    ),
  }),
);

/** A header mutation of a token that is then re-signed with the real ES256 key. */
export type HeaderEdit =
  | { readonly kind: 'set'; readonly member: string; readonly value: unknown }
  | { readonly kind: 'delete'; readonly member: 'alg' | 'typ' | 'kid' };

/** A claims mutation (re-signed). */
export type ClaimEdit =
  | { readonly kind: 'set'; readonly claim: string; readonly value: unknown }
  | { readonly kind: 'delete'; readonly claim: string }
  /** Shift a time claim by `seconds`. */
  | { readonly kind: 'shift'; readonly claim: 'exp' | 'iat' | 'nbf'; readonly seconds: number };

const claimName = fc.constantFrom('iss', 'aud', 'exp', 'iat', 'nbf', 'sub', 'jti', 'client_id', 'scope', 'roles', 'org_id', '__proto__', 'constructor', 'cnf', 'scp');

export const headerEdit: fc.Arbitrary<HeaderEdit> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), member: fc.constantFrom('alg', 'typ', 'kid', 'crit', 'jwk', 'jku', 'x5u', 'x5c', 'zip', 'b64', 'cty', 'enc', 'x'), value: hostileValue }),
  fc.record({ kind: fc.constant('set' as const), member: fc.constant('typ'), value: fc.constantFrom('at+jwt', 'AT+JWT', 'application/at+jwt', 'JWT', 'dpop+jwt', 'at+jwt ', 'application/AT+JWT') }),
  fc.record({ kind: fc.constant('delete' as const), member: fc.constantFrom('alg' as const, 'typ' as const, 'kid' as const) }),
);

export const claimEdit: fc.Arbitrary<ClaimEdit> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), claim: claimName, value: hostileValue }),
  fc.record({ kind: fc.constant('delete' as const), claim: claimName }),
  fc.record({
    kind: fc.constant('shift' as const),
    claim: fc.constantFrom('exp' as const, 'iat' as const, 'nbf' as const),
    seconds: fc.oneof(fc.integer({ min: -100_000, max: 100_000 }), fc.constantFrom(-301, -61, -59, -6, -4, 4, 6, 59, 61, 86_401, 315_360_000)),
  }),
);

/** A re-signed token: up to 2 header edits and up to 3 claim edits. */
export const resigned = fc.record({
  header: fc.array(headerEdit, { maxLength: 2 }),
  claims: fc.array(claimEdit, { minLength: 1, maxLength: 3 }),
});

/** How the Authorization header is presented in a header-fuzz request. */
export type AuthorizationShape =
  | 'none'
  | 'valid'
  | 'duplicate'
  | 'duplicate-other'
  | 'lowercase-scheme'
  | 'extra-spaces'
  | 'tab'
  | 'trailing-junk'
  | 'basic'
  | 'dpop'
  | 'folded'
  | 'latin1-suffix';

export const headerFuzz = fc.record({
  authorization: fc.constantFrom<AuthorizationShape>(
    'none',
    'valid',
    'duplicate',
    'duplicate-other',
    'lowercase-scheme',
    'extra-spaces',
    'tab',
    'trailing-junk',
    'basic',
    'dpop',
    'folded',
    'latin1-suffix',
  ),
  extra: fc.array(
    fc.record({
      name: fc.oneof(
        fc.constantFrom('X-User-Role', 'X-Roles', 'X-Scopes', 'X-Tenant-ID', 'X-Forwarded-For', 'X-Forwarded-Host', 'X-HTTP-Method-Override', 'Cookie', 'Proxy-Authorization', 'X-Original-URL', 'Forwarded', 'Content-Type', 'Accept'),
        fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,30}$/),
      ),
      value: fc.oneof(
        fc.string({ maxLength: 60, unit: 'grapheme-ascii' }),
        fc.constantFrom('admin', 'orders:write orders:admin', 'globex', 'DELETE', '127.0.0.1', 'access_token=x'),
        // latin-1 bytes (Node's header encoding): non-ASCII, but legal in a header value.
        fc.string({ maxLength: 40, unit: fc.constantFrom('é', 'ü', 'ÿ', '\u00a0', '¤') }),
        // Huge values: 1–12 KiB (over Node's 16 KiB total, the parser answers 431).
        fc.integer({ min: 1, max: 12 }).map((k) => 'A'.repeat(k * 1024)),
      ),
    }),
    { maxLength: 5 },
  ),
  path: fc.constantFrom('order', 'list', 'admin'),
});

/** Odd bodies for POST /orders. */
export const bodyFuzz = fc.record({
  withToken: fc.boolean(),
  contentType: fc.constantFrom(
    'application/json',
    'application/json; charset=utf-16',
    'application/x-www-form-urlencoded',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/xml',
    '',
  ),
  body: fc.oneof(
    fc.json({ maxDepth: 4 }),
    fc.string({ maxLength: 200, unit: 'binary' }),
    fc.constantFrom('{', '[]', 'null', '{"items":[]}', '{"__proto__":{"admin":true},"items":[{"sku":"A","qty":1,"priceCents":1}]}', 'access_token=eyJ.e30.x'),
    fc.integer({ min: 100, max: 3000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
    fc.integer({ min: 1, max: 40 }).map((k) => JSON.stringify({ items: [{ sku: 'X'.repeat(k * 1024), qty: 1, priceCents: 1 }] })),
  ),
});
