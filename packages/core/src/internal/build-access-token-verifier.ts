import { PortcullisError } from '../errors/portcullis-error.js';
import type { RevocationQuery, RevocationStore } from '../revocation/revocation-store.js';
import type { AccessTokenVerifier, KeySetStatus } from '../token/access-token-verifier.js';
import { hashToken } from '../token/hash-token.js';
import type { VerifiedToken } from '../token/verified-token.js';
import { jwtClaimRules } from './check-jwt-claims-set.js';
import { checkClaimTimes, checkClaimValues } from './check-token-claims.js';
import type { ClaimRules } from './check-token-claims.js';
import { deepFreeze } from './deep-freeze.js';
import { HeaderCache } from './parse-compact-jws.js';
import type { ResolvedVerifierOptions } from './validate-verifier-options.js';
import { VerifiedTokenCache, VerifiedTokenCacheEntry } from './verified-token-cache.js';
import { withTokenHash } from './with-token-hash.js';
import { verifyCompactJwsMaybeSync } from './verify-compact-jws.js';
import type { VerifiedJwt } from './verify-compact-jws.js';
import type { KeyLookup } from './verify-compact-jws.js';

/** The part of the key resolver (`jwks/create-key-resolver.ts`) the verifier uses. */
export interface VerifierKeySource {
  getKey: KeyLookup;
  reload(): Promise<void>;
  status(): KeySetStatus;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function revocationUnavailable(reason: string, cause?: unknown): PortcullisError {
  return new PortcullisError('ERR_REVOCATION_UNAVAILABLE', cause === undefined ? { reason } : { reason, cause });
}

/** Waits for a store's promise at most `ms`; a late answer is "cannot decide", never "not revoked". */
function withTimeout(answer: PromiseLike<unknown>, ms: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(revocationUnavailable(`revocation store did not answer within ${ms} ms`)),
      ms,
    );
    // Do not keep a process alive just to time out a request nobody waits for any more.
    (timer as { unref?: () => void }).unref?.();
    answer.then(
      (value) => {
        clearTimeout(timer);
        // A promise never fulfils with a thenable; a hand-made thenable may. Adopting it here, with
        // the timer gone, would let a never-settling inner thenable hang the request: malformed.
        if (isThenable(value)) reject(revocationUnavailable('revocation store answered with a nested thenable'));
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** The verdict on a store's answer: only a literal `false` lets the token through. */
function judgeRevocation(answer: unknown, verified: VerifiedToken): VerifiedToken {
  if (answer === true) throw new PortcullisError('ERR_TOKEN_REVOKED', { reason: 'revoked by the revocation store' });
  if (answer !== false) throw revocationUnavailable('revocation store gave a non-boolean answer');
  return verified;
}

function storeFailure(error: unknown): PortcullisError {
  if (error instanceof PortcullisError && error.code === 'ERR_REVOCATION_UNAVAILABLE') return error;
  return revocationUnavailable('revocation store failed', error);
}

/**
 * Asks the revocation store about a verified token. Only a literal `false` lets the request
 * through; `true` is a revocation; anything else — a throw, a rejection, a timeout, `undefined`,
 * `"false"`, `0` — means the store could not decide, and that is a 503 (ASVS 16.5.2/16.5.3,
 * SPEC cases 132–134), never an allow.
 *
 * A store that answers synchronously (the in-memory store) is decided in the same tick: the
 * result is the token itself, or a synchronous throw. A store that answers with a promise gets a
 * promise, bounded by `timeoutMs`.
 */
function checkRevocation(
  store: RevocationStore,
  verified: VerifiedToken,
  timeoutMs: number,
): VerifiedToken | Promise<VerifiedToken> {
  const { claims } = verified;
  // Option validation made jti, sub, iat and iss required when a store is set, and the claim
  // checks made them non-empty strings / a finite number.
  const query: RevocationQuery = Object.freeze({
    jti: claims.jti as string,
    sub: claims.sub as string,
    iat: claims.iat as number,
    iss: claims.iss as string,
    claims,
  });
  let answer: unknown;
  let pending: PromiseLike<unknown> | undefined;
  try {
    answer = store.isRevoked(query);
    if (isThenable(answer)) pending = answer;
  } catch (error) {
    throw storeFailure(error);
  }
  if (pending === undefined) return judgeRevocation(answer, verified);
  return withTimeout(pending, timeoutMs).then(
    (late) => judgeRevocation(late, verified),
    (error: unknown) => {
      throw storeFailure(error);
    },
  );
}

/**
 * Builds the verifier from validated options and a key source. `createAccessTokenVerifier` is this
 * plus option validation and the key resolver; tests may pass another key source.
 *
 * @example
 * ```ts
 * const verifier = buildAccessTokenVerifier(validateVerifierOptions(options), createKeyResolver(options));
 * ```
 */
export function buildAccessTokenVerifier(
  resolved: ResolvedVerifierOptions,
  keys: VerifierKeySource,
): AccessTokenVerifier {
  const { policy, revocation, revocationTimeout, now } = resolved;
  const cache = resolved.cacheMaxEntries === false ? undefined : new VerifiedTokenCache(resolved.cacheMaxEntries);
  const rules: ClaimRules = Object.freeze({
    issuer: resolved.issuer,
    audience: resolved.audience,
    audienceClaim: resolved.audienceClaim,
    clockTolerance: resolved.clockTolerance,
    maxTokenAge: resolved.maxTokenAge,
    maxTokenLifetime: resolved.maxTokenLifetime,
  });
  // The claims-set checks jose's jwtVerify made (see check-jwt-claims-set.ts): `aud` only when the
  // audience is matched on `aud` (tokens matched on `client_id` are checked by checkClaimValues),
  // and every required claim — `exp` above all (SPEC §0.4.1).
  const jwtRules = jwtClaimRules(resolved);
  // Accepted header segments: an issuer's tokens share a handful of them (one per key).
  const headers = new HeaderCache(policy);
  // A remote key set changes under the cache: keys rotate out, a kid may be reused for another
  // key. A cached verification is therefore bound to the key it was made with (see `keyStillServes`).
  // Local, static and secret key sources never change (reloadKeys() clears the cache anyway).
  const keysCanChange = keys.status().source === 'remote';
  // Bumped by reloadKeys(): a verification that started before a reload must not repopulate the
  // cache with a result obtained from the old keys.
  let generation = 0;
  // Single flight per token: full verifications running right now, by token hash. When a burst of
  // requests brings a token the cache has not seen yet (a client's first call fanned out, a retry
  // storm), the first call verifies it and the others wait for that one result instead of each
  // looking up the key and checking the signature again. An entry lives exactly as long as its
  // verification runs (deleted on settle), so a failure is shared only with the calls that arrived
  // while it was being decided, never with a later one. Bounded by the number of distinct tokens
  // in flight at once; independent of the cache (it coalesces with `cache: false` too).
  const inflight = new Map<string, Promise<VerifiedTokenCacheEntry>>();

  function readClock(): number {
    const ms = now();
    if (typeof ms !== 'number' || !Number.isFinite(ms)) {
      // A broken clock cannot decide expiry: fail closed.
      throw new PortcullisError('ERR_INTERNAL', { reason: "the verifier's 'now' option returned a non-finite value" });
    }
    return ms;
  }

  /** After the JWS/JWT layer: the checks jose never made, then the frozen, cacheable result. */
  function complete(
    { header, claims }: VerifiedJwt,
    tokenHash: string,
    nowSeconds: number,
    started: number,
    key: unknown,
  ): VerifiedTokenCacheEntry {
    checkClaimValues(claims, rules);
    checkClaimTimes(claims, nowSeconds, rules);
    const frozenClaims = deepFreeze(claims) as VerifiedToken['claims'];
    const entry = new VerifiedTokenCacheEntry(
      Object.freeze({ header, claims: frozenClaims, tokenHash, cached: false }),
      key,
    );
    if (cache !== undefined && started === generation) cache.set(tokenHash, entry);
    return entry;
  }

  /**
   * Verifies in full, or joins the verification of the same token already running. When the key
   * is at hand (already imported) the verification completes in this tick and nothing can join
   * it; only a verification that waits (a key import or fetch, HS256 on WebCrypto) is shared.
   */
  function verifyOnce(token: string, tokenHash: string, nowMs: number): VerifiedToken | Promise<VerifiedToken> {
    const nowSeconds = Math.floor(nowMs / 1000);
    const running = inflight.get(tokenHash);
    if (running !== undefined) {
      // Joined: this call skipped the key lookup and the signature check (`cached: true`). The
      // static claim checks are the same for everyone; the clock is this call's own, as on a
      // cache hit (it may be later than the first call's).
      return running.then((entry) => {
        checkClaimTimes(entry.hit.claims, nowSeconds, rules);
        return entry.hit;
      });
    }
    // Captured before the verification: a reloadKeys() meanwhile keeps its result out of the cache.
    const started = generation;
    // Records the key the signature is checked with, so a cache hit can be bound to it.
    let usedKey: unknown;
    const getKey: KeyLookup = (header) => {
      const key = keys.getKey(header);
      if (key instanceof Promise) return key.then((value) => ((usedKey = value), value));
      usedKey = key;
      return key;
    };
    const result = verifyCompactJwsMaybeSync(token, policy, getKey, { rules: jwtRules, nowSeconds }, headers);
    if (!(result instanceof Promise)) return complete(result, tokenHash, nowSeconds, started, usedKey).fresh;
    const pending = result.then((verified) => complete(verified, tokenHash, nowSeconds, started, usedKey));
    inflight.set(tokenHash, pending);
    const settle = (): void => {
      // reloadKeys() may have replaced the map entry meanwhile: only remove our own.
      if (inflight.get(tokenHash) === pending) inflight.delete(tokenHash);
    };
    pending.then(settle, settle);
    return pending.then((entry) => entry.fresh);
  }

  /**
   * `verify` without the promise when none is needed: a cache hit whose revocation store answers
   * synchronously is decided in the calling tick (the token is returned, or the error thrown).
   * Everything else returns a promise. The checks are the same on both paths.
   */
  function verifyMaybeSync(token: string): VerifiedToken | Promise<VerifiedToken> {
    if (typeof token !== 'string' || token.length === 0) {
      throw new PortcullisError('ERR_MALFORMED_TOKEN', { reason: 'token is not a non-empty string' });
    }
    // Before hashing, before the cache, before decoding: oversized input costs nothing.
    if (token.length > policy.maxTokenSize) {
      throw new PortcullisError('ERR_MALFORMED_TOKEN', {
        reason: `token longer than maxTokenSize (${policy.maxTokenSize})`,
      });
    }
    const nowMs = readClock();
    const tokenHash = hashToken(token);
    // Every refusal from here on names the credential by this hash (the audit trail needs it, and
    // it is computed once).
    let outcome: VerifiedToken | Promise<VerifiedToken>;
    try {
      outcome = decide(token, tokenHash, nowMs);
    } catch (error) {
      throw withTokenHash(error, tokenHash);
    }
    if (!(outcome instanceof Promise)) return outcome;
    return outcome.catch((error: unknown) => {
      throw withTokenHash(error, tokenHash);
    });
  }

  /** The cache, the full verification and revocation for a token of known hash. */
  function decide(token: string, tokenHash: string, nowMs: number): VerifiedToken | Promise<VerifiedToken> {
    let entry = cache?.get(tokenHash);
    if (entry !== undefined && keysCanChange && !keyStillServes(entry)) {
      // The key set moved on (the key was removed or replaced, or the set is past its max age and
      // must be refetched): verify in full against the current keys (SPEC 175).
      cache!.delete(tokenHash);
      entry = undefined;
    }
    if (entry === undefined) {
      const verified = verifyOnce(token, tokenHash, nowMs);
      if (revocation === undefined) return verified;
      return verified instanceof Promise
        ? verified.then((value) => checkRevocation(revocation, value, revocationTimeout))
        : checkRevocation(revocation, verified, revocationTimeout);
    }
    // A hit skips the signature and the static claim checks, never the clock: the entry is held
    // to exp/nbf/iat/maxTokenAge as of now, and dropped once it fails them.
    try {
      checkClaimTimes(entry.hit.claims, Math.floor(nowMs / 1000), rules);
    } catch (error) {
      cache!.delete(tokenHash);
      throw error;
    }
    // Revocation runs on every call, cached or not: a revoked token must stop working at once.
    return revocation === undefined ? entry.hit : checkRevocation(revocation, entry.hit, revocationTimeout);
  }

  /**
   * Whether the current key set still yields, synchronously, the very key this entry was verified
   * with. A promise means the set must be (re)fetched or does not know the kid: not served from
   * the cache. Cheap on the hot path: the resolver's fresh-set lookup is a couple of Map reads.
   */
  function keyStillServes(entry: VerifiedTokenCacheEntry): boolean {
    let current: unknown;
    try {
      current = keys.getKey(entry.hit.header as { alg: string; kid?: string });
    } catch {
      return false;
    }
    if (current instanceof Promise) {
      // The full verification that follows asks again (and joins the same fetch); this probe's
      // outcome is not needed.
      current.catch(() => undefined);
      return false;
    }
    return current === entry.key;
  }

  async function verify(token: string): Promise<VerifiedToken> {
    return verifyMaybeSync(token);
  }

  return Object.freeze({
    verify,
    verifyMaybeSync,
    async reloadKeys(): Promise<void> {
      generation++;
      cache?.clear();
      // Calls from now on verify against the reloaded keys; they must not join a verification
      // that started with the old ones.
      inflight.clear();
      try {
        await keys.reload();
      } finally {
        // Tokens verified with the old keys while the reload ran are dropped too.
        generation++;
        cache?.clear();
        inflight.clear();
      }
    },
    keySetStatus(): KeySetStatus {
      return keys.status();
    },
  });
}
