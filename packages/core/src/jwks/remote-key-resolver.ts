import type { CryptoKey } from 'jose';
import type { KeySetStatus } from '../token/access-token-verifier.js';
import type { ResolvedRemoteJwksOptions } from '../internal/jwks-remote-options.js';
import { fetchJwkSetDocument } from '../internal/jwks-fetch.js';
import { readJwkSet } from '../internal/jwks-read-key-set.js';
import { describeMiss, KeySetIndex } from '../internal/key-set-index.js';
import type { KeySetEntry } from '../internal/jwks-read-key-set.js';
import { keyNotFound, keysUnavailable } from '../internal/key-errors.js';
import { readKeyHeader } from '../internal/key-header.js';
import type { KeyResolver } from './create-key-resolver.js';

interface CachedSet {
  readonly index: KeySetIndex;
  /** `now()` when the set was fetched. */
  readonly fetchedAt: number;
}

/**
 * Key resolver over a remote JWK Set (`jwksUri`), built by `createKeyResolver`.
 *
 * The cache follows these rules (SPEC A26, A27, B12):
 * - a fetched set is fresh for `cacheMaxAge`; the first lookup after that refetches and waits for
 *   the answer (no stale-while-revalidate: a removed key must stop working once the max age is
 *   over, SPEC 175);
 * - single flight: every lookup that needs the key server while a fetch is running waits for that
 *   fetch instead of starting another (SPEC 167: 50 callers, 1 fetch);
 * - an unknown `kid` refetches only when `cooldown` has passed since the last fetch ended, so
 *   random `kid`s cost the key server at most one request per cooldown (SPEC 64);
 * - a failed fetch (network, timeout, non-200, oversized, not JSON, set rejected) never replaces
 *   the cached set (SPEC 168); known keys keep working until `cacheMaxAge + maxStale`, then 503;
 *   after a failure the key server is not asked again before `cooldown` has passed;
 * - when the key server is failing, a `kid` the cached set does not know gets 503, not 401: the
 *   resource server could not decide whether the key exists (SPEC 165);
 * - a clock that stepped backwards (NTP correction, VM resume) makes the set's age and the time
 *   since the last fetch negative, i.e. unknown: the set is then neither fresh nor a stale
 *   fallback, and the cooldown is over. Read as "younger than cacheMaxAge", a negative age would
 *   keep a removed key verifying (and new kids refused) for as long as the clock stepped back.
 *
 * @example
 * ```ts
 * // Built for you by createKeyResolver({ issuer, audience, jwksUri, remoteJwks }):
 * const resolver = createKeyResolver({ issuer, audience, jwksUri: 'https://issuer.example.com/jwks' });
 * await resolver.getKey({ alg: 'ES256', kid: 'k1' }); // fetched once, then cached
 * ```
 */
export class RemoteKeyResolver implements KeyResolver {
  readonly symmetric = false;
  private current: CachedSet | undefined;
  private inflight: Promise<void> | undefined;
  /** `now()` when the last fetch ended, successful or not. */
  private lastFetchAt: number | undefined;
  private lastFetchFailed = false;
  private lastFailure: unknown;
  /** Bumped by `reload()`: a fetch started before it must not install its (possibly old) set. */
  private generation = 0;

  constructor(
    private readonly options: ResolvedRemoteJwksOptions,
    private readonly algorithms: ReadonlySet<string>,
    private readonly now: () => number,
  ) {}

  /**
   * The key, synchronously when the cached set is fresh and already holds the imported key (the
   * hot path: the same decision the lookup below makes first); a promise otherwise.
   */
  getKey(header: { alg: string; kid?: string }): CryptoKey | Promise<CryptoKey> {
    try {
      const set = this.current;
      if (set !== undefined && isYounger(this.now() - set.fetchedAt, this.options.cacheMaxAge)) {
        const { alg, kid } = readKeyHeader(header, this.algorithms);
        const selection = set.index.select(alg, kid);
        if (selection.kind === 'found') {
          const key = set.index.importedKey(selection.entry, alg);
          if (key !== undefined) return key;
        }
      }
    } catch {
      // The full lookup below decides and rejects with the right error.
    }
    return this.lookup(header);
  }

