import type { JWTPayload } from 'jose';
import type { ClaimsMapping, ClaimsPreset } from './claims-mapping.js';
import type { PrincipalKind } from './principal.js';

type Claims = Readonly<JWTPayload> & { readonly [claim: string]: unknown };

function own(claims: Claims, name: string): unknown {
  return Object.hasOwn(claims, name) ? claims[name] : undefined;
}

/**
 * RFC 9068 and oidc-provider: a client-credentials token has no user, so `sub` is the client id
 * (oidc-provider sets `sub: sub || clientId`). A client whose id equals a user's `sub` is still a
 * client, never that user (SPEC 125/126): ownership compares (kind, subject).
 */
function subIsClient(claims: Claims, clientId: string | undefined): PrincipalKind {
  return clientId !== undefined && own(claims, 'sub') === clientId ? 'client' : 'user';
}

/** Auth0 M2M tokens carry `gty: "client-credentials"` and `sub: "<client id>@clients"`. */
function auth0Kind(claims: Claims, clientId: string | undefined): PrincipalKind {
  if (own(claims, 'gty') === 'client-credentials') return 'client';
  if (clientId !== undefined && own(claims, 'sub') === `${clientId}@clients`) return 'client';
  return subIsClient(claims, clientId);
}

/**
 * Microsoft Entra ID: the optional `idtyp` claim says `app` or `user`. Without it, app-only tokens
 * are recognised the way Microsoft documents: no `scp` claim and `oid` equal to `sub` (both the
 * service principal's object id; for users `sub` is pairwise and differs from `oid`).
 */
function entraKind(claims: Claims): PrincipalKind {
  const idtyp = own(claims, 'idtyp');
  if (idtyp === 'app') return 'client';
  if (idtyp === 'user') return 'user';
  const oid = own(claims, 'oid');
  if (own(claims, 'scp') === undefined && typeof oid === 'string' && oid === own(claims, 'sub')) return 'client';
  return 'user';
}

/**
 * Keycloak service-account tokens carry a `client_id` claim (Keycloak ≥ 24, the `service_account`
 * scope; older versions `clientId`) equal to `azp`, and `preferred_username` is
 * `service-account-<client id>`. Both are required: a username alone can be chosen by a user in a
 * self-registration realm, and classifying a user as a client could unlock `allowClients` rules.
 */
function keycloakKind(claims: Claims, clientId: string | undefined): PrincipalKind {
  if (clientId === undefined) return 'user';
  const marker = own(claims, 'client_id') ?? own(claims, 'clientId');
  const username = own(claims, 'preferred_username');
  if (marker === clientId && (username === undefined || username === `service-account-${clientId}`)) return 'client';
  return 'user';
}

/** Amazon Cognito: client-credentials tokens have no `username` and `sub` equal to `client_id`. */
function cognitoKind(claims: Claims, clientId: string | undefined): PrincipalKind {
  return own(claims, 'username') === undefined && clientId !== undefined && own(claims, 'sub') === clientId
    ? 'client'
    : 'user';
}

/**
 * Built-in claim mappings for common authorization servers. Spread one to adjust it:
 * `{ ...CLAIMS_PRESETS.auth0, roles: ['[https://orders.example.com/roles]'] }`.
 *
 * | preset | scopes | roles | tenant | client id | kind = client when |
 * | --- | --- | --- | --- | --- | --- |
 * | `rfc9068` | `scope` (string) | `roles` | `org_id` | `client_id` | `sub === client_id` |
 * | `auth0` | `scope`, `permissions` | none by default (add your namespaced claim) | `org_id` | `client_id`, `azp` | `gty: client-credentials` or `sub === <client>@clients` |
 * | `entra` | `scp` (string) | `roles` | `tid` | `azp` (v2), `appid` (v1) | `idtyp: app`, or no `scp` and `oid === sub` |
 * | `okta` | `scp` (array) | `groups` | — | `cid` | `sub === cid` |
 * | `keycloak` | `scope` | `realm_access.roles`, `resource_access.{clientId}.roles` | — | `azp`, `client_id` | `client_id` (or `clientId`) claim equal to `azp` and username `service-account-<azp>` |
 * | `cognito` | `scope` | `cognito:groups` | — (add e.g. `custom:tenant_id`) | `client_id` | no `username` and `sub === client_id` |
 *
 * Notes:
 * - **Auth0** puts roles in a namespaced custom claim set by an Action, e.g.
 *   `api.accessToken.setCustomClaim('https://orders.example.com/roles', event.authorization.roles)`.
 *   Claim names with dots are addressed in brackets: `roles: ['[https://orders.example.com/roles]']`.
 * - **Keycloak**: `{clientId}` is replaced with the API's own client id (`claimsClientId`,
 *   `PrincipalMapperOptions.clientId`), which this preset therefore requires: Keycloak puts the
 *   roles a user holds for the API under its client id. For realm roles only, use
 *   `{ ...CLAIMS_PRESETS.keycloak, roles: ['realm_access.roles'] }`.
 * - **Cognito** access tokens carry no `aud` (they carry `client_id`) and no `typ`: verify them
 *   with `audienceClaim: 'client_id'`, `audience: '<app client id>'` and `typ: false`. They carry
 *   no tenant by default; add one with a pre-token-generation trigger and map it:
 *   `{ ...CLAIMS_PRESETS.cognito, tenant: 'custom:tenant_id' }`.
 *
 * @example
 * ```ts
 * const mapper = createPrincipalMapper({ ...CLAIMS_PRESETS.cognito, tenant: 'custom:tenant_id' });
 * ```
 */
export const CLAIMS_PRESETS: Readonly<Record<ClaimsPreset, ClaimsMapping>> = Object.freeze({
  rfc9068: Object.freeze({
    scopes: Object.freeze(['scope']),
    roles: Object.freeze(['roles']),
    tenant: 'org_id',
    clientId: Object.freeze(['client_id']),
    kind: subIsClient,
  }),
  auth0: Object.freeze({
    scopes: Object.freeze(['scope', 'permissions']),
    roles: Object.freeze([]),
    tenant: 'org_id',
    clientId: Object.freeze(['client_id', 'azp']),
    kind: auth0Kind,
  }),
  entra: Object.freeze({
    scopes: Object.freeze(['scp']),
    roles: Object.freeze(['roles']),
    tenant: 'tid',
    clientId: Object.freeze(['azp', 'appid']),
    kind: entraKind,
  }),
  okta: Object.freeze({
    scopes: Object.freeze(['scp']),
    roles: Object.freeze(['groups']),
    clientId: Object.freeze(['cid']),
    kind: subIsClient,
  }),
  keycloak: Object.freeze({
    scopes: Object.freeze(['scope']),
    roles: Object.freeze(['realm_access.roles', 'resource_access.{clientId}.roles']),
    clientId: Object.freeze(['azp', 'client_id']),
    kind: keycloakKind,
  }),
  cognito: Object.freeze({
    scopes: Object.freeze(['scope']),
    roles: Object.freeze(['cognito:groups']),
    clientId: Object.freeze(['client_id']),
    kind: cognitoKind,
  }),
});

/** The default `kind` of a custom mapping: `client` when `sub` equals the client id. */
export const defaultKind = subIsClient;
