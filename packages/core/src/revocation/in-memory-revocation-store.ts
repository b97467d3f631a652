import { PortcullisError } from '../errors/portcullis-error.js';
import type { RevocationQuery, RevocationStore } from './revocation-store.js';

/**
 * Options of {@link InMemoryRevocationStore}.
 *
 * @example
 * ```ts
 * const options: InMemoryRevocationStoreOptions = { maxEntries: 100_000, leeway: 60 };
 * ```
 */
export interface InMemoryRevocationStoreOptions {
  /** Clock in milliseconds since the epoch (share the verifier's in tests). A non-finite reading makes the store throw (the verifier answers 503), never "not revoked". @default Date.now */
  readonly now?: () => number;
  /**
   * Maximum number of revoked `jti`s kept, and (separately) of subject-wide revocations. When full,
   * expired entries are swept; if it is still full, `revokeToken` / `revokeSubject` throws
   * `ERR_REVOCATION_UNAVAILABLE` — a live revocation is never evicted, because forgetting it would
   * silently make a revoked token valid again. @default 1_000_000
   */
  readonly maxEntries?: number;
  /**
   * Seconds an entry is kept past its `expiresAt` / `retainUntil`. The verifier accepts a token
   * until `exp` plus its clock tolerance, so the revocation must outlive `exp` by at least that
   * much: a verifier whose `clockTolerance` is larger refuses this store at creation. @default 60
   */
  readonly leeway?: number;
}

const KEYS = ['now', 'maxEntries', 'leeway'];

/**
 * The default, single-process {@link RevocationStore}: revoked `jti`s and subject-wide
 * "issued at or before T" revocations, answered synchronously in O(1).
 *
 * Memory: one `Map` entry per revoked `jti` holding a small integer (the expiry relative to the
 * store's creation, which V8 keeps unboxed) — about 100 bytes per entry with 36-character ids.
 * Expired entries are dropped lazily when looked up and by a sweep that runs on writes once the
 * writes since the last sweep reach half the entries (amortised O(1) per write); `sweep()` runs it
 * on demand. No timer is used, so the store never keeps a process alive.
 *
 * Several processes need a shared store (e.g. Redis) instead: revocations here are per process.
 *
 * @example
 * ```ts
 * const store = new InMemoryRevocationStore();
 * const portcullis = createPortcullis({ issuer, audience, jwksUri, revocation: store });
 * // POST /sessions/logout
 * store.revokeToken(principal.tokenId!, principal.expiresAt!);
 * // POST /admin/users/:sub/revoke-tokens: every token issued up to now, including this second
 * store.revokeSubject(sub, Math.floor(Date.now() / 1000), Math.floor(Date.now() / 1000) + 86_400);
 * ```
 */
export class InMemoryRevocationStore implements RevocationStore {
  readonly #now: () => number;
  readonly #maxEntries: number;
  readonly #leeway: number;
  /** Seconds since the epoch at creation: expiries are stored relative to it to stay small ints. */
  readonly #base: number;
  /** jti → (expiresAt + leeway − base), seconds. */
  readonly #tokens = new Map<string, number>();
  /** sub → [issuedAtOrBefore, forgetAt (absolute seconds)]. */
  readonly #subjects = new Map<string, readonly [number, number]>();
  #writesSinceSweep = 0;

