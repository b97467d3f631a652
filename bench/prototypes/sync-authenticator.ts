// PROTOTYPE (bench only): what an adapter could run per request if core offered a synchronous
// cache-hit path. Repeated tokens never leave the current tick (no promise, no microtask): extract
// → verified-token cache (SHA-256 key via one-shot crypto.hash) → principal memoised on the cached token → rule.
// First-sight tokens take the prototype node:crypto path. Not shipped; see bench/PROPOSALS.md.
import { createPrincipalMapper, decide, extractBearerToken, requireScopes } from '@portcullis/core';
import type { AuthContext, HttpRequestLike, PortcullisError, VerifiedToken } from '@portcullis/core';
import type { JSONWebKeySet } from 'jose';
import { loadCoreInternals } from './core-internals.js';
import { createFastVerifier } from './fast-verifier.js';

export interface SyncAuthenticatorOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly jwks: JSONWebKeySet;
  readonly algorithms: readonly string[];
  readonly cacheEntries: number;
  /** The route's one rule: these scopes. */
  readonly scopes: readonly string[];
}

/** `ok` with the auth context, or the PortcullisError to answer with. */
export type SyncOutcome =
  { readonly ok: true; readonly auth: AuthContext } | { readonly ok: false; readonly error: unknown };

export interface SyncAuthenticator {
  /** Decides synchronously when the token is a cache hit; otherwise returns a promise. */
  authenticate(request: HttpRequestLike): SyncOutcome | Promise<SyncOutcome>;
}

/**
 * @example
 * ```ts
 * const auth = await createSyncAuthenticator({ issuer, audience, jwks, algorithms: ['RS256'], cacheEntries: 1000, scopes: ['orders:read'] });
 * const outcome = auth.authenticate(req);
 * ```
 */
export async function createSyncAuthenticator(options: SyncAuthenticatorOptions): Promise<SyncAuthenticator> {
  const verifier = createFastVerifier(
    await loadCoreInternals(),
    {
      issuer: options.issuer,
      audience: options.audience,
      jwks: options.jwks,
      algorithms: options.algorithms,
      cache: { maxEntries: options.cacheEntries },
    },
    { cacheKey: 'sha256-oneshot' },
  );
  const mapPrincipal = createPrincipalMapper('rfc9068');
  const rule = requireScopes(options.scopes);
  // The principal depends only on the (frozen) claims: one mapping per cached token.
  const contexts = new WeakMap<VerifiedToken, AuthContext>();

  function decideFor(verified: VerifiedToken): SyncOutcome {
    let auth = contexts.get(verified);
    if (auth === undefined) {
      auth = Object.freeze({ principal: mapPrincipal(verified.claims), token: verified });
      contexts.set(verified, auth);
    }
    const decision = decide(rule, { principal: auth.principal });
    return decision.allowed ? { ok: true, auth } : { ok: false, error: decision.error as PortcullisError };
  }

  return {
    authenticate(request) {
      let token: string;
      try {
        token = extractBearerToken(request);
        const hit = verifier.verifyCachedSync(token);
        if (hit !== undefined) return decideFor(hit);
      } catch (error) {
        return { ok: false, error };
      }
      return verifier.verify(token).then(decideFor, (error: unknown) => ({ ok: false, error }));
    },
  };
}

/** Fetches the key set once at start-up (the prototype verifier takes a local set). */
export async function fetchJwks(jwksUri: string): Promise<JSONWebKeySet> {
  const response = await fetch(jwksUri, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`JWKS fetch failed: ${response.status}`);
  return (await response.json()) as JSONWebKeySet;
}
