import { createPublicKey, hash as oneShotHash, randomUUID, verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  createAccessTokenVerifier,
  createPortcullis,
  createPrincipalMapper,
  extractBearerToken,
  hashToken,
  InMemoryRevocationStore,
} from '@portcullis/core';
import type { AuthContext, HttpRequestLike, Principal, VerifiedToken, VerifierOptions } from '@portcullis/core';
import { createVerifier } from 'fast-jwt';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import type { JWK } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import type { CoreInternals } from '../../prototypes/core-internals.js';
import { auditTextFast, auditTextReplica } from '../../prototypes/audit-text.js';
import { createFastVerifier } from '../../prototypes/fast-verifier.js';
import type { Subject } from '../lib/measure.js';
import { ALGORITHMS } from '../lib/pool.js';
import type { Alg, TokenPool } from '../lib/pool.js';

/** Claims every configured verifier requires (Portcullis' defaults, RFC 9068 §2.2). */
const REQUIRED_CLAIMS = ['iss', 'aud', 'exp', 'iat', 'sub', 'jti', 'client_id'];

/** Counts `cached` flags so a "miss" row can prove it never hit, and a "hit" row that it always did. */
class HitCounter {
  hits = 0;
  misses = 0;
  record(token: VerifiedToken): void {
    if (token.cached) this.hits++;
    else this.misses++;
  }
  expectNoHits(): string | undefined {
    return this.hits === 0 ? undefined : `${this.hits} cache hits in a cache-miss row (${this.misses} misses)`;
  }
  expectHits(): string | undefined {
    return this.misses <= 1 ? undefined : `${this.misses} cache misses in a cache-hit row`;
  }
}

function keyOf(pool: TokenPool, token: string): { jwk: JWK; key: KeyObject; pem: string } {
  const { kid } = decodeProtectedHeader(token);
  const jwk = pool.jwks.keys.find((k) => k.kid === kid);
  if (jwk === undefined) throw new Error(`no key ${kid} in the pool's key set`);
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  return { jwk, key, pem: key.export({ type: 'spki', format: 'pem' }).toString() };
}

/** The node:crypto floor: the signature alone, over signing inputs and signatures decoded beforehand. */
function floorSubject(alg: Alg, tokens: readonly string[], key: KeyObject): Subject {
  const inputs = tokens.map((t) => Buffer.from(t.slice(0, t.lastIndexOf('.')), 'latin1'));
  const signatures = tokens.map((t) => Buffer.from(t.slice(t.lastIndexOf('.') + 1), 'base64url'));
  const n = tokens.length;
  const hash = alg === 'EdDSA' ? null : 'sha256';
  const keyInput = alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;
  return {
    group: 'verify',
    name: 'node:crypto floor',
    alg,
    async: false,
    note: 'crypto.verify over the pre-decoded signing input; no parsing, no claims',
    op: (i) => {
      if (!cryptoVerify(hash, inputs[i % n]!, keyInput, signatures[i % n]!))
        throw new Error('floor: signature did not verify');
    },
  };
}

export interface MicroContext {
  /** Core internals for the prototype and breakdown rows; `undefined` skips them (internals changed). */
  readonly internals: CoreInternals | undefined;
  readonly pool: TokenPool;
  /** Portcullis' verified-token cache size in cache-miss rows: smaller than the pool, so every call misses. */
  readonly missCacheEntries: number;
}

