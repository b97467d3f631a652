// The two header members a key lookup reads, checked before any lookup or fetch.

import { keyNotFound } from './key-errors.js';
import { MAX_KID_LENGTH } from './jwks-read-key-set.js';

/** `alg` and `kid` of a token header that passed the checks of {@link readKeyHeader}. */
export interface KeyHeader {
  readonly alg: string;
  readonly kid: string | undefined;
}

/**
 * Reads `alg` and `kid`. Throws `ERR_KEY_NOT_FOUND` when `alg` is not one this key source may
 * serve, or when `kid` is not a string of sane length (RFC 7515 §4.1.4; SPEC 65, 68): such a
 * token never causes a key-server fetch, so junk `kid`s cannot be used to hammer it.
 */
export function readKeyHeader(header: unknown, algorithms: ReadonlySet<string>): KeyHeader {
  if (typeof header !== 'object' || header === null) throw keyNotFound('token header is not an object');
  const { alg, kid } = header as { alg?: unknown; kid?: unknown };
  if (typeof alg !== 'string' || !algorithms.has(alg))
    throw keyNotFound('token algorithm is not served by this key source');
  if (kid === undefined) return { alg, kid: undefined };
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > MAX_KID_LENGTH) {
    throw keyNotFound(`token "kid" is not a string of 1 to ${MAX_KID_LENGTH} characters`);
  }
  return { alg, kid };
}
