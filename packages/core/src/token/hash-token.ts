// Why node:crypto here, when the core otherwise sticks to jose and Web APIs: `createHash` is
// synchronous. WebCrypto's `crypto.subtle.digest` returns a promise, which would add an async hop
// (a microtask turn plus a buffer copy) to every request just to look up the verified-token cache.
// `node:crypto` exists on every runtime the package supports (Node ≥ 20.19), so the cost is nil.
import { createHash } from 'node:crypto';

/**
 * Hashes a raw access token to a short, non-reversible identifier: the base64url SHA-256 of the
 * token's characters. Use it wherever a token must be referred to without being exposed — cache
 * keys, logs, audit events (RFC 9700 §4.9.3: access tokens are secrets; ASVS 16.2.5).
 *
 * The hash is unsalted on purpose so that the same token maps to the same value in every log
 * line and every process; an access token carries enough entropy (a signature) that a
 * dictionary attack on the hash is not a concern.
 *
 * @param token The raw token, exactly as presented (compact JWS).
 * @returns 43 characters of base64url (no padding).
 *
 * @example
 * ```ts
 * import { hashToken } from '@portcullis/core';
 *
 * logger.info({ token: hashToken(token) }, 'token refused'); // never log `token` itself
 * ```
 */
export function hashToken(token: string): string {
  if (typeof token !== 'string') {
    throw new TypeError("'token' must be a string");
  }
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}