/** All micro subjects of one run, in table order. */
export function buildSubjects({ pool, missCacheEntries, internals }: MicroContext): Subject[] {
  const algorithms = [...ALGORITHMS];
  const base: VerifierOptions = { issuer: pool.issuer, audience: pool.audience, jwks: pool.jwks, algorithms };
  const subjects: Subject[] = [];
  const joseKeys = createLocalJWKSet(pool.jwks);

  for (const alg of ALGORITHMS) {
    const tokens = pool.tokens[alg];
    const n = tokens.length;
    const one = tokens[0]!;
    const { key, pem } = keyOf(pool, one);

    subjects.push(floorSubject(alg, tokens, key));

    const missCounter = new HitCounter();
    const miss = createAccessTokenVerifier({ ...base, cache: { maxEntries: missCacheEntries } });
    subjects.push({
      group: 'verify',
      name: 'Portcullis, first sight (cache miss)',
      alg,
      async: true,
      note: `distinct tokens; cache ${missCacheEntries} entries < pool ${n}`,
      op: async (i) => missCounter.record(await miss.verify(tokens[i % n]!)),
      check: () => missCounter.expectNoHits(),
    });

    const hitCounter = new HitCounter();
    const hit = createAccessTokenVerifier(base);
    subjects.push({
      group: 'verify',
      name: 'Portcullis, repeated token (cache hit)',
      alg,
      async: true,
      op: async () => hitCounter.record(await hit.verify(one)),
      check: () => hitCounter.expectHits(),
    });

    const protoCounter = new HitCounter();
    const proto =
      internals === undefined
        ? undefined
        : createFastVerifier(internals, { ...base, cache: { maxEntries: missCacheEntries } }, { cacheKey: 'sha256' });
    if (proto !== undefined)
      subjects.push({
        group: 'verify',
        name: 'prototype: node:crypto verifier, first sight',
        alg,
        async: true,
        note: 'bench/prototypes/fast-verifier.ts: same checks, KeyObject + crypto.verify, one decode',
        op: async (i) => protoCounter.record(await proto.verify(tokens[i % n]!)),
        check: () => protoCounter.expectNoHits(),
      });

    subjects.push({
      group: 'verify',
      name: 'jose jwtVerify',
      alg,
      async: true,
      note: 'local JWKS; algorithms, issuer, audience, typ at+jwt, requiredClaims, clockTolerance 5',
      op: (i) =>
        jwtVerify(tokens[i % n]!, joseKeys, {
          algorithms,
          issuer: pool.issuer,
          audience: pool.audience,
          typ: 'at+jwt',
          requiredClaims: REQUIRED_CLAIMS,
          clockTolerance: 5,
        }),
    });

    if (alg !== 'EdDSA') {
      subjects.push({
        group: 'verify',
        name: 'jsonwebtoken verify',
        alg,
        async: false,
        note: 'KeyObject; algorithms, issuer, audience, clockTolerance 5 (no typ or required-claims option)',
        op: (i) =>
          jsonwebtoken.verify(tokens[i % n]!, key, {
            algorithms: [alg],
            issuer: pool.issuer,
            audience: pool.audience,
            clockTolerance: 5,
          }),
      });
    }

    const fastJwtOptions = {
      key: pem,
      algorithms: [alg],
      allowedIss: pool.issuer,
      allowedAud: pool.audience,
      checkTyp: 'at+jwt',
      requiredClaims: REQUIRED_CLAIMS,
      clockTolerance: 5000,
    };
    const fastUncached = createVerifier({ ...fastJwtOptions, cache: false });
    subjects.push({
      group: 'verify',
      name: 'fast-jwt, uncached',
      alg,
      async: false,
      note: 'PEM key; algorithms, allowedIss, allowedAud, checkTyp, requiredClaims',
      op: (i) => fastUncached(tokens[i % n]!),
    });
    const fastCached = createVerifier({ ...fastJwtOptions, cache: true });
    subjects.push({
      group: 'verify',
      name: 'fast-jwt, cached (repeated token)',
      alg,
      async: false,
      op: () => fastCached(one),
    });
  }

  // ---- cache-hit path (alg-independent: RS256 token) ----
  // Each call gets a freshly created token string, as a server gets one from its HTTP parser, so
  // no row profits from V8 caching a string's hash between calls.
  const one = pool.tokens.RS256[0]!;
  const oneBytes = Buffer.from(one, 'latin1');
  const fresh = (): string => oneBytes.toString('latin1');
  const freshRequest = () => ({ headers: { authorization: `Bearer ${fresh()}` } });
  const hitOptions: VerifierOptions = base;

  const portcullis = createPortcullis(hitOptions);
  subjects.push({
    group: 'hit path',
    name: 'Portcullis authenticate(req), cache hit',
    async: true,
    note: 'shipped: extract bearer + verify (hit) + principal mapping',
    op: () => portcullis.authenticate(freshRequest()),
  });

  const shippedHit = createAccessTokenVerifier(hitOptions);
  subjects.push({
    group: 'hit path',
    name: 'Portcullis verify, cache hit',
    async: true,
    note: 'shipped',
    op: () => shippedHit.verify(fresh()),
  });

  // The synchronous entry points, when this build of core has them (optional in the interfaces).
  const maybeSyncVerifier = shippedHit as typeof shippedHit & {
    verifyMaybeSync?: (token: string) => VerifiedToken | Promise<VerifiedToken>;
  };
  if (typeof maybeSyncVerifier.verifyMaybeSync === 'function') {
    const verifyMaybeSync = maybeSyncVerifier.verifyMaybeSync.bind(shippedHit);
    subjects.push({
      group: 'hit path',
      name: 'Portcullis verifyMaybeSync, cache hit',
      async: false,
      note: 'shipped synchronous entry point (returns the token, no promise, on a hit)',
      op: () => {
        if (verifyMaybeSync(fresh()) instanceof Promise) fail('expected a synchronous hit');
      },
    });
  }
  const maybeSyncPortcullis = portcullis as typeof portcullis & {
    authenticateMaybeSync?: (request: HttpRequestLike) => AuthContext | Promise<AuthContext>;
  };
  if (typeof maybeSyncPortcullis.authenticateMaybeSync === 'function') {
    const authenticateMaybeSync = maybeSyncPortcullis.authenticateMaybeSync.bind(portcullis);
    subjects.push({
      group: 'hit path',
      name: 'Portcullis authenticateMaybeSync(req), cache hit',
      async: false,
      note: 'shipped synchronous entry point: extract + verify (hit) + principal',
      op: () => {
        if (authenticateMaybeSync(freshRequest()) instanceof Promise) fail('expected a synchronous hit');
      },
    });
  }

  const mapper = createPrincipalMapper('rfc9068');
  if (internals !== undefined) {
    const protoSha = createFastVerifier(internals, hitOptions, { cacheKey: 'sha256' });
    protoSha.verifySync(one);
    subjects.push({
      group: 'hit path',
      name: 'prototype: verify() (async), cache hit, SHA-256 key',
      async: true,
      note: 'the shipped hit work without jose in the module graph; async like shipped',
      op: () => protoSha.verify(fresh()),
    });
    subjects.push({
      group: 'hit path',
      name: 'prototype: verifyCachedSync, SHA-256 key via hashToken',
      async: false,
      note: "no promise: core's hashToken + LRU get + clock checks",
      op: () => protoSha.verifyCachedSync(fresh()) ?? fail('expected a hit'),
    });
    const protoOneShot = createFastVerifier(internals, hitOptions, { cacheKey: 'sha256-oneshot' });
    protoOneShot.verifySync(one);
    subjects.push({
      group: 'hit path',
      name: "prototype: verifyCachedSync, SHA-256 key via crypto.hash('sha256')",
      async: false,
      note: 'same hash value, one native call; still no token in the heap',
      op: () => protoOneShot.verifyCachedSync(fresh()) ?? fail('expected a hit'),
    });
    const protoToken = createFastVerifier(internals, hitOptions, { cacheKey: 'token' });
    protoToken.verifySync(one);
    subjects.push({
      group: 'hit path',
      name: 'prototype: verifyCachedSync, token-string key',
      async: false,
      note: 'no SHA-256 per call, but the cache then holds usable tokens',
      op: () => protoToken.verifyCachedSync(fresh()) ?? fail('expected a hit'),
    });

    const memo = new WeakMap<VerifiedToken, Principal>();
    subjects.push({
      group: 'hit path',
      name: 'prototype: sync authenticate (extract + hit + memoised principal)',
      async: false,
      note: 'one-shot SHA-256 key; what a synchronous guard/gate would run per repeated token',
      op: () => {
        const verified = protoOneShot.verifyCachedSync(extractBearerToken(freshRequest())) ?? fail('expected a hit');
        let principal = memo.get(verified);
        if (principal === undefined) memo.set(verified, (principal = mapper(verified.claims)));
        return { principal, token: verified };
      },
    });
  }
  subjects.push({
    group: 'hit path',
    name: 'creating the fresh token string (included in every row above)',
    async: false,
    op: () => fresh(),
  });

  // ---- revocation and principal mapping ----
  const store = new InMemoryRevocationStore();
  const nowSeconds = Math.floor(Date.now() / 1000);
  const revokedJtis: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const jti = randomUUID();
    revokedJtis.push(jti);
    store.revokeToken(jti, nowSeconds + 3600);
  }
  const claims = decodeJwt(one);
  const notRevoked = {
    jti: String(claims.jti),
    sub: String(claims.sub),
    iat: Number(claims.iat),
    iss: String(claims.iss),
  };
  const revoked = revokedJtis.map((jti) => ({ ...notRevoked, jti }));
  subjects.push({
    group: 'revocation',
    name: 'InMemoryRevocationStore.isRevoked, not revoked (10k entries)',
    async: false,
    op: () => store.isRevoked(notRevoked) === false || fail('expected not revoked'),
  });
  subjects.push({
    group: 'revocation',
    name: 'InMemoryRevocationStore.isRevoked, revoked (10k entries)',
    async: false,
    op: (i) => store.isRevoked(revoked[i % revoked.length]!) === true || fail('expected revoked'),
  });
  const withRevocation = createAccessTokenVerifier({ ...hitOptions, revocation: store });
  subjects.push({
    group: 'revocation',
    name: 'Portcullis verify, cache hit + revocation check',
    async: true,
    note: 'compare with "Portcullis verify, cache hit"',
    op: () => withRevocation.verify(one),
  });

  const frozenClaims = Object.freeze({ ...decodeJwt(one) }) as VerifiedToken['claims'];
  subjects.push({
    group: 'principal',
    name: "createPrincipalMapper('rfc9068') per call",
    async: false,
    op: () => mapper(frozenClaims),
  });

  // ---- audit events (one per decision in every adapter) ----
  const auditInfo = { method: 'GET', route: '/orders/:id' };
  const auth = {
    principal: mapper(frozenClaims),
    token: { header: { alg: 'RS256' }, claims: frozenClaims, tokenHash: hashToken(one), cached: true },
  } as AuthContext;
  const quiet = createPortcullis({ ...hitOptions, audit: () => undefined });
  subjects.push({
    group: 'audit',
    name: 'auditDecision(allow) with a no-op sink',
    async: false,
    note: 'builds and sanitises the event; the sink drops it',
    op: () => quiet.auditDecision({ allowed: true }, auth, auditInfo),
  });
  let serialised = 0;
  const stringifying = createPortcullis({
    ...hitOptions,
    audit: (event) => {
      serialised += JSON.stringify(event).length;
    },
  });
  subjects.push({
    group: 'audit',
    name: 'auditDecision(allow) with a JSON.stringify sink',
    async: false,
    note: "what @portcullis/nest's default 'logger' sink does before Nest's Logger (off or not) sees it",
    op: () => stringifying.auditDecision({ allowed: true }, auth, auditInfo),
    check: () => (serialised > 0 ? undefined : 'the sink never ran'),
  });
  const fields = ['user-1', 'test-client', 'GET', '/orders/:id', 'ALLOW', 'tenant-42'];
  const tricky = [
    'Bearer abc.def',
    'a=b',
    'x\ny',
    `eyJhbGciOi.${'x'.repeat(40)}`,
    'access_token=secret',
    'DPoP zzz',
    'é'.repeat(300),
  ];
  subjects.push({
    group: 'audit',
    name: 'auditText × 6 typical fields, full redaction only (core before the fast path)',
    async: false,
    op: () => {
      for (const field of fields) auditTextReplica(field);
    },
  });
  subjects.push({
    group: 'audit',
    name: 'auditText fast path × 6 typical fields (shipped in core; copy in bench/prototypes)',
    async: false,
    note: 'one combined RegExp test, full redaction only on a trigger (core: internal/audit-sanitize.ts)',
    op: () => {
      for (const field of fields) auditTextFast(field);
    },
    check: () => {
      const differ = [...fields, ...tricky].filter((value) => auditTextFast(value) !== auditTextReplica(value));
      return differ.length === 0 ? undefined : `fast path differs on ${differ.length} inputs`;
    },
  });

  // ---- breakdown of the first-sight path (RS256 token) ----
  const request = { headers: { authorization: `Bearer ${one}` } };
  const payloadSegment = one.split('.')[1]!;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const parsedClaims = decodeJwt(one);
  subjects.push({
    group: 'breakdown',
    name: "hashToken (core's SHA-256 of the token)",
    async: false,
    op: () => hashToken(one),
  });
  subjects.push({
    group: 'breakdown',
    name: "crypto.hash('sha256', token, 'base64url') (one-shot)",
    async: false,
    op: () => oneShotHash('sha256', one, 'base64url'),
  });
  subjects.push({
    group: 'breakdown',
    name: 'extractBearerToken',
    async: false,
    op: () => extractBearerToken(request),
  });
  subjects.push({
    group: 'breakdown',
    name: 'payload: base64url + strict UTF-8 + JSON.parse',
    async: false,
    op: () => JSON.parse(decoder.decode(Buffer.from(payloadSegment, 'base64url'))),
  });
  if (internals !== undefined) {
    const { checkClaimTimes, checkClaimValues, deepFreeze, parseCompactJws } = internals;
    const resolved = internals.validateVerifierOptions(hitOptions);
    subjects.push({
      group: 'breakdown',
      name: 'parseCompactJws (shape, header JSON, policy)',
      async: false,
      op: () => parseCompactJws(one, resolved.policy),
    });
    subjects.push({
      group: 'breakdown',
      name: 'payload decode + deepFreeze',
      async: false,
      op: () => deepFreeze(JSON.parse(decoder.decode(Buffer.from(payloadSegment, 'base64url')))),
    });
    subjects.push({
      group: 'breakdown',
      name: 'checkClaimValues + checkClaimTimes',
      async: false,
      op: () => {
        checkClaimValues(parsedClaims, resolved);
        checkClaimTimes(parsedClaims, Math.floor(Date.now() / 1000), resolved);
      },
    });
  }
  // Two ways to check a token's characters and find its dots (replicas, for the proposals).
  const alphabet = new Uint8Array(128);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_') alphabet[c.charCodeAt(0)] = 1;
  subjects.push({
    group: 'breakdown',
    name: 'shape scan: charCodeAt loop over the token (replica)',
    async: false,
    op: () => {
      let dots = 0;
      for (let i = 0; i < one.length; i++) {
        const c = one.charCodeAt(i);
        if (c === 0x2e) dots++;
        else if (c >= 128 || alphabet[c] === 0) fail('bad character');
      }
      return dots;
    },
  });
  const shape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;
  subjects.push({
    group: 'breakdown',
    name: 'shape scan: one anchored RegExp test + two indexOf',
    async: false,
    op: () => shape.test(one) && one.indexOf('.', one.indexOf('.') + 1),
  });
  subjects.push({
    group: 'breakdown',
    name: 'jose decodeJwt (decode, no verification)',
    async: false,
    op: () => decodeJwt(one),
  });
  const resolvedValue = Promise.resolve(1);
  subjects.push({
    group: 'breakdown',
    name: 'one async-function call + await (promise hop)',
    async: true,
    op: async () => resolvedValue,
  });
  return subjects;
}

function fail(message: string): never {
  throw new Error(message);
}
