import type { VerifiedToken } from '../token/verified-token.js';

/**
 * One verified token in the cache: what `verify` returned when the token was checked in full
 * (`fresh`, `cached: false`), and what a cache hit returns (`hit`, `cached: true`, the same frozen
 * header and claims).
 *
 * One object per verified token, and `hit` made on the first hit only: with many distinct tokens
 * most entries are never hit (each costs one object less), and the cache's bookkeeping (`stamp`)
 * lives here instead of in a wrapper.
 *
 * @example
 * ```ts
 * const entry = new VerifiedTokenCacheEntry(Object.freeze({ header, claims, tokenHash, cached: false }), key);
 * entry.hit.cached; // true
 * ```
 */
export class VerifiedTokenCacheEntry {
  /** The cache's clock when this entry last reached the young end (see {@link VerifiedTokenCache.get}). */
  stamp = 0;
  #hit: VerifiedToken | undefined;

  constructor(
    /** What `verify` returned when the token was checked in full (`cached: false`). */
    readonly fresh: VerifiedToken,
    /**
     * The key the signature was verified with. For key sets that can change (a remote JWKS), a hit
     * is served only while the current key set still yields this very key for the token's header.
     */
    readonly key?: unknown,
  ) {}

  /** What a cache hit returns (`cached: true`): made once, on first use, and frozen. */
  get hit(): VerifiedToken {
    let hit = this.#hit;
    if (hit === undefined) {
      const { header, claims, tokenHash } = this.fresh;
      hit = this.#hit = Object.freeze({ header, claims, tokenHash, cached: true });
    }
    return hit;
  }
}

/**
 * A bounded, least-recently-used map from token hash to verified token (an approximate LRU: see
 * {@link VerifiedTokenCache.get}).
 *
 * It only stores and evicts. Time rules (an entry never serves past `exp` + tolerance, and `nbf`,
 * `iat` and `maxTokenAge` are re-checked against the clock) are applied by the verifier on every
 * hit with the same function it uses after a full verification, so the two paths cannot drift.
 *
 * Keys are SHA-256 hashes, never tokens: a heap dump or a debugger shows no usable credential.
 *
 * @example
 * ```ts
 * const cache = new VerifiedTokenCache(10_000);
 * cache.set(tokenHash, entry);
 * cache.get(tokenHash)?.hit;
 * ```
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, VerifiedTokenCacheEntry>();
  readonly #maxEntries: number;
  /** Bumped by every insertion or move to the young end: the position of the young end. */
  #clock = 0;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /**
   * The entry, marked as used; `undefined` on a miss. Moving an entry to the young end costs a Map
   * delete and insert, so an entry used again while it is still among the youngest quarter of
   * moves is left where it is: a hot token costs one Map read per request. The price is a slightly
   * looser LRU: an entry stays cached while fewer than `maxEntries − ⌊maxEntries / 4⌋` other tokens
   * were used since its last use (strict LRU: `maxEntries`; caches under 4 entries are strict).
   */
  get(tokenHash: string): VerifiedTokenCacheEntry | undefined {
    const entry = this.#entries.get(tokenHash);
    if (entry === undefined) return undefined;
    if (this.#clock - entry.stamp > this.#maxEntries >>> 2) {
      // Map keeps insertion order: re-inserting moves the entry to the young end.
      this.#entries.delete(tokenHash);
      this.#entries.set(tokenHash, entry);
      entry.stamp = ++this.#clock;
    }
    return entry;
  }

  /** Stores an entry, evicting the least recently used ones beyond `maxEntries`. */
  set(tokenHash: string, entry: VerifiedTokenCacheEntry): void {
    this.#entries.delete(tokenHash);
    entry.stamp = ++this.#clock;
    this.#entries.set(tokenHash, entry);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      this.#entries.delete(oldest.value);
    }
  }

  /** Whether an entry is cached, without marking it as used. */
  has(tokenHash: string): boolean {
    return this.#entries.has(tokenHash);
  }

  delete(tokenHash: string): void {
    this.#entries.delete(tokenHash);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
