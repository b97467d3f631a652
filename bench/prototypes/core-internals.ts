// Loads internal modules of the BUILT @portcullis/core (packages/core/dist/internal/*), which its
// `exports` map does not expose. Prototypes reuse the real pre-parse, claim checks, key-set reader,
// cache and freeze, so that only the step under study differs from the shipped verifier.
//
// Internals change without notice. So the types below are this file's own minimal view (the bench
// type-checks against core's public API only, and `npm test` never breaks because an internal
// moved), and `loadCoreInternals()` checks at run time that every function is still there; when
// one is not, the micro suite skips the prototype rows and says why.
import type { RevocationStore, VerifiedToken, VerifierOptions } from '@portcullis/core';
import type { JSONWebKeySet } from 'jose';

/** Claim rules as the verifier resolves them (opaque here: passed back to the claim checks). */
export type ClaimRules = object;

export interface ResolvedVerifierOptions {
  readonly policy: { readonly maxTokenSize: number };
  readonly requiredClaims: readonly string[];
  readonly cacheMaxEntries: number | false;
  readonly revocation: RevocationStore | undefined;
  readonly now: () => number;
}

export interface KeySetEntry {
  readonly jwk: object | undefined;
}

export interface VerifiedTokenCacheEntry {
  readonly fresh: VerifiedToken;
  readonly hit: VerifiedToken;
}

export interface CoreInternals {
  checkClaimTimes(claims: object, nowSeconds: number, rules: ClaimRules): void;
  checkClaimValues(claims: object, rules: ClaimRules): void;
  deepFreeze<T>(value: T): T;
  KeySetIndex: new (entries: readonly KeySetEntry[]) => {
    select(alg: string, kid: string | undefined): { readonly kind: string; readonly entry?: KeySetEntry };
  };
  parseCompactJws(
    token: unknown,
    policy: ResolvedVerifierOptions['policy'],
  ): { readonly header: VerifiedToken['header']; readonly alg: string; readonly kid: string | undefined };
  readJwkSet(value: JSONWebKeySet): KeySetEntry[];
  validateVerifierOptions(options: VerifierOptions): ResolvedVerifierOptions;
  VerifiedTokenCache: new (maxEntries: number) => {
    get(key: string): VerifiedTokenCacheEntry | undefined;
    set(key: string, entry: VerifiedTokenCacheEntry): void;
    delete(key: string): void;
  };
}

/** Module → the exports the prototypes use from it. */
const USED: Readonly<Record<string, readonly (keyof CoreInternals)[]>> = {
  'check-token-claims': ['checkClaimTimes', 'checkClaimValues'],
  'deep-freeze': ['deepFreeze'],
  'key-set-index': ['KeySetIndex'],
  'parse-compact-jws': ['parseCompactJws'],
  'jwks-read-key-set': ['readJwkSet'],
  'validate-verifier-options': ['validateVerifierOptions'],
  'verified-token-cache': ['VerifiedTokenCache'],
};

let loaded: Promise<CoreInternals> | undefined;

/**
 * The internals, or a rejection naming what is missing from this build of core.
 *
 * @example
 * ```ts
 * const { parseCompactJws } = await loadCoreInternals();
 * ```
 */
export function loadCoreInternals(): Promise<CoreInternals> {
  loaded ??= (async () => {
    const entry = import.meta.resolve('@portcullis/core');
    const internals: Record<string, unknown> = {};
    for (const [module, names] of Object.entries(USED)) {
      let exports: Record<string, unknown>;
      try {
        exports = (await import(new URL(`./internal/${module}.js`, entry).href)) as Record<string, unknown>;
      } catch {
        throw new Error(`core internal module "${module}" is gone: the prototypes need updating`);
      }
      for (const name of names) {
        if (typeof exports[name] !== 'function')
          throw new Error(`core internal "${module}.${name}" is gone: the prototypes need updating`);
        internals[name] = exports[name];
      }
    }
    return internals as unknown as CoreInternals;
  })();
  return loaded;
}
