import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import type { BadTokenKind } from '../bad-token-kind.js';
import type { SigningAlgorithm } from '../signing-algorithm.js';
import type { RawHeader, SignOptions, TokenClaims, TokenOptions } from '../test-issuer.js';
import { base64url, decodeJsonSegment, fromBase64url } from './base64url.js';
import { publicKeyPem } from './key-ring.js';
import type { IssuerKey, KeyRing } from './key-ring.js';
import { unencodedJson } from './raw-jws.js';

/** What the bad-token factory needs from the issuer. */
export interface BadTokenContext {
  readonly keys: KeyRing;
  readonly nowSeconds: () => number;
  readonly defaultAlg: () => SigningAlgorithm;
  readonly currentKey: (alg: SigningAlgorithm) => IssuerKey;
  readonly token: (claims?: TokenClaims, options?: TokenOptions) => Promise<string>;
  readonly sign: (header: RawHeader, payload: unknown, options?: SignOptions) => Promise<string>;
  readonly claimsFor: (claims?: TokenClaims) => Record<string, unknown>;
}

export const WRONG_ISSUER = 'https://evil.example.test';
export const WRONG_AUDIENCE = 'https://other-api.example.test/';
export const ATTACKER_JKU = 'https://attacker.example.test/jwks.json';
const TEN_YEARS_SECONDS = 10 * 365 * 24 * 60 * 60;
/** Core's default `maxTokenSize` is 8192 characters; aim at ~9 KiB, well under Node's 16 KiB header cap. */
const OVERSIZED_TARGET_CHARS = 9 * 1024;
const MISSING_CLAIM_PREFIX = 'missing-claim:';

/** The members that make up a public key (RFC 7518 §6): no `kid`, `alg` or `use` in an embedded `jwk`. */
function publicMembers(jwk: JWK): JWK {
  const out: JWK = {};
  for (const name of ['kty', 'crv', 'x', 'y', 'n', 'e'] as const) if (jwk[name] !== undefined) out[name] = jwk[name];
  return out;
}

function splitCompact(token: string): [string, string, string] {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return [header, payload, signature];
}

/**
 * Mints a token with exactly one defect. The defect is applied after the caller's claims, so a
 * caller cannot accidentally repair it (e.g. `badToken('expired', { exp })` stays expired).
 */
