// Why node:crypto here: its hashing is synchronous. WebCrypto's `crypto.subtle.digest` returns a
// promise, which would add an async hop (a microtask turn plus a buffer copy) to every request just
// to look up the verified-token cache. The one-shot `hash()` (Node ≥ 20.12) computes the same
// SHA-256 in one native call, without a Hash object: about half the cost of
// `createHash().update().digest()` on a token-sized input, on every request.
import { hash } from 'node:crypto';

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
  return hash('sha256', token, 'base64url');
}
