// Loads internal modules of the BUILT @portcullis/core (packages/core/dist/internal/*), which its
// `exports` map does not expose. Prototypes reuse the real pre-parse, claim checks, key-set reader,
// cache and freeze so that only the step under study differs from the shipped verifier.
//
// Type-only imports are erased at compile time, so their relative paths (from this source file)
// never have to match the compiled layout; the runtime path is resolved from the package itself.
import type * as CheckClaims from '../../packages/core/dist/internal/check-token-claims.js';
import type * as DeepFreeze from '../../packages/core/dist/internal/deep-freeze.js';
import type * as KeySetIndexModule from '../../packages/core/dist/internal/key-set-index.js';
import type * as ParseCompactJws from '../../packages/core/dist/internal/parse-compact-jws.js';
import type * as ReadKeySet from '../../packages/core/dist/internal/jwks-read-key-set.js';
import type * as ValidateOptions from '../../packages/core/dist/internal/validate-verifier-options.js';
import type * as TokenCache from '../../packages/core/dist/internal/verified-token-cache.js';

const coreEntry = import.meta.resolve('@portcullis/core');
const load = <T>(name: string): Promise<T> => import(new URL(`./internal/${name}.js`, coreEntry).href) as Promise<T>;

export const { checkClaimTimes, checkClaimValues } = await load<typeof CheckClaims>('check-token-claims');
export const { deepFreeze } = await load<typeof DeepFreeze>('deep-freeze');
export const { KeySetIndex } = await load<typeof KeySetIndexModule>('key-set-index');
export const { parseCompactJws } = await load<typeof ParseCompactJws>('parse-compact-jws');
export const { readJwkSet } = await load<typeof ReadKeySet>('jwks-read-key-set');
export const { validateVerifierOptions } = await load<typeof ValidateOptions>('validate-verifier-options');
export const { VerifiedTokenCache } = await load<typeof TokenCache>('verified-token-cache');

export type ClaimRules = CheckClaims.ClaimRules;
export type KeySetEntry = ReadKeySet.KeySetEntry;
export type ResolvedVerifierOptions = ValidateOptions.ResolvedVerifierOptions;
export type VerifiedTokenCacheEntry = TokenCache.VerifiedTokenCacheEntry;
