// Lookup of a verification key by `alg` and `kid` in a read key set, with each key imported once
// per algorithm (WebCrypto keys are bound to one algorithm: an RSA key for RS256 and for PS256
// are two CryptoKeys).

import { importJWK } from 'jose';
import type { CryptoKey } from 'jose';
import { jwkFitsAlgorithm } from './key-algorithms.js';
import type { KeySetEntry } from './jwks-read-key-set.js';

/** Outcome of a lookup. Only `unknown` may justify asking the key server again. */
export type KeySelection =
  | { readonly kind: 'found'; readonly entry: KeySetEntry }
  /** No member has this `kid` (or, for a token without `kid`, none fits its `alg`). */
  | { readonly kind: 'unknown' }
  /** A member has this `kid` but cannot verify this `alg` (wrong type, `use`, `key_ops`, weak key). */
  | { readonly kind: 'unusable'; readonly reason: string }
  /** The token has no `kid` and several keys fit its `alg`. */
  | { readonly kind: 'ambiguous' };

type ImportCache = Map<string, Promise<CryptoKey>>;

/**
 * Imports that succeeded, by their promise: lets a lookup hand out the key without a promise turn.
 * Module-wide, so an import carried over to the next index of a refetched set stays ready.
 */
const ready = new WeakMap<Promise<CryptoKey>, CryptoKey>();

/** An immutable view of one key set. */
export class KeySetIndex {
  readonly entries: readonly KeySetEntry[];
  /** Members that can verify at least one algorithm. */
  readonly usableCount: number;
  private readonly byKid = new Map<string, KeySetEntry>();
  private readonly imports = new Map<string, ImportCache>();

  /**
   * @param previous the index this one replaces: imports of unchanged keys are carried over,
   *   so a refetch of the same set costs no new key imports.
   */
  constructor(entries: readonly KeySetEntry[], previous?: KeySetIndex) {
    this.entries = entries;
    this.usableCount = entries.filter((entry) => entry.jwk !== undefined).length;
    for (const entry of entries) {
      if (entry.kid !== undefined) this.byKid.set(entry.kid, entry);
      if (entry.jwk === undefined || this.imports.has(entry.fingerprint)) continue;
      this.imports.set(entry.fingerprint, previous?.imports.get(entry.fingerprint) ?? new Map());
    }
  }

  /**
   * Finds the key for a token. With a `kid`, only the member with that exact `kid` is considered
   * (a key set member without `kid` never matches a token that names one, as in jose). Without a
   * `kid`, exactly one usable key may fit the algorithm (SPEC 67: `kid` is required when the set
   * has several candidates, so a request never costs more than one signature check).
   */
  select(alg: string, kid: string | undefined): KeySelection {
    if (kid !== undefined) {
      const entry = this.byKid.get(kid);
      if (entry === undefined) return { kind: 'unknown' };
      const reason = unfitReason(entry, alg);
      return reason === undefined ? { kind: 'found', entry } : { kind: 'unusable', reason };
    }
    const fitting = this.entries.filter((entry) => unfitReason(entry, alg) === undefined);
    if (fitting.length === 0) return { kind: 'unknown' };
    if (fitting.length > 1) return { kind: 'ambiguous' };
    return { kind: 'found', entry: fitting[0]! };
  }

  /**
   * The imported key of `entry` for `alg` when its import already succeeded, else `undefined`
   * (not imported yet, still importing, or failed: call {@link KeySetIndex.importKey}).
   */
  importedKey(entry: KeySetEntry, alg: string): CryptoKey | undefined {
    const pending = this.imports.get(entry.fingerprint)?.get(alg);
    return pending === undefined ? undefined : ready.get(pending);
  }

  /**
   * The imported public key of `entry` for `alg`; the import runs once and its outcome (key or
   * failure, e.g. a point not on the curve) is remembered for the life of the key.
   */
  importKey(entry: KeySetEntry, alg: string): Promise<CryptoKey> {
    const jwk = entry.jwk;
    const cache = this.imports.get(entry.fingerprint);
    if (jwk === undefined || cache === undefined) return Promise.reject(new TypeError('key is not usable'));
    let pending = cache.get(alg);
    if (pending === undefined) {
      pending = importJWK({ ...jwk }, alg).then((key) => {
        // Defence in depth: a key set never yields a secret or private key, whatever jose returns.
        if (key instanceof Uint8Array || key.type !== 'public')
          throw new TypeError('key set member is not a public key');
        ready.set(pending!, key);
        return key;
      });
      pending.catch(() => undefined); // remembered failure; callers handle it when they await
      cache.set(alg, pending);
    }
    return pending;
  }
}

/** Log-only wording of a lookup that found no key. */
export function describeMiss(selection: Exclude<KeySelection, { kind: 'found' }>): string {
  switch (selection.kind) {
    case 'unusable':
      return `the key with this "kid" cannot verify this token: ${selection.reason}`;
    case 'ambiguous':
      return 'token without "kid" while several keys fit its algorithm (ambiguous)';
    default:
      return 'no key with this "kid" (or, without "kid", none for this algorithm)';
  }
}

/** Why `entry` cannot verify `alg`, or `undefined` when it can. */
export function unfitReason(entry: KeySetEntry, alg: string): string | undefined {
  if (entry.jwk === undefined) return entry.unusable ?? 'key is not usable';
  if (entry.alg !== undefined && entry.alg !== alg) return 'key is pinned to another algorithm';
  if (!jwkFitsAlgorithm(entry.jwk, alg)) return 'key type or curve does not fit the algorithm';
  return undefined;
}
