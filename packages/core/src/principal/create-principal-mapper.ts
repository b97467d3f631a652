import type { JWTPayload } from 'jose';
import { PortcullisError } from '../errors/portcullis-error.js';
import { adoptSet } from '../internal/claims-immutable-set.js';
import {
  claimInvalid,
  compileClaimPath,
  readClaimPath,
  readOwnClaim,
  type CompiledClaimPath,
} from '../internal/claims-path.js';
import { addRoles, addScopes, deepFreezeClaims } from '../internal/claims-values.js';
import type { ClaimsMapping, ClaimsPreset } from './claims-mapping.js';
import { CLAIMS_PRESETS, defaultKind } from './claims-presets.js';
import type { Principal, PrincipalKind } from './principal.js';
import { toRoleHierarchy, type RoleHierarchy } from './role-hierarchy.js';

/**
 * Maps verified claims to a frozen {@link Principal}. Synchronous; throws
 * `PortcullisError('ERR_CLAIM_INVALID', { claim })` when a mapped claim has the wrong type
 * (and never any other error for bad claims).
 *
 * @example
 * ```ts
 * const toPrincipal: PrincipalMapper = createPrincipalMapper('rfc9068');
 * const principal = toPrincipal(verified.claims);
 * ```
 */
export type PrincipalMapper = (claims: Readonly<JWTPayload> & { readonly [claim: string]: unknown }) => Principal;

/**
 * Options of {@link createPrincipalMapper}.
 *
 * @example
 * ```ts
 * const options: PrincipalMapperOptions = { roleHierarchy: { admin: ['support'] }, clientId: 'orders-api' };
 * ```
 */
export interface PrincipalMapperOptions {
  /**
   * Role hierarchy applied to the granted roles (`principal.roles`); `principal.grantedRoles`
   * keeps the literal ones. A plain definition is validated with {@link createRoleHierarchy}.
   * @default no hierarchy
   */
  readonly roleHierarchy?: RoleHierarchy | Readonly<Record<string, readonly string[]>>;
  /**
   * This API's own client id, which replaces the `{clientId}` segment of claim paths (Keycloak
   * `resource_access.{clientId}.roles`): only the roles the user holds *for this API* count. Required
   * when a claim path uses `{clientId}` (a `TypeError` otherwise): the token's own client id would let
   * the calling client choose whose roles apply.
   * @default undefined (no claim path may use `{clientId}`)
   */
  readonly clientId?: string;
}

const MAPPING_KEYS: ReadonlySet<string> = new Set(['scopes', 'roles', 'tenant', 'clientId', 'kind']);
const OPTION_KEYS: ReadonlySet<string> = new Set(['roleHierarchy', 'clientId']);

function compilePaths(value: unknown, option: string, fallback: readonly string[]): readonly CompiledClaimPath[] {
  if (value === undefined) value = fallback;
  if (!Array.isArray(value)) throw new TypeError(`'${option}' must be an array of claim paths`);
  return Object.freeze(value.map((path) => compileClaimPath(path, option)));
}

function resolveMapping(mapping: ClaimsPreset | ClaimsMapping): ClaimsMapping {
  if (typeof mapping === 'string') {
    if (!Object.hasOwn(CLAIMS_PRESETS, mapping)) {
      throw new TypeError(
        `'claims' must be one of ${Object.keys(CLAIMS_PRESETS).join(', ')} or a ClaimsMapping object`,
      );
    }
    return CLAIMS_PRESETS[mapping];
  }
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
    throw new TypeError("'claims' must be a preset name or a ClaimsMapping object");
  }
  for (const key of Object.keys(mapping)) {
    if (!MAPPING_KEYS.has(key)) {
      throw new TypeError(`'claims' has an unknown key '${key}'; expected ${[...MAPPING_KEYS].join(', ')}`);
    }
  }
  return mapping;
}

/**
 * Creates the function that turns verified claims into a {@link Principal}. All claim paths are
 * parsed and validated once, here; mapping a token walks a few own properties.
 *
 * Security properties:
 * - **Fail closed on types** (SPEC 86, 91): a mapped claim present with the wrong type (`scope`
 *   as an array, roles as a string, a non-string in a role array, tenant as a number) fails the
 *   token with `ERR_CLAIM_INVALID` instead of being read as "nothing".
 * - **Exact values** (SPEC 87–89, 91): scopes are split on single spaces only, tokens that are not
 *   RFC 6749 scope-tokens are dropped, roles are kept byte for byte — no trimming, no case folding.
 * - **No prototype access** (SPEC 90): only own properties are read; `__proto__`, `constructor`
 *   and `prototype` are never followed, so a `"__proto__": { "roles": ["admin"] }` claim grants
 *   nothing and cannot pollute `Object.prototype`.
 * - **Immutable result**: the principal, its arrays and its sets are frozen (the sets are
 *   read-only wrappers, since a frozen `Set` still accepts `add`); the claims are deep-frozen in place.
 *
 * @example
 * ```ts
 * const toPrincipal = createPrincipalMapper('keycloak', { clientId: 'orders-api', roleHierarchy: { admin: ['support'] } });
 * const principal = toPrincipal(verified.claims);
 * principal.roles.has('support'); // true for an admin
 * ```
 */