  constructor(options: InMemoryRevocationStoreOptions = {}) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('InMemoryRevocationStore options must be an object');
    for (const key of Object.keys(options)) {
      if (!KEYS.includes(key))
        throw new TypeError(`InMemoryRevocationStore: unknown option '${key}'; expected ${KEYS.join(', ')}`);
    }
    const { now = Date.now, maxEntries = 1_000_000, leeway = 60 } = options;
    if (typeof now !== 'function')
      throw new TypeError("InMemoryRevocationStore: 'now' must be a function returning milliseconds");
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError("InMemoryRevocationStore: 'maxEntries' must be a positive integer");
    }
    if (typeof leeway !== 'number' || !Number.isFinite(leeway) || leeway < 0) {
      throw new TypeError("InMemoryRevocationStore: 'leeway' must be a number of seconds >= 0");
    }
    this.#now = now;
    this.#maxEntries = maxEntries;
    this.#leeway = leeway;
    this.#base = Math.floor(this.#nowSeconds());
  }

  /**
   * Seconds an entry is kept past its expiry (the `leeway` option). The verifier refuses a store
   * whose leeway is shorter than its `clockTolerance`.
   */
  get leeway(): number {
    return this.#leeway;
  }

  /** Number of revoked `jti`s currently held (expired ones may linger until swept). */
  get size(): number {
    return this.#tokens.size;
  }

  /** Number of subject-wide revocations currently held. */
  get subjectCount(): number {
    return this.#subjects.size;
  }

  /**
   * Revokes one token until `expiresAt` (seconds since the epoch, normally its `exp`). Throws
   * `ERR_REVOCATION_UNAVAILABLE` when the store is full of live revocations.
   */
  revokeToken(jti: string, expiresAt: number): void {
    if (typeof jti !== 'string' || jti === '') throw new TypeError("revokeToken: 'jti' must be a non-empty string");
    if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) {
      throw new TypeError("revokeToken: 'expiresAt' must be seconds since the epoch");
    }
    const forgetAt = Math.ceil(expiresAt + this.#leeway);
    const now = this.#nowSeconds();
    if (forgetAt <= now) return; // the token can no longer be accepted anyway
    const relative = forgetAt - this.#base;
    const existing = this.#tokens.get(jti);
    if (existing !== undefined) {
      if (relative > existing) this.#tokens.set(jti, relative);
      return;
    }
    this.#noteWrite(now);
    if (this.#tokens.size >= this.#maxEntries) {
      this.#sweepTokens(now);
      if (this.#tokens.size >= this.#maxEntries) {
        throw new PortcullisError('ERR_REVOCATION_UNAVAILABLE', { reason: 'in-memory revocation store is full' });
      }
    }
    this.#tokens.set(jti, relative);
  }

  /**
   * Revokes every token of `sub` with `⌊iat⌋ <= issuedAtOrBefore` (inclusive and by whole second:
   * a token issued in the revocation second is revoked too, even when its `iat` has a fraction).
   * The entry is kept until `retainUntil` (plus leeway), when no such token can still be valid.
   * Throws `ERR_REVOCATION_UNAVAILABLE` when the store holds `maxEntries` live subject revocations.
   */
  revokeSubject(sub: string, issuedAtOrBefore: number, retainUntil: number): void {
    if (typeof sub !== 'string' || sub === '') throw new TypeError("revokeSubject: 'sub' must be a non-empty string");
    if (typeof issuedAtOrBefore !== 'number' || !Number.isFinite(issuedAtOrBefore)) {
      throw new TypeError("revokeSubject: 'issuedAtOrBefore' must be seconds since the epoch");
    }
    if (typeof retainUntil !== 'number' || !Number.isFinite(retainUntil)) {
      throw new TypeError("revokeSubject: 'retainUntil' must be seconds since the epoch");
    }
    const forgetAt = retainUntil + this.#leeway;
    const now = this.#nowSeconds();
    if (forgetAt <= now) return;
    const existing = this.#subjects.get(sub);
    if (existing === undefined && this.#subjects.size >= this.#maxEntries) {
      // Same bound and same rule as for jtis: sweep, and if still full refuse (503) rather than
      // grow without limit or forget a live revocation.
      this.#sweepSubjects(now);
      if (this.#subjects.size >= this.#maxEntries) {
        throw new PortcullisError('ERR_REVOCATION_UNAVAILABLE', { reason: 'in-memory revocation store is full' });
      }
    }
    // Revocations only ever widen: a later call can never un-revoke tokens.
    const entry = existing
      ? ([Math.max(existing[0], issuedAtOrBefore), Math.max(existing[1], forgetAt)] as const)
      : ([issuedAtOrBefore, forgetAt] as const);
    this.#subjects.set(sub, entry);
    this.#noteWrite(now);
  }

  /** Whether the token is revoked. Synchronous and O(1). */
  isRevoked(query: RevocationQuery): boolean {
    const { jti, sub, iat } = query;
    // The clock is read only once an entry is found: whether a token that has no entry is revoked
    // does not depend on the time, and most lookups find none (one runtime call less per request).
    let now: number | undefined;
    if (typeof jti === 'string') {
      const relative = this.#tokens.get(jti);
      if (relative !== undefined) {
        now = this.#nowSeconds();
        if (relative + this.#base > now) return true;
        this.#tokens.delete(jti);
      }
    }
    if (typeof sub === 'string' && this.#subjects.size !== 0) {
      const entry = this.#subjects.get(sub);
      if (entry !== undefined) {
        now ??= this.#nowSeconds();
        if (entry[1] <= now) {
          this.#subjects.delete(sub);
        } else {
          // A token without a usable `iat` cannot be proven newer than the cut-off: revoked.
          if (typeof iat !== 'number' || !Number.isFinite(iat)) return true;
          // Compared by whole second: `iat` may carry a fraction (RFC 7519 §2), and a token issued at
          // T + 0.4 is "issued in the revocation second" T as much as one whose `iat` says T.
          if (Math.floor(iat) <= entry[0]) return true;
        }
      }
    }
    return false;
  }

  /** Drops every expired entry now. Returns how many entries were removed. */
  sweep(): number {
    const now = this.#nowSeconds();
    this.#writesSinceSweep = 0;
    return this.#sweepTokens(now) + this.#sweepSubjects(now);
  }

  #nowSeconds(): number {
    const ms = this.#now();
    // A clock that cannot tell the time must not decide expiry: NaN would make every revoked entry
    // look expired (and be dropped). Throwing makes the verifier answer 503, never "not revoked".
    if (typeof ms !== 'number' || !Number.isFinite(ms)) {
      throw new TypeError("InMemoryRevocationStore: 'now' returned a non-finite value");
    }
    return ms / 1000;
  }

  #noteWrite(now: number): void {
    this.#writesSinceSweep += 1;
    // Sweeping costs O(entries); doing it after entries/2 writes keeps writes amortised O(1).
    if (this.#writesSinceSweep >= 1024 && this.#writesSinceSweep >= (this.#tokens.size + this.#subjects.size) / 2) {
      this.#writesSinceSweep = 0;
      this.#sweepTokens(now);
      this.#sweepSubjects(now);
    }
  }

  #sweepTokens(now: number): number {
    const cutoff = now - this.#base;
    let removed = 0;
    for (const [jti, relative] of this.#tokens) {
      if (relative <= cutoff) {
        this.#tokens.delete(jti);
        removed += 1;
      }
    }
    return removed;
  }

  #sweepSubjects(now: number): number {
    let removed = 0;
    for (const [sub, entry] of this.#subjects) {
      if (entry[1] <= now) {
        this.#subjects.delete(sub);
        removed += 1;
      }
    }
    return removed;
  }
}
