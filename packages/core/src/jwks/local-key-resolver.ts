import type { CryptoKey, JSONWebKeySet } from 'jose';
import type { KeySetStatus } from '../token/access-token-verifier.js';
import { JwkSetRejectedError, readJwkSet } from '../internal/jwks-read-key-set.js';
import { describeMiss, KeySetIndex } from '../internal/key-set-index.js';
import { keyNotFound } from '../internal/key-errors.js';
import { readKeyHeader } from '../internal/key-header.js';
import type { KeyResolver } from './create-key-resolver.js';

/**
 * Key resolver over a local JWK Set (`jwks`), built by `createKeyResolver`. The set is read and
 * checked once, at creation, with the same rules as a fetched set (public keys only, distinct
 * `kid`s); a bad set is a `TypeError` at start-up rather than 401s at run time. Keys are imported
 * lazily, once per algorithm.
 *
 * @example
 * ```ts
 * const resolver = createKeyResolver({ issuer, audience, jwks: { keys: [publicJwk] } });
 * await resolver.getKey({ alg: 'RS256', kid: publicJwk.kid });
 * ```
 */
export class LocalKeyResolver implements KeyResolver {
  readonly symmetric = false;
  private readonly index: KeySetIndex;

  constructor(
    jwks: JSONWebKeySet,
    private readonly algorithms: ReadonlySet<string>,
  ) {
    try {
      this.index = new KeySetIndex(readJwkSet(jwks));
    } catch (error) {
      if (error instanceof JwkSetRejectedError) {
        throw new TypeError(`"jwks" is refused: ${error.message}. Configure the public JWK Set of your issuer.`, {
          cause: error,
        });
      }
      throw error;
    }
    if (this.index.usableCount === 0) {
      const reasons = [...new Set(this.index.entries.map((entry) => entry.unusable))].join('; ');
      throw new TypeError(
        `"jwks" holds no key usable for signature verification${reasons === '' ? '' : ` (${reasons})`}`,
      );
    }
  }

  /** The key, synchronously once it has been imported (the hot path); a promise otherwise. */
  getKey(header: { alg: string; kid?: string }): CryptoKey | Promise<CryptoKey> {
    try {
      const { alg, kid } = readKeyHeader(header, this.algorithms);
      const selection = this.index.select(alg, kid);
      if (selection.kind === 'found') {
        const key = this.index.importedKey(selection.entry, alg);
        if (key !== undefined) return key;
      }
    } catch {
      // The full lookup below decides and rejects with the right error.
    }
    return this.lookup(header);
  }

  private async lookup(header: { alg: string; kid?: string }): Promise<CryptoKey> {
    const { alg, kid } = readKeyHeader(header, this.algorithms);
    const selection = this.index.select(alg, kid);
    if (selection.kind !== 'found') throw keyNotFound(`local key set: ${describeMiss(selection)}`);
    try {
      return await this.index.importKey(selection.entry, alg);
    } catch (cause) {
      throw keyNotFound('local key set member could not be imported for this algorithm', cause);
    }
  }

  /** A local set does not change: nothing to reload. */
  async reload(): Promise<void> {}

  status(): KeySetStatus {
    return { source: 'local', state: 'fresh', keyCount: this.index.usableCount };
  }
}
