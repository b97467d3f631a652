/**
 * Expected answers, written down independently of the library: the status of each Portcullis
 * code, its fixed description and the exact RFC 6750 challenge it must carry (SPEC §0.3). The
 * runner never asks @portcullis/core how a challenge should look — if the library changed its
 * wording or dropped an attribute, these tables would catch it.
 */
import type { Expectation, Outcome } from './types.js';

/** Status and description of every Portcullis code (ARCHITECTURE.md, SPEC §0.3). */
export const CODE_TABLE: Readonly<Record<string, { readonly status: number; readonly error?: string; readonly description: string }>> = {
  ERR_MISSING_TOKEN: { status: 401, description: 'Authentication required' },
  ERR_INVALID_REQUEST: { status: 400, error: 'invalid_request', description: 'The request is malformed' },
  ERR_MALFORMED_TOKEN: { status: 401, error: 'invalid_token', description: 'The access token is malformed' },
  ERR_ALGORITHM_NOT_ALLOWED: { status: 401, error: 'invalid_token', description: 'The access token uses a disallowed algorithm' },
  ERR_INVALID_TOKEN_TYPE: { status: 401, error: 'invalid_token', description: 'The token is not an access token' },
  ERR_KEY_NOT_FOUND: { status: 401, error: 'invalid_token', description: 'The access token signing key is unknown' },
  ERR_SIGNATURE_INVALID: { status: 401, error: 'invalid_token', description: 'The access token signature is invalid' },
  ERR_TOKEN_EXPIRED: { status: 401, error: 'invalid_token', description: 'The access token expired' },
  ERR_TOKEN_NOT_YET_VALID: { status: 401, error: 'invalid_token', description: 'The access token is not yet valid' },
  ERR_CLAIM_INVALID: { status: 401, error: 'invalid_token', description: 'The access token claims are invalid' },
  ERR_TOKEN_REVOKED: { status: 401, error: 'invalid_token', description: 'The access token was revoked' },
  ERR_INSUFFICIENT_SCOPE: { status: 403, error: 'insufficient_scope', description: 'The access token lacks a required scope' },
  ERR_FORBIDDEN: { status: 403, description: 'Access to this resource is not permitted' },
  ERR_NO_RULE: { status: 403, description: 'Access to this resource is not permitted' },
  ERR_NOT_FOUND: { status: 404, description: 'Not found' },
  ERR_KEYS_UNAVAILABLE: { status: 503, description: 'The token signing keys are temporarily unavailable' },
  ERR_REVOCATION_UNAVAILABLE: { status: 503, description: 'Token revocation status is temporarily unavailable' },
  ERR_INTERNAL: { status: 500, description: 'Internal error' },
};

/** Challenge wording of a target. */
export interface ChallengeProfile {
  readonly realm: string;
  readonly resourceMetadata?: string;
}

/**
 * The exact `WWW-Authenticate` a Portcullis code must carry (SPEC §0.3), or `null` for none:
 * - no credentials → `Bearer realm="…"` (no `error`, RFC 6750 §3.1);
 * - 400 → `error="invalid_request"`; 401 → `error="invalid_token"`; 403 scope → `insufficient_scope` + `scope`;
 * - `resource_metadata` (RFC 9728 §5.1) on 401 and 403 challenges when the target configures it;
 * - role/tenant/ownership denials, 404, 5xx → no challenge.
 */
export function expectedChallenge(code: string, profile: ChallengeProfile, scope?: string): string | null {
  const entry = CODE_TABLE[code];
  if (!entry) return null;
  const params = [`realm="${profile.realm}"`];
  if (code !== 'ERR_MISSING_TOKEN') {
    if (!entry.error) return null;
    params.push(`error="${entry.error}"`, `error_description="${entry.description}"`);
    if (entry.error === 'insufficient_scope' && scope) params.push(`scope="${scope}"`);
  }
  if (profile.resourceMetadata && (entry.status === 401 || entry.status === 403)) {
    params.push(`resource_metadata="${profile.resourceMetadata}"`);
  }
  return `Bearer ${params.join(', ')}`;
}

const outcome = (code: string, scope?: string): Outcome => ({
  status: CODE_TABLE[code]!.status,
  code,
  ...(scope ? { scope } : {}),
});

/** An expectation with one or more acceptable Portcullis codes. */
export function deny(...codes: string[]): Expectation {
  return { oneOf: codes.map((c) => outcome(c)) };
}

/** 401 without `error` (no credentials, SPEC CH0). */
export const missingToken = (): Expectation => deny('ERR_MISSING_TOKEN');

/** 400 `invalid_request`. */
export const invalidRequest = (): Expectation => deny('ERR_INVALID_REQUEST');

/** 401 `invalid_token` with any of these codes. */
export const invalidToken = (...codes: string[]): Expectation => deny(...codes);

/** Every code that is an RFC 6750 `invalid_token` (for cases where SPEC only says "401"). */
export const ANY_INVALID_TOKEN = [
  'ERR_MALFORMED_TOKEN',
  'ERR_ALGORITHM_NOT_ALLOWED',
  'ERR_INVALID_TOKEN_TYPE',
  'ERR_KEY_NOT_FOUND',
  'ERR_SIGNATURE_INVALID',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_NOT_YET_VALID',
  'ERR_CLAIM_INVALID',
  'ERR_TOKEN_REVOKED',
] as const;

/** 403 `insufficient_scope` with `scope="…"`. */
export const insufficientScope = (scope: string): Expectation => ({ oneOf: [outcome('ERR_INSUFFICIENT_SCOPE', scope)] });

/** 403 role / tenant / policy denial, no challenge. */
export const forbidden = (): Expectation => deny('ERR_FORBIDDEN');

/** 404 — "not yours" and "does not exist" alike. */
export const notFound = (): Expectation => deny('ERR_NOT_FOUND');

/** A successful answer (the handler ran). */
export const allowed = (status = 200, check?: Expectation['check']): Expectation => ({
  oneOf: [{ status, code: '*', downstream: 'ran', ...(check ? { check } : {}) }],
});

/**
 * An answer that is not Portcullis's (HTTP parser, router, app validation): statuses only, no
 * `WWW-Authenticate`. `downstream` and `check` apply to these outcomes only.
 */
export const other = (
  statuses: readonly number[],
  extra: { downstream?: Outcome['downstream']; check?: Outcome['check']; resetIsRefusal?: boolean } = {},
): Expectation => ({
  oneOf: statuses.map((status) => ({
    status,
    code: '*',
    ...(extra.downstream ? { downstream: extra.downstream } : {}),
    ...(extra.check ? { check: extra.check } : {}),
  })),
  challenge: null,
  ...(extra.resetIsRefusal ? { resetIsRefusal: true } : {}),
});

/**
 * Accepts any outcome of several expectations. Per-outcome rules (downstream, check) travel with
 * their outcomes; expectation-level `check` and `challenge` are only kept when all agree.
 */
export function either(...expectations: Expectation[]): Expectation {
  const challenge = expectations.find((e) => e.challenge !== undefined)?.challenge;
  return {
    oneOf: expectations.flatMap((e) => e.oneOf.map((o) => ({ ...(e.downstream && !o.downstream ? { downstream: e.downstream } : {}), ...(e.check && !o.check ? { check: e.check } : {}), ...o }))),
    ...(challenge !== undefined ? { challenge } : {}),
    ...(expectations.some((e) => e.resetIsRefusal) ? { resetIsRefusal: true } : {}),
  };
}
