// Checks a prototype verifier against the shipped one on the security corpus of
// @portcullis/testing: same acceptance, same error code, for every entry. A prototype whose speed
// comes from skipping a check would show up here as a mismatch.
import { createAccessTokenVerifier, isPortcullisError } from '@portcullis/core';
import type { VerifierOptions } from '@portcullis/core';
import type { CoreInternals } from './core-internals.js';
import { createFastVerifier } from './fast-verifier.js';

export interface ConformanceResult {
  readonly entries: number;
  readonly agreed: number;
  /** `name: shipped → prototype` for each disagreement. */
  readonly mismatches: readonly string[];
}

async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'accepted';
  } catch (error) {
    return isPortcullisError(error)
      ? error.code
      : `non-Portcullis error ${error instanceof Error ? error.name : typeof error}`;
  }
}

/**
 * @example
 * ```ts
 * const { mismatches } = await checkConformance(await loadCoreInternals(), pool.corpus, { issuer, audience, jwks, algorithms });
 * ```
 */
export async function checkConformance(
  internals: CoreInternals,
  corpus: Readonly<Record<string, string>>,
  options: VerifierOptions,
): Promise<ConformanceResult> {
  const mismatches: string[] = [];
  let agreed = 0;
  for (const [name, token] of Object.entries(corpus)) {
    // Fresh verifiers per entry: no cache carry-over between entries.
    const shipped = createAccessTokenVerifier(options);
    const sha = createFastVerifier(internals, options, { cacheKey: 'sha256' });
    const keyed = createFastVerifier(internals, options, { cacheKey: 'token' });
    const oneShot = createFastVerifier(internals, options, { cacheKey: 'sha256-oneshot' });
    const expected = await outcome(() => shipped.verify(token));
    const got = [
      await outcome(() => sha.verify(token)),
      await outcome(() => keyed.verify(token)),
      await outcome(() => oneShot.verify(token)),
    ];
    // Twice: the second call goes through each cache.
    const again = [
      await outcome(() => shipped.verify(token)),
      await outcome(() => sha.verify(token)),
      await outcome(() => keyed.verify(token)),
      await outcome(() => oneShot.verify(token)),
    ];
    const all = [...got, ...again];
    if (all.every((value) => value === expected)) agreed++;
    else mismatches.push(`${name}: shipped ${expected} → prototype ${all.join(', ')}`);
  }
  return { entries: Object.keys(corpus).length, agreed, mismatches };
}
