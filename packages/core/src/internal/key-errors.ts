// The two errors a key lookup can end with, built in one place so every key source words them
// the same way. Reasons are log-only and never carry key material, token parts or `kid` values.

import { PortcullisError } from '../errors/portcullis-error.js';

/** 401: no key of the configured source fits this token (unknown `kid`, wrong `alg`, unusable key). */
export function keyNotFound(reason: string, cause?: unknown): PortcullisError {
  return new PortcullisError('ERR_KEY_NOT_FOUND', cause === undefined ? { reason } : { reason, cause });
}

/** 503: the key server could not answer and no usable cached key decides the request. */
export function keysUnavailable(retryAfterSeconds: number, reason: string, cause?: unknown): PortcullisError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterSeconds));
  return new PortcullisError(
    'ERR_KEYS_UNAVAILABLE',
    cause === undefined ? { retryAfter, reason } : { retryAfter, reason, cause },
  );
}
