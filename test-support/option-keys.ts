import type { PortcullisOptions, VerifierOptions } from '@portcullis/core';

/**
 * Every option of core's verifier, for the README tests that require a table row per option.
 * Compile-time exhaustive: a new `VerifierOptions` member without an entry here does not typecheck,
 * and each README's options test then asks for a row for it.
 */
export const VERIFIER_OPTION_KEYS: Readonly<Record<keyof VerifierOptions, true>> = {
  issuer: true,
  audience: true,
  audienceClaim: true,
  jwksUri: true,
  remoteJwks: true,
  jwks: true,
  keys: true,
  secret: true,
  algorithms: true,
  typ: true,
  requiredClaims: true,
  clockTolerance: true,
  maxTokenAge: true,
  maxTokenLifetime: true,
  maxTokenSize: true,
  cache: true,
  revocation: true,
  revocationTimeout: true,
  now: true,
};

/** The options `createPortcullis` adds to the verifier's (exhaustive the same way). */
export const PORTCULLIS_OWN_OPTION_KEYS: Readonly<
  Record<Exclude<keyof PortcullisOptions, keyof VerifierOptions>, true>
> = {
  claims: true,
  roleHierarchy: true,
  claimsClientId: true,
  realm: true,
  resourceMetadata: true,
  bearer: true,
  audit: true,
};
