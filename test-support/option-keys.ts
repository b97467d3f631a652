import type { PortcullisOptions, VerifierOptions } from '@portcullis/core';
import { VERIFIER_OPTION_NAMES } from '../packages/core/src/internal/validate-verifier-options.js';

/**
 * Every option of core's verifier, for the README tests that require a table row per option: the
 * verifier's own list of accepted options (compile-time exhaustive against `VerifierOptions`), so a
 * new member without an entry does not typecheck, and each README's options test then asks for a
 * row for it.
 */
export const VERIFIER_OPTION_KEYS: Readonly<Record<keyof VerifierOptions, true>> = VERIFIER_OPTION_NAMES;

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