export function createPrincipalMapper(
  mapping: ClaimsPreset | ClaimsMapping = 'rfc9068',
  options: PrincipalMapperOptions = {},
): PrincipalMapper {
  const resolved = resolveMapping(mapping);
  if (typeof options !== 'object' || options === null)
    throw new TypeError('createPrincipalMapper options must be an object');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key))
      throw new TypeError(`unknown principal mapper option '${key}'; expected roleHierarchy, clientId`);
  }
  const scopePaths = compilePaths(resolved.scopes, 'claims.scopes', ['scope']);
  const rolePaths = compilePaths(resolved.roles, 'claims.roles', ['roles']);
  const clientIdPaths = compilePaths(resolved.clientId, 'claims.clientId', ['client_id']);
  if (clientIdPaths.some((p) => p.segments.some((s) => typeof s !== 'string'))) {
    throw new TypeError("'claims.clientId' paths may not use {clientId}");
  }
  const tenantPath = resolved.tenant === undefined ? undefined : compileClaimPath(resolved.tenant, 'claims.tenant');
  const kindOf = resolved.kind ?? defaultKind;
  if (typeof kindOf !== 'function')
    throw new TypeError("'claims.kind' must be a function (claims, clientId) => 'user' | 'client'");
  const hierarchy = toRoleHierarchy(options.roleHierarchy);
  const configuredClientId = options.clientId;
  if (configuredClientId !== undefined && (typeof configuredClientId !== 'string' || configuredClientId === '')) {
    throw new TypeError("'clientId' must be a non-empty string");
  }
  // `{clientId}` names the API's own client, never the caller's: filled from the token (`azp`), it
  // would let whichever client asked for the token choose whose roles, scopes or tenant apply — a
  // user who is `admin` of a front-end client would be `admin` of this API (confused deputy).
  const placeholder = [...scopePaths, ...rolePaths, ...(tenantPath === undefined ? [] : [tenantPath])].find((p) =>
    p.segments.some((s) => typeof s !== 'string'),
  );
  if (placeholder !== undefined && configuredClientId === undefined) {
    throw new TypeError(
      `claim path '${placeholder.source}' uses {clientId}: set this API's own client id ` +
        "(claimsClientId in the Portcullis options, clientId in createPrincipalMapper), e.g. 'orders-api', " +
        "or drop the path (Keycloak realm roles only: { ...CLAIMS_PRESETS.keycloak, roles: ['realm_access.roles'] })",
    );
  }

  const map = (claims: Readonly<JWTPayload> & { readonly [claim: string]: unknown }): Principal => {
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
      throw claimInvalid('claims', 'the claims set is not an object');
    }
    const issuer = readOwnClaim(claims, 'iss');
    if (typeof issuer !== 'string' || issuer === '') throw claimInvalid('iss', 'iss must be a non-empty string');
    const subject = readOwnClaim(claims, 'sub');
    if (typeof subject !== 'string' || subject === '') throw claimInvalid('sub', 'sub must be a non-empty string');
    const tokenId = readOwnClaim(claims, 'jti');
    if (tokenId !== undefined && typeof tokenId !== 'string') throw claimInvalid('jti', 'jti must be a string');
    const expiresAt = readOwnClaim(claims, 'exp');
    if (expiresAt !== undefined && (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt))) {
      throw claimInvalid('exp', 'exp must be a number');
    }

    let clientId: string | undefined;
    for (const path of clientIdPaths) {
      const value = readClaimPath(claims, path, undefined);
      if (value === undefined) continue;
      if (typeof value !== 'string' || value === '')
        throw claimInvalid(path.source, 'client id must be a non-empty string');
      clientId = value;
      break;
    }

    const scopes = new Set<string>();
    for (const path of scopePaths) addScopes(readClaimPath(claims, path, configuredClientId), path, scopes);

    const granted = new Set<string>();
    for (const path of rolePaths) addRoles(readClaimPath(claims, path, configuredClientId), path, granted);

    let tenant: string | undefined;
    if (tenantPath) {
      const value = readClaimPath(claims, tenantPath, configuredClientId);
      if (value !== undefined && typeof value !== 'string')
        throw claimInvalid(tenantPath.source, 'tenant must be a string');
      // An empty tenant is no tenant: tenant rules then deny (SPEC 92).
      tenant = value === '' ? undefined : value;
    }

    let kind: PrincipalKind;
    try {
      kind = kindOf(claims, clientId);
    } catch (cause) {
      throw new PortcullisError('ERR_INTERNAL', { cause, reason: 'claims.kind threw' });
    }
    if (kind !== 'user' && kind !== 'client') {
      throw new PortcullisError('ERR_INTERNAL', { reason: "claims.kind must return 'user' or 'client'" });
    }

    const grantedRoles = Object.freeze([...granted]);
    return Object.freeze({
      issuer,
      subject,
      clientId,
      kind,
      scopes: adoptSet(scopes),
      grantedRoles,
      roles: hierarchy ? hierarchy.expand(grantedRoles) : adoptSet(granted),
      tenant,
      tokenId,
      expiresAt,
      claims: deepFreezeClaims(claims),
    });
  };

  return (claims) => {
    try {
      return map(claims);
    } catch (error) {
      if (error instanceof PortcullisError) throw error;
      // Claims objects that are not plain JSON (getters, proxies) must still fail closed with a
      // PortcullisError, never an arbitrary exception.
      throw new PortcullisError('ERR_CLAIM_INVALID', {
        claim: 'claims',
        cause: error,
        reason: 'claims could not be read',
      });
    }
  };
}
