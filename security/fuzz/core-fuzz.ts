/**
 * In-process fuzzing of @portcullis/core's request path (`createPortcullis(…).authenticate`) —
 * the same code every adapter runs, without HTTP, so it reaches millions of inputs:
 *
 * - **mutated tokens** (byte-level mutations of valid tokens): always refused, with a 400/401
 *   PortcullisError — never an allow, never ERR_INTERNAL, never a non-Portcullis throw;
 * - **raw Authorization values** (arbitrary strings, with and without a Bearer prefix): never an
 *   allow, only ERR_MISSING_TOKEN / ERR_INVALID_REQUEST / invalid_token codes;
 * - **re-signed tokens** (header and claim edits signed with the real key): refused whenever the
 *   oracle says "certainly invalid", and never ERR_INTERNAL either way.
 */
import fc from 'fast-check';
import { createPortcullis, isPortcullisError } from '@portcullis/core';
import type { Portcullis } from '@portcullis/core';
import type { TestIssuer } from '@portcullis/testing';
import { PRINCIPALS } from '../corpus/world.js';
import { mutation, resigned } from './arbitraries.js';
import type { ClaimEdit, HeaderEdit } from './arbitraries.js';
import { applyMutation } from './mutations.js';
import { certainlyInvalid } from './oracle.js';

export type CoreFuzzKind = 'core-mutated-token' | 'core-raw-authorization' | 'core-resigned-token';

export interface CoreFuzzResult {
  readonly kind: CoreFuzzKind;
  readonly runs: number;
  readonly interrupted: boolean;
  readonly ms: number;
  readonly codes: Record<string, number>;
  readonly failure?: { readonly seed: number; readonly path: string | null; readonly counterexample: string; readonly error: string };
}

const REFUSALS = new Set([
  'ERR_MISSING_TOKEN',
  'ERR_INVALID_REQUEST',
  'ERR_MALFORMED_TOKEN',
  'ERR_ALGORITHM_NOT_ALLOWED',
  'ERR_INVALID_TOKEN_TYPE',
  'ERR_KEY_NOT_FOUND',
  'ERR_SIGNATURE_INVALID',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_NOT_YET_VALID',
  'ERR_CLAIM_INVALID',
  'ERR_TOKEN_REVOKED',
]);

function bare(source: Record<string, unknown>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(source)) out[k] = v;
  return out;
}

function edit(base: Record<string, unknown>, edits: readonly (HeaderEdit | ClaimEdit)[], now: number): Record<string, unknown> {
  const out = bare(base);
  for (const e of edits) {
    if (e.kind === 'delete') delete out['member' in e ? e.member : e.claim];
    else if (e.kind === 'set') out['member' in e ? e.member : e.claim] = e.value;
    else out[e.claim] = (typeof out[e.claim] === 'number' ? (out[e.claim] as number) : now) + e.seconds;
  }
  return out;
}

/** The verifier configuration fuzzed in-process (the SPEC targets' settings, local key set). */
export function corePortcullis(issuer: TestIssuer): Portcullis {
  return createPortcullis({
    ...issuer.verifierOptions(),
    claims: { tenant: 'org_id' },
    roleHierarchy: { admin: ['support'], support: [] },
    realm: 'orders',
    algorithms: ['ES256', 'RS256', 'PS256'],
    clockTolerance: 60,
  });
}