  private async lookup(header: { alg: string; kid?: string }): Promise<CryptoKey> {
    const { alg, kid } = readKeyHeader(header, this.algorithms);
    let waited = false; // at most one fetch (started or joined) per lookup
    for (;;) {
      const now = this.now();
      const set = this.current;
      if (set !== undefined && isYounger(now - set.fetchedAt, this.options.cacheMaxAge)) {
        const selection = set.index.select(alg, kid);
        if (selection.kind === 'found') return this.importKey(set.index, selection.entry, alg);
        if (selection.kind === 'unknown' && !waited) {
          if (this.inflight !== undefined || this.cooldownOver(now)) {
            waited = await this.awaitFetch();
            continue;
          }
        }
        if (selection.kind === 'unknown' && this.lastFetchFailed) {
          throw this.unavailable(now, 'signing key unknown to the cached key set and the key server is failing');
        }
        throw keyNotFound(describeMiss(selection));
      }

      // No set yet, or past its max age: ask the key server (once), unless it failed within the cooldown.
      if (!waited && (this.inflight !== undefined || !this.lastFetchFailed || this.cooldownOver(now))) {
        waited = await this.awaitFetch();
        continue;
      }
      if (set !== undefined && isYounger(now - set.fetchedAt, this.options.cacheMaxAge + this.options.maxStale)) {
        // Stale-if-error: the last good set still decides for the keys it knows.
        const selection = set.index.select(alg, kid);
        if (selection.kind === 'found') return this.importKey(set.index, selection.entry, alg);
        if (selection.kind === 'unknown') {
          throw this.unavailable(now, 'signing key unknown to the stale key set and the key server is failing');
        }
        throw keyNotFound(`stale key set: ${describeMiss(selection)}`);
      }
      throw this.unavailable(
        now,
        set === undefined ? 'no key set could be fetched yet' : 'key set is older than cacheMaxAge + maxStale',
      );
    }
  }

  async reload(): Promise<void> {
    // After a key compromise the old set must not survive a failed reload: drop it first, so
    // lookups fail closed (503) until the key server answers.
    this.generation += 1;
    this.current = undefined;
    this.inflight = undefined;
    this.lastFetchAt = undefined;
    this.lastFetchFailed = false;
    // A reload() called meanwhile discards this one's fetch (its result is never installed): wait
    // for the newest fetch instead, so that this call settles with the outcome of the set actually
    // in place, never with a success while no set is installed.
    let generation: number;
    do {
      generation = this.generation;
      await this.refresh();
    } while (generation !== this.generation);
    if (this.lastFetchFailed) throw this.unavailable(this.now(), 'key set reload failed');
  }

  status(): KeySetStatus {
    const set = this.current;
    if (set === undefined) return { source: 'remote', state: 'unavailable', keyCount: 0 };
    const age = this.now() - set.fetchedAt;
    const state = isYounger(age, this.options.cacheMaxAge)
      ? 'fresh'
      : isYounger(age, this.options.cacheMaxAge + this.options.maxStale)
        ? 'stale'
        : 'unavailable';
    return { source: 'remote', state, keyCount: set.index.usableCount, fetchedAt: set.fetchedAt };
  }

  private cooldownOver(now: number): boolean {
    if (this.lastFetchAt === undefined) return true;
    const since = now - this.lastFetchAt;
    // A negative interval means the clock stepped back: the cooldown cannot be measured, so it is over.
    return since < 0 || since >= this.options.cooldown;
  }

  /**
   * Waits for a fetch (started or joined). Returns `false` when `reload()` superseded that fetch
   * meanwhile, so the caller may wait once more, for the reload's own fetch.
   */
  private async awaitFetch(): Promise<boolean> {
    const generation = this.generation;
    await this.refresh();
    return generation === this.generation;
  }

  /** Starts a fetch, or joins the one running. Never rejects: the outcome is recorded in the state. */
  private refresh(): Promise<void> {
    if (this.inflight !== undefined) return this.inflight;
    const generation = this.generation;
    const run = async (): Promise<void> => {
      let index: KeySetIndex | undefined;
      let failure: unknown;
      try {
        const document = await fetchJwkSetDocument(this.options);
        index = new KeySetIndex(readJwkSet(document), this.current?.index);
      } catch (error) {
        failure = error;
      }
      if (generation !== this.generation) return; // superseded by reload()
      const now = this.now();
      this.lastFetchAt = now;
      if (index === undefined) {
        this.lastFetchFailed = true;
        this.lastFailure = failure;
      } else {
        this.current = { index, fetchedAt: now };
        this.lastFetchFailed = false;
        this.lastFailure = undefined;
      }
    };
    const pending = run().finally(() => {
      if (this.inflight === pending) this.inflight = undefined;
    });
    this.inflight = pending;
    return pending;
  }

  private async importKey(index: KeySetIndex, entry: KeySetEntry, alg: string): Promise<CryptoKey> {
    try {
      return await index.importKey(entry, alg);
    } catch (cause) {
      throw keyNotFound('key set member could not be imported for this algorithm', cause);
    }
  }

  private unavailable(now: number, reason: string) {
    const waitMs = this.lastFetchAt === undefined ? 0 : this.lastFetchAt + this.options.cooldown - now;
    return keysUnavailable(waitMs / 1000, reason, this.lastFailure);
  }
}

/** Whether an age in ms is known (not negative: the clock did not step back) and under `limit`. */
function isYounger(age: number, limit: number): boolean {
  return age >= 0 && age < limit;
}
