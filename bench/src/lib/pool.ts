import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BAD_TOKEN_KINDS } from '@portcullis/testing';
import type { TestIssuer } from '@portcullis/testing';
import type { JSONWebKeySet } from 'jose';

/** The algorithms every micro benchmark runs for. */
export const ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type Alg = (typeof ALGORITHMS)[number];

/** The scope every guarded route requires, so each guard also makes one authorization decision. */
export const REQUIRED_SCOPE = 'orders:read';

/**
 * Everything the child processes need to verify the run's tokens: one issuer's identity and
 * public keys, and pre-minted tokens. Written once to a temporary file by the orchestrator.
 */
export interface TokenPool {
  readonly issuer: string;
  readonly audience: string;
  /** Served by the orchestrator's test issuer on 127.0.0.1 (for HTTP servers and the scale suite). */
  readonly jwksUri: string;
  /** The same keys, for in-process (micro) verifiers that use a local key set. */
  readonly jwks: JSONWebKeySet;
  /** Distinct valid tokens per algorithm (distinct `sub` and `jti`), valid for at least an hour. */
  readonly tokens: Readonly<Record<Alg, readonly string[]>>;
  /**
   * Tokens every guard must refuse (checked before anything is measured, so a misconfigured
   * alternative cannot "win" by not checking): RS256 unless the name says otherwise.
   */
  readonly bad: Readonly<Record<'wrongAudience' | 'wrongIssuer' | 'tamperedSignature' | 'expired' | 'noScope', string>>;
  /**
   * The security corpus of @portcullis/testing (every `badToken` kind, every missing required
   * claim, tampered payload and signature per algorithm), by name: prototypes must give the same
   * answer as the shipped verifier on each before their numbers mean anything.
   */
  readonly corpus: Readonly<Record<string, string>>;
}

/**
 * Mints the pools with the test issuer: `size` tokens per algorithm, each with its own subject and
 * `jti`, scope `orders:read`, lifetime one hour (the whole run takes under ten minutes).
 *
 * @example
 * ```ts
 * const pool = await mintPool(issuer, 10_000);
 * ```
 */
export async function mintPool(issuer: TestIssuer, size: number): Promise<TokenPool> {
  const tokens = {} as Record<Alg, string[]>;
  for (const alg of ALGORITHMS) {
    const list: string[] = [];
    for (let i = 0; i < size; i++) {
      list.push(await issuer.token({ sub: `user-${i}`, scope: REQUIRED_SCOPE }, { alg, expiresIn: 3600 }));
    }
    tokens[alg] = list;
  }
  const good = tokens.RS256[0]!;
  // One signature character changed in the middle: still canonical base64url, wrong signature.
  const at = good.length - 10;
  const tampered = `${good.slice(0, at)}${good[at] === 'A' ? 'B' : 'A'}${good.slice(at + 1)}`;
  const nowSeconds = Math.floor(issuer.clock.now() / 1000);
  const corpus: Record<string, string> = {};
  for (const kind of BAD_TOKEN_KINDS) corpus[kind] = await issuer.badToken(kind);
  for (const claim of ['iss', 'aud', 'exp', 'iat', 'sub', 'jti', 'client_id']) {
    corpus[`missing-claim:${claim}`] = await issuer.badToken(`missing-claim:${claim}`);
  }
  for (const alg of ALGORITHMS) {
    const [header, payload, signature] = tokens[alg][0]!.split('.') as [string, string, string];
    const at = Math.floor(signature.length / 2);
    corpus[`${alg} tampered signature`] =
      `${header}.${payload}.${signature.slice(0, at)}${signature[at] === 'A' ? 'B' : 'A'}${signature.slice(at + 1)}`;
    corpus[`${alg} payload of another token`] = `${header}.${tokens[alg][1]!.split('.')[1]!}.${signature}`;
    corpus[`${alg} good`] = tokens[alg][0]!;
  }
  return {
    issuer: issuer.issuer,
    audience: issuer.audience,
    jwksUri: issuer.jwksUri!,
    tokens,
    bad: {
      wrongAudience: await issuer.token({ aud: 'https://other.example.test', scope: REQUIRED_SCOPE }, { alg: 'RS256' }),
      wrongIssuer: await issuer.token({ iss: 'https://evil.example.test', scope: REQUIRED_SCOPE }, { alg: 'RS256' }),
      tamperedSignature: tampered,
      expired: await issuer.token(
        { scope: REQUIRED_SCOPE, iat: nowSeconds - 7200, exp: nowSeconds - 3600 },
        { alg: 'RS256' },
      ),
      noScope: await issuer.token({ scope: 'orders:write' }, { alg: 'RS256' }),
    },
    corpus,
    // Last: some corpus entries publish extra keys (e.g. the ES512 key of 'disallowed-alg').
    jwks: issuer.jwks,
  };
}

/** A temporary directory for the run's pool file; `cleanup()` removes it. */
export function writePool(pool: TokenPool): { file: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-'));
  const file = join(dir, 'pool.json');
  writeFileSync(file, JSON.stringify(pool));
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function readPool(file: string): TokenPool {
  return JSON.parse(readFileSync(file, 'utf8')) as TokenPool;
}