/** Runs the three core properties. */
export async function fuzzCore(
  issuer: TestIssuer,
  options: { seed: number; runs: Record<CoreFuzzKind, number>; timeLimitMs: Record<CoreFuzzKind, number>; path?: string; onProgress?: (kind: CoreFuzzKind, done: number) => void },
): Promise<CoreFuzzResult[]> {
  const portcullis = corePortcullis(issuer);
  const now = () => Math.floor(issuer.clock.now() / 1000);
  // A pool of valid tokens to mutate (minting one per input would dominate the run time).
  const pool = await Promise.all(Array.from({ length: 64 }, (_, i) => issuer.token({ ...PRINCIPALS.alice, jti: `pool-${i}` }, { alg: i % 2 ? 'RS256' : 'ES256' })));
  const results: CoreFuzzResult[] = [];

  const run = async <T>(kind: CoreFuzzKind, arb: fc.Arbitrary<T>, body: (input: T) => Promise<string>) => {
    const codes: Record<string, number> = {};
    let done = 0;
    const started = Date.now();
    const details = await fc.check(
      fc.asyncProperty(arb, async (input) => {
        done++;
        if (options.onProgress && done % 50_000 === 0) options.onProgress(kind, done);
        const code = await body(input);
        codes[code] = (codes[code] ?? 0) + 1;
      }),
      {
        seed: options.seed,
        numRuns: options.runs[kind],
        endOnFailure: true,
        ...(options.path ? { path: options.path } : {}),
        plugins: [fc.interruptAfterTimeLimit(options.timeLimitMs[kind])],
      },
    );
    results.push({
      kind,
      runs: details.numRuns,
      interrupted: details.interrupted,
      ms: Date.now() - started,
      codes,
      ...(details.failed && !details.interrupted
        ? {
            failure: {
              seed: details.seed,
              path: details.counterexamplePath,
              counterexample: details.counterexample ? fc.stringify(details.counterexample).slice(0, 2000) : '',
              error: details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance),
            },
          }
        : {}),
    });
  };

  /** Authenticates; returns the refusal code, throws on an allow or an unexpected failure. */
  const refuse = async (authorization: string, mustRefuse: boolean): Promise<string> => {
    try {
      await portcullis.authenticate({ headers: { authorization }, rawHeaders: ['Authorization', authorization], method: 'GET', url: '/orders/o-a1' });
    } catch (error) {
      if (!isPortcullisError(error)) throw new Error(`non-Portcullis error: ${(error as Error)?.name}: ${(error as Error)?.message}`, { cause: error });
      if (!REFUSALS.has(error.code)) throw new Error(`unexpected code ${error.code}`, { cause: error });
      return error.code;
    }
    if (mustRefuse) throw new Error('ALLOWED');
    return 'allowed';
  };

  await run('core-mutated-token', fc.tuple(fc.nat(pool.length - 1), mutation), async ([i, m]) => {
    const token = applyMutation(pool[i]!, m);
    fc.pre(token !== undefined);
    return refuse(`Bearer ${token}`, true);
  });

  await run(
    'core-raw-authorization',
    fc.tuple(fc.constantFrom('', 'Bearer ', 'bearer ', 'Bearer  ', 'BEARER\t', 'Basic ', 'DPoP '), fc.string({ maxLength: 300, unit: 'binary' })),
    async ([prefix, rest]) => refuse(`${prefix}${rest}`, true),
  );

  await run('core-resigned-token', resigned, async (recipe) => {
    const t = now();
    const header = edit({ alg: 'ES256', typ: 'at+jwt', kid: 'es256-1' }, recipe.header, t);
    const claims = edit({ iss: issuer.issuer, aud: issuer.audience, iat: t, exp: t + 300, jti: crypto.randomUUID(), ...PRINCIPALS.alice }, recipe.claims, t);
    let headerText: string;
    let payloadText: string;
    try {
      headerText = JSON.stringify(header);
      payloadText = JSON.stringify(claims);
    } catch {
      fc.pre(false);
      return 'skipped';
    }
    const token = await issuer.sign(headerText, payloadText, { key: { kid: 'es256-1' } });
    const reason = certainlyInvalid(header, claims, { issuer: issuer.issuer, audience: issuer.audience, now: t, leeway: 60, maxLifetime: 86_400, signingKid: 'es256-1' });
    // The oracle's "no orders:read" is an authorization matter: authentication may still succeed.
    return refuse(`Bearer ${token}`, reason !== undefined && reason !== 'no orders:read');
  });

  return results;
}
