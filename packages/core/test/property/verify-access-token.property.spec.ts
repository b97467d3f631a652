import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SUPPORTED_ASYMMETRIC_ALGORITHMS } from '../../src/internal/key-algorithms.js';
import fc from 'fast-check';
import { createTestIssuer } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import { PortcullisError } from '../../src/errors/portcullis-error.js';
import type { PortcullisErrorCode } from '../../src/errors/portcullis-error.js';
import type { AccessTokenVerifier } from '../../src/token/access-token-verifier.js';
import { createAccessTokenVerifier } from '../../src/token/create-access-token-verifier.js';

// Property-based tests of the verifier: random strings, mutated real tokens (character and bit
// changes, segment shuffles, re-encodings) and header/claim mutations re-signed with the real key.
// Properties: nothing but a PortcullisError ever escapes, and no mutated token is ever accepted.
// Every generator is built so that its output differs from a valid token in meaning, not only in
// bytes (a bit-identical result is filtered out), so "never accepted" is exact.

const T_FIXED = Date.parse('2030-01-01T00:00:00Z');
const NOW = T_FIXED / 1000;
const RUNS = { numRuns: 300 };

let issuer: TestIssuer;
let verifier: AccessTokenVerifier;
let tokens: string[];
let kids: { es256: string; rs256: string; eddsa: string };

beforeAll(async () => {
  issuer = await createTestIssuer({ serve: 'none', now: T_FIXED, algorithms: ['ES256', 'RS256', 'EdDSA'] });
  const kid = (alg: string): string => issuer.jwks.keys.find((k) => k.alg === alg)!.kid!;
  kids = { es256: kid('ES256'), rs256: kid('RS256'), eddsa: kid('EdDSA') };
  // No verified-token cache: every call goes through the full path.
  verifier = createAccessTokenVerifier({ ...issuer.verifierOptions(), cache: false });
  tokens = [
    await issuer.token({ scope: 'orders:read', org_id: 'acme' }, { alg: 'ES256' }),
    await issuer.token({ roles: ['admin'] }, { alg: 'RS256' }),
    await issuer.token({}, { alg: 'EdDSA' }),
  ];
  for (const token of tokens) await verifier.verify(token); // positive controls
});
afterAll(() => issuer.close());

type Outcome = 'accepted' | PortcullisError;

/** Verifies; a PortcullisError is an outcome, any other throw fails the property. */
async function outcome(token: string): Promise<Outcome> {
  try {
    await verifier.verify(token);
    return 'accepted';
  } catch (error) {
    if (error instanceof PortcullisError) return error;
    throw new Error(`verify threw a non-PortcullisError: ${String(error)}`, { cause: error });
  }
}

