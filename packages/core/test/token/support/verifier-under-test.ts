import { expect } from '@jest/globals';
import { ERROR_CATALOG, PortcullisError } from '../../../src/errors/portcullis-error.js';
import type { PortcullisErrorCode } from '../../../src/errors/portcullis-error.js';
import { buildAccessTokenVerifier } from '../../../src/internal/build-access-token-verifier.js';
import type { VerifierKeySource } from '../../../src/internal/build-access-token-verifier.js';
import { validateVerifierOptions } from '../../../src/internal/validate-verifier-options.js';
import { createKeyResolver } from '../../../src/jwks/create-key-resolver.js';
import type { AccessTokenVerifier } from '../../../src/token/access-token-verifier.js';
import { createAccessTokenVerifier } from '../../../src/token/create-access-token-verifier.js';
import type { VerifierOptions } from '../../../src/token/verifier-options.js';

/** 2030-01-01T00:00:00Z: every test issuer in these suites is frozen here unless a test moves it. */
export const T_FIXED = Date.parse('2030-01-01T00:00:00Z');
export const NOW = Math.floor(T_FIXED / 1000);

/** A key source wrapper that counts lookups and can be switched off ("the key is gone"). */
export interface ControlledKeySource extends VerifierKeySource {
  lookups: number;
  reloads: number;
  /** When false, every lookup fails with ERR_KEY_NOT_FOUND, as if the key left the key set. */
  enabled: boolean;
}

export function controlled(inner: VerifierKeySource): ControlledKeySource {
  const source: ControlledKeySource = {
    lookups: 0,
    reloads: 0,
    enabled: true,
    getKey(header) {
      source.lookups++;
      if (!source.enabled) throw new PortcullisError('ERR_KEY_NOT_FOUND', { reason: 'test: key source switched off' });
      return inner.getKey(header);
    },
    async reload() {
      source.reloads++;
      await inner.reload();
    },
    status: () => inner.status(),
  };
  return source;
}

/**
 * The verifier under test: `createAccessTokenVerifier` itself, or — when a test needs to watch or
 * switch off key lookups — the same assembly (validated options + the real key resolver) with the
 * resolver wrapped.
 */
export function makeVerifier(
  options: VerifierOptions,
  wrap?: (source: VerifierKeySource) => VerifierKeySource,
): AccessTokenVerifier {
  if (wrap === undefined) return createAccessTokenVerifier(options);
  const resolved = validateVerifierOptions(options);
  return buildAccessTokenVerifier(resolved, wrap(createKeyResolver(options)));
}

/** Awaits a rejection and checks it is exactly the PortcullisError `code` with its catalog status. */
export async function expectCode(
  promise: Promise<unknown>,
  code: PortcullisErrorCode,
  details: { claim?: string } = {},
): Promise<PortcullisError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) throw new Error(`expected ${code}, but the promise resolved`);
  if (!(caught instanceof PortcullisError))
    throw new Error(`expected a PortcullisError ${code}, got ${String(caught)}`);
  const seen = {
    code: caught.code,
    status: caught.status,
    ...(details.claim === undefined ? {} : { claim: caught.claim }),
  };
  expect(seen).toEqual({ code, status: ERROR_CATALOG[code].status, ...details });
  return caught;
}

/** Splits a compact token into its three segments. */
export function segments(token: string): [string, string, string] {
  const [h = '', p = '', s = ''] = token.split('.');
  return [h, p, s];
}

export const b64u = (input: string | Uint8Array): string => Buffer.from(input).toString('base64url');
export const fromB64u = (input: string): Buffer => Buffer.from(input, 'base64url');
export const decodeJson = (segment: string): Record<string, unknown> =>
  JSON.parse(fromB64u(segment).toString('utf8')) as Record<string, unknown>;
