import type { CryptoKey } from 'jose';
import type { KeySetStatus } from '../token/access-token-verifier.js';
import type { VerifierOptions } from '../token/verifier-options.js';
import { SYMMETRIC_ALGORITHM } from '../internal/key-algorithms.js';
import { keyNotFound } from '../internal/key-errors.js';
import { readKeyHeader } from '../internal/key-header.js';
import type { KeyResolver } from './create-key-resolver.js';

/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output (256 bits). */
export const MIN_SECRET_BYTES = 32;

const HS256_ONLY: ReadonlySet<string> = new Set([SYMMETRIC_ALGORITHM]);

/**
 * Key resolver over a shared HS256 secret (`secret`), built by `createKeyResolver`.
 *
 * Symmetric tokens are an explicit opt-in (`allowSymmetric: true`): anyone who can verify them can
 * also mint them, so they only fit a resource server that shares a trust domain with its issuer.
 * Only `HS256` is served, and only from this secret; the secret is imported once as a
 * non-extractable HMAC `CryptoKey`, so it is not handed around as bytes.
 *
 * @example
 * ```ts
 * const resolver = createKeyResolver({ issuer, audience, secret: { key: sharedSecret, allowSymmetric: true } });
 * await resolver.getKey({ alg: 'HS256' }); // a non-extractable HMAC CryptoKey
 * ```
 */
export class SecretKeyResolver implements KeyResolver {
  readonly symmetric = true;
  private readonly secret: Uint8Array<ArrayBuffer>;
  private imported: Promise<CryptoKey> | undefined;

  constructor(secret: NonNullable<VerifierOptions['secret']>) {
    if (typeof secret !== 'object' || secret === null) {
      throw new TypeError('"secret" must be { key, allowSymmetric: true }');
    }
    if (secret.allowSymmetric !== true) {
      throw new TypeError('"secret" requires allowSymmetric: true, to confirm that HS256 tokens are wanted');
    }
    const { key } = secret;
    if (typeof key === 'string') this.secret = new TextEncoder().encode(key);
    else if (key instanceof Uint8Array) this.secret = new Uint8Array(key);
    else throw new TypeError('"secret.key" must be a string or a Uint8Array');
    if (this.secret.byteLength < MIN_SECRET_BYTES) {
      throw new TypeError(
        `"secret.key" must be at least ${MIN_SECRET_BYTES} bytes (256 bits) of random data, e.g. from: openssl rand -base64 48`,
      );
    }
  }

  async getKey(header: { alg: string; kid?: string }): Promise<CryptoKey> {
    readKeyHeader(header, HS256_ONLY);
    this.imported ??= crypto.subtle.importKey('raw', this.secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    try {
      return await this.imported;
    } catch (cause) {
      this.imported = undefined;
      throw keyNotFound('HS256 secret could not be imported', cause);
    }
  }

  /** A secret does not change: nothing to reload. */
  async reload(): Promise<void> {}

  status(): KeySetStatus {
    return { source: 'secret', state: 'fresh', keyCount: 1 };
  }
}