async function expectRefused(token: string, codes?: readonly PortcullisErrorCode[]): Promise<void> {
  const result = await outcome(token);
  expect(result).toBeInstanceOf(PortcullisError);
  const error = result as PortcullisError;
  expect(error.status).toBe(401);
  if (codes) expect(codes).toContain(error.code);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const anyToken = (): fc.Arbitrary<string> => fc.constantFrom(...tokens);
const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

const RESERVED_CLAIMS = new Set(['iss', 'aud', 'exp', 'nbf', 'iat', 'sub', 'jti', 'client_id']);
const RESERVED_HEADER = new Set(['alg', 'typ', 'kid', 'jwk', 'jku', 'x5u', 'x5c', 'crit', 'b64', 'enc', 'zip', 'cty']);
const json = fc.jsonValue({ maxDepth: 3 });
const extras = (reserved: ReadonlySet<string>): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .uniqueArray(fc.tuple(fc.string({ maxLength: 12 }), json), { maxLength: 5, selector: ([k]) => k })
    .map((entries) => Object.fromEntries(entries.filter(([k]) => !reserved.has(k))));

function validClaims(): Record<string, unknown> {
  return {
    iss: issuer.issuer,
    aud: issuer.audience,
    sub: 'user-alice',
    client_id: 'orders-web',
    iat: NOW,
    exp: NOW + 300,
    jti: 'jti-prop',
  };
}
const validHeader = (): Record<string, unknown> => ({ alg: 'ES256', typ: 'at+jwt', kid: kids.es256 });
const sign = (header: Record<string, unknown>, claims: unknown): Promise<string> =>
  issuer.sign(header, claims, { key: { kid: kids.es256 } });

describe('verify — properties', () => {
  it('random strings are never accepted and never escape as another error', async () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 2000 }),
      fc.string({ unit: fc.constantFrom(...`${ALPHABET}.=+/ `), maxLength: 9000 }),
      fc
        .array(fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 200 }), { minLength: 1, maxLength: 6 })
        .map((parts) => parts.join('.')),
    );
    await fc.assert(
      fc.asyncProperty(text, async (t) => expectRefused(t)),
      { numRuns: 500 },
    );
  });

  it('a valid token with harmless extra claims and header members verifies, claims intact (the generators are sound)', async () => {
    await fc.assert(
      fc.asyncProperty(extras(RESERVED_HEADER), extras(RESERVED_CLAIMS), async (headerExtra, claimExtra) => {
        const claims = { ...claimExtra, ...validClaims() };
        const token = await sign({ ...headerExtra, ...validHeader() }, claims);
        const verified = await verifier.verify(token);
        expect(verified.claims).toEqual(JSON.parse(JSON.stringify(claims)));
      }),
      { numRuns: 200 },
    );
  });

  it('changing any one character of a real token is never accepted', async () => {
    const mutation = anyToken().chain((token) =>
      fc.tuple(fc.constant(token), fc.nat({ max: token.length - 1 }), fc.constantFrom(...`${ALPHABET}.=+/?é \u0000`)),
    );
    await fc.assert(
      fc.asyncProperty(
        mutation.filter(([token, i, c]) => token[i] !== c),
        async ([token, i, c]) => expectRefused(token.slice(0, i) + c + token.slice(i + 1)),
      ),
      RUNS,
    );
  });

  it('flipping any bit of a decoded segment and re-encoding is never accepted', async () => {
    const mutation = anyToken().chain((token) => {
      const parts = token.split('.');
      return fc.nat({ max: 2 }).chain((segment) => {
        const bytes = Buffer.from(parts[segment]!, 'base64url');
        return fc.tuple(
          fc.constant(parts),
          fc.constant(segment),
          fc.nat({ max: bytes.length - 1 }),
          fc.nat({ max: 7 }),
        );
      });
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ([parts, segment, index, bit]) => {
        const bytes = Buffer.from(parts[segment]!, 'base64url');
        bytes[index] = bytes[index]! ^ (1 << bit);
        const mutated = parts.map((p, i) => (i === segment ? bytes.toString('base64url') : p)).join('.');
        await expectRefused(mutated);
      }),
      RUNS,
    );
  });

  it('shuffling, dropping, duplicating or adding segments is never accepted', async () => {
    const mutation = anyToken().chain((token) => {
      const parts = token.split('.');
      return fc
        .array(fc.oneof(fc.constantFrom(...parts), fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 40 })), {
          minLength: 0,
          maxLength: 6,
        })
        .map((shuffled) => [token, shuffled.join('.')] as const);
    });
    await fc.assert(
      fc.asyncProperty(
        mutation.filter(([token, mutated]) => token !== mutated),
        async ([, mutated]) => expectRefused(mutated),
      ),
      RUNS,
    );
  });

  it('re-encoding a segment (standard base64, "=" padding) is never accepted', async () => {
    const mutation = fc.tuple(
      anyToken(),
      fc.nat({ max: 2 }),
      fc.constantFrom('base64', 'padded-base64url', 'trailing-equals'),
    );
    await fc.assert(
      fc.asyncProperty(
        mutation
          .map(([token, segment, how]) => {
            const parts = token.split('.');
            const bytes = Buffer.from(parts[segment]!, 'base64url');
            const encoded =
              how === 'base64'
                ? bytes.toString('base64')
                : how === 'padded-base64url'
                  ? bytes.toString('base64url') + '='.repeat((4 - (parts[segment]!.length % 4)) % 4)
                  : `${parts[segment]}=`;
            return [token, parts.map((p, i) => (i === segment ? encoded : p)).join('.')] as const;
          })
          .filter(([token, mutated]) => token !== mutated),
        async ([, mutated]) => expectRefused(mutated, ['ERR_MALFORMED_TOKEN']),
      ),
      RUNS,
    );
  });

  it('one header defect, re-signed with the real key, is refused with the matching code', async () => {
    const notAllowedAlg = fc.string({ maxLength: 10 }).filter((a) => !SUPPORTED_ASYMMETRIC_ALGORITHMS.includes(a));
    const badTyp = fc.oneof(
      fc.string({ maxLength: 20 }).filter((t) => {
        const lower = t.toLowerCase();
        return (lower.includes('/') ? lower : `application/${lower}`) !== 'application/at+jwt';
      }),
      fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 })),
    );
    const defect = fc.oneof(
      notAllowedAlg.map((alg) => ({ patch: { alg }, codes: ['ERR_ALGORITHM_NOT_ALLOWED'] as PortcullisErrorCode[] })),
      json
        .filter((v) => typeof v !== 'string')
        .map((alg) => ({ patch: { alg }, codes: ['ERR_ALGORITHM_NOT_ALLOWED'] as PortcullisErrorCode[] })),
      badTyp.map((typ) => ({ patch: { typ }, codes: ['ERR_INVALID_TOKEN_TYPE'] as PortcullisErrorCode[] })),
      fc.constant({ patch: { typ: undefined }, codes: ['ERR_INVALID_TOKEN_TYPE'] as PortcullisErrorCode[] }),
      fc.tuple(fc.constantFrom('jwk', 'jku', 'x5u', 'x5c', 'crit', 'enc', 'zip'), json).map(([member, value]) => ({
        patch: { [member]: value },
        codes: ['ERR_ALGORITHM_NOT_ALLOWED'] as PortcullisErrorCode[],
      })),
      // b64:false turns the payload into unencoded JSON, which the shape check refuses first.
      json.map((b64) => ({
        patch: { b64 },
        codes: ['ERR_ALGORITHM_NOT_ALLOWED', 'ERR_MALFORMED_TOKEN'] as PortcullisErrorCode[],
      })),
      fc
        .constantFrom('JWT', 'jwt', 'application/jwt')
        .map((cty) => ({ patch: { cty }, codes: ['ERR_ALGORITHM_NOT_ALLOWED'] as PortcullisErrorCode[] })),
      json
        .filter((v) => typeof v !== 'string')
        .map((kid) => ({ patch: { kid }, codes: ['ERR_MALFORMED_TOKEN'] as PortcullisErrorCode[] })),
      fc
        .string({ minLength: 257, maxLength: 400 })
        .map((kid) => ({ patch: { kid }, codes: ['ERR_MALFORMED_TOKEN'] as PortcullisErrorCode[] })),
      fc
        .string({ minLength: 1, maxLength: 40 })
        .filter((kid) => !Object.values(kids).includes(kid))
        .map((kid) => ({ patch: { kid }, codes: ['ERR_KEY_NOT_FOUND'] as PortcullisErrorCode[] })),
    );
    await fc.assert(
      fc.asyncProperty(defect, extras(RESERVED_HEADER), async ({ patch, codes }, extra) => {
        const header: Record<string, unknown> = { ...extra, ...validHeader(), ...patch };
        for (const [k, v] of Object.entries(header)) if (v === undefined) delete header[k];
        await expectRefused(await sign(header, validClaims()), codes);
      }),
      RUNS,
    );
  });

  it('one claim defect, re-signed with the real key, is refused with the matching code', async () => {
    type Defect = { patch: Record<string, unknown>; code: PortcullisErrorCode; claim: string };
    const d = (patch: Record<string, unknown>, code: PortcullisErrorCode, claim: string): Defect => ({
      patch,
      code,
      claim,
    });
    const notString = fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 2 }),
      fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
    );
    const defect: fc.Arbitrary<Defect> = fc.oneof(
      fc
        .string({ maxLength: 40 })
        .filter((s) => s !== issuer.issuer)
        .map((iss) => d({ iss }, 'ERR_CLAIM_INVALID', 'iss')),
      notString.map((iss) => d({ iss }, 'ERR_CLAIM_INVALID', 'iss')),
      fc
        .oneof(fc.string({ maxLength: 40 }), fc.array(fc.string({ maxLength: 40 }), { maxLength: 3 }))
        .filter((aud) => (Array.isArray(aud) ? !aud.includes(issuer.audience) : aud !== issuer.audience))
        .map((aud) => d({ aud }, 'ERR_CLAIM_INVALID', 'aud')),
      fc
        .integer({ min: NOW - 10_000_000, max: NOW - 5 })
        .map((exp) => d({ exp, iat: Math.min(exp - 1, NOW) }, 'ERR_TOKEN_EXPIRED', 'exp')),
      fc
        .integer({ min: NOW + 86_401, max: NOW + 10 * 365 * 86_400 })
        .map((exp) => d({ exp }, 'ERR_CLAIM_INVALID', 'exp')),
      fc
        .integer({ min: NOW + 6, max: NOW + 86_000 })
        .map((nbf) => d({ nbf, exp: nbf + 60 }, 'ERR_TOKEN_NOT_YET_VALID', 'nbf')),
      fc
        .integer({ min: NOW + 6, max: NOW + 86_000 })
        .map((iat) => d({ iat, exp: iat + 60 }, 'ERR_TOKEN_NOT_YET_VALID', 'iat')),
      fc
        .tuple(
          fc.constantFrom('exp', 'iat', 'nbf'),
          fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 })),
        )
        .map(([claim, value]) => d({ [claim]: value }, 'ERR_CLAIM_INVALID', claim)),
      fc
        .tuple(fc.constantFrom('sub', 'jti', 'client_id'), fc.oneof(notString, fc.constant('')))
        .map(([claim, value]) => d({ [claim]: value }, 'ERR_CLAIM_INVALID', claim)),
      fc
        .constantFrom('iss', 'aud', 'exp', 'iat', 'sub', 'jti', 'client_id')
        .map((claim) => d({ [claim]: undefined }, 'ERR_CLAIM_INVALID', claim)),
    );
    await fc.assert(
      fc.asyncProperty(defect, extras(RESERVED_CLAIMS), async ({ patch, code, claim }, extra) => {
        const claims: Record<string, unknown> = { ...extra, ...validClaims(), ...patch };
        for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
        const token = await sign(validHeader(), claims);
        const result = await outcome(token);
        expect(result).toBeInstanceOf(PortcullisError);
        expect({ code: (result as PortcullisError).code, claim: (result as PortcullisError).claim }).toEqual({
          code,
          claim,
        });
      }),
      RUNS,
    );
  });

  it('random JSON headers and payloads signed with the real key are refused, never thrown through', async () => {
    const header = fc.oneof(
      json,
      fc.dictionary(fc.constantFrom('alg', 'typ', 'kid', 'crit', 'x', 'cty', 'b64'), json, { maxKeys: 5 }),
    );
    const payload = fc.oneof(json, fc.string({ unit: 'binary', maxLength: 200 }));
    await fc.assert(
      fc.asyncProperty(
        header,
        payload,
        fc.constantFrom('es256', 'rs256', 'eddsa') as fc.Arbitrary<keyof typeof kids>,
        async (h, p, which) => {
          const raw = JSON.stringify(h) ?? 'null';
          const token = await issuer.sign(raw, typeof p === 'string' ? p : JSON.stringify(p), {
            key: { kid: kids[which] },
          });
          await expectRefused(token);
        },
      ),
      RUNS,
    );
  });

  it('the claims of an accepted token are exactly the signed ones (no mutation survives re-verification)', async () => {
    for (const token of tokens) {
      const verified = await verifier.verify(token);
      expect(verified.claims).toEqual(claimsOf(token));
    }
  });
});