export async function mintBadToken(kind: BadTokenKind, claims: TokenClaims, ctx: BadTokenContext): Promise<string> {
  const now = ctx.nowSeconds();
  if (typeof kind === 'string' && kind.startsWith(MISSING_CLAIM_PREFIX)) {
    const name = kind.slice(MISSING_CLAIM_PREFIX.length);
    if (name === '')
      throw new TypeError("badToken('missing-claim:<name>') needs a claim name, e.g. 'missing-claim:exp'");
    return ctx.token({ ...claims, [name]: undefined });
  }
  switch (kind) {
    case 'expired':
      return ctx.token({ ...claims, iat: now - 3900, exp: now - 3600 });
    case 'not-yet-valid':
      return ctx.token({ ...claims, nbf: now + 600, exp: now + 900 });
    case 'issued-in-future':
      return ctx.token({ ...claims, iat: now + 600, exp: now + 900 });
    case 'wrong-issuer':
      return ctx.token({ ...claims, iss: WRONG_ISSUER });
    case 'wrong-audience':
      return ctx.token({ ...claims, aud: WRONG_AUDIENCE });
    case 'wrong-typ':
      return ctx.token(claims, { typ: 'JWT' });
    case 'missing-typ':
      return ctx.token(claims, { typ: null });
    case 'unknown-kid':
      return ctx.token(claims, { kid: `unknown-${randomUUID()}` });
    case 'alg-none':
      return ctx.sign({ alg: 'none', typ: 'at+jwt' }, ctx.claimsFor(claims), { key: 'none' });
    case 'hs-rs-confusion': {
      // CVE-2015-9235 shape: the verifier is fooled into using the RSA public key's PEM text as an HMAC secret.
      const rsa = ctx.currentKey('RS256');
      return ctx.sign({ alg: 'HS256', typ: 'at+jwt', kid: rsa.kid }, ctx.claimsFor(claims), {
        key: { hmac: publicKeyPem(rsa) },
      });
    }
    case 'tampered-payload': {
      const [header, payload, signature] = splitCompact(await ctx.token(claims));
      const decoded = decodeJsonSegment(payload) as Record<string, unknown>;
      decoded['sub'] = decoded['sub'] === 'attacker' ? 'attacker-2' : 'attacker';
      return `${header}.${base64url(JSON.stringify(decoded))}.${signature}`;
    }
    case 'tampered-signature': {
      const [header, payload, signature] = splitCompact(await ctx.token(claims));
      const bytes = fromBase64url(signature);
      bytes[0] = (bytes[0] ?? 0) ^ 0x01;
      return `${header}.${payload}.${base64url(bytes)}`;
    }
    case 'oversized': {
      const plain = await ctx.token(claims);
      // Each padding character adds 4/3 of a character to the payload segment.
      const padding = Math.max(1, Math.ceil(((OVERSIZED_TARGET_CHARS - plain.length) * 3) / 4));
      return ctx.token({ ...claims, padding: 'x'.repeat(padding) });
    }
    case 'id-token': {
      // An OIDC ID token from the same issuer: audience is the client, not this API (RFC 9068 §5).
      const clientId = typeof claims['client_id'] === 'string' ? claims['client_id'] : 'test-client';
      const idClaims = {
        ...claims,
        aud: clientId,
        azp: clientId,
        nonce: randomUUID(),
        auth_time: now,
        client_id: undefined,
        scope: undefined,
        jti: undefined,
      };
      return ctx.token(idClaims, { typ: 'JWT' });
    }
    case 'long-lived': {
      const iat = typeof claims['iat'] === 'number' ? claims['iat'] : now;
      return ctx.token({ ...claims, iat, exp: iat + TEN_YEARS_SECONDS });
    }
    case 'disallowed-alg': {
      // Published on purpose: the token is then perfectly valid except for its algorithm, so only
      // an `algorithms` allowlist without ES512 rejects it.
      const key = ctx.keys.current('ES512') ?? (await ctx.keys.add('ES512'));
      return ctx.token(claims, { kid: key.kid });
    }
    // The attacker key uses the issuer's default algorithm, so an API that allows only that one
    // refuses these tokens for the header key / key URL, never for the algorithm.
    case 'embedded-jwk': {
      const alg = ctx.defaultAlg();
      const attacker = await ctx.keys.untrustedKey(alg);
      const jwk = publicMembers(attacker.publicJwk);
      return ctx.sign({ alg, typ: 'at+jwt', jwk }, ctx.claimsFor(claims), { key: 'untrusted' });
    }
    case 'jku': {
      const alg = ctx.defaultAlg();
      const attacker = await ctx.keys.untrustedKey(alg);
      return ctx.sign({ alg, typ: 'at+jwt', kid: attacker.kid, jku: ATTACKER_JKU }, ctx.claimsFor(claims), {
        key: 'untrusted',
      });
    }
    case 'crit':
      return ctx.token(claims, { header: { crit: ['exp-ext'], 'exp-ext': 1 } });
    case 'b64-false': {
      const key = ctx.currentKey(ctx.defaultAlg());
      const header = { alg: key.alg, typ: 'at+jwt', kid: key.kid, b64: false, crit: ['b64'] };
      return ctx.sign(header, unencodedJson(ctx.claimsFor(claims)), { key: { kid: key.kid } });
    }
    case 'array-payload': {
      const key = ctx.currentKey(ctx.defaultAlg());
      return ctx.sign({ alg: key.alg, typ: 'at+jwt', kid: key.kid }, [ctx.claimsFor(claims)], {
        key: { kid: key.kid },
      });
    }
    case 'revoked-shape':
      return ctx.token(claims);
    default:
      throw new TypeError(`badToken(): unknown kind ${JSON.stringify(kind)}; see BadTokenKind for the list`);
  }
}
