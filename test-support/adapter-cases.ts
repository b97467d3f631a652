/**
 * The shared authorization case table for the adapter e2e suites (@portcullis/nest on Express and
 * Fastify, @portcullis/express) and the Nest ⇄ Express behaviour matrix. Both suites boot the same
 * "scenario app" described below and run every case over real HTTP on 127.0.0.1, so the two
 * adapters are held to one truth table.
 *
 * Scenario app (every adapter suite implements exactly these routes):
 *
 * | route                              | rule                                                                 |
 * | ---------------------------------- | -------------------------------------------------------------------- |
 * | GET    /health                     | public                                                               |
 * | GET    /orders                     | scopes all [orders:read]; answers the scoped filter (scopeQuery)      |
 * | GET    /orders-any                 | scopes any [orders:read, orders:admin]                               |
 * | GET    /orders/:id                 | scopes [orders:read] + ownership (owner, or support/admin same org)  |
 * | POST   /orders                     | scopes [orders:write]                                                |
 * | DELETE /orders/:id                 | roles any [admin] + scopes [orders:write] + ownership (admin of org) |
 * | GET    /admin/orders               | roles [admin] declared at controller/router level                    |
 * | GET    /support/orders             | roles any [support] (admin inherits support through the hierarchy)   |
 * | GET    /both-roles                 | roles all [support, customer]                                        |
 * | GET    /tenants/:tenant/orders     | scopes [orders:read] + tenant of the route param = token tenant      |
 * | GET    /reports/sensitive          | ABAC policy: claim `clearance` (number) ≥ 3                          |
 * | GET    /me                         | policy: principal.kind === 'user'                                    |
 * | POST   /internal/orders/:id/fulfil | scopes [orders:fulfil]                                               |
 * | GET    /no-rule                    | NO rule at all → denied by default                                   |
 *
 * Role hierarchy: `{ admin: ['support'], support: [] }`. Tenant claim: `org_id`. Realm: `orders`.
 * Orders (owner, org): o-a1 (alice, acme), o-b1 (bob, acme), o-c1 (carol, globex). Unknown ids → 404.
 * The fixture orders are immutable: DELETE answers 200 and fulfil 200 without changing them, so
 * the cases are independent of order. POST /orders answers 201.
 * A handler answers `{ ok: true, route, subject }` (resource routes add `id`), so a test can check
 * that it ran; every handler increments a per-app counter the suites read to prove "nothing
 * downstream ran" on denials.
 */

/** Token claims of the scenario principals (minted with @portcullis/testing's issuer.token()). */
export const PRINCIPALS = {
  alice: { sub: 'alice', client_id: 'orders-web', scope: 'orders:read orders:write', roles: ['customer'], org_id: 'acme' },
  aliceReadOnly: { sub: 'alice', client_id: 'orders-web', scope: 'orders:read', roles: ['customer'], org_id: 'acme' },
  bob: { sub: 'bob', client_id: 'orders-web', scope: 'orders:read orders:write', roles: ['customer'], org_id: 'acme' },
  carol: { sub: 'carol', client_id: 'orders-web', scope: 'orders:read orders:write', roles: ['customer'], org_id: 'globex' },
  sam: { sub: 'sam', client_id: 'orders-web', scope: 'orders:read orders:write', roles: ['support'], org_id: 'acme' },
  ada: { sub: 'ada', client_id: 'orders-web', scope: 'orders:read orders:write', roles: ['admin'], org_id: 'acme', clearance: 5 },
  samBoth: { sub: 'sam', client_id: 'orders-web', scope: 'orders:read', roles: ['support', 'customer'], org_id: 'acme' },
  noTenant: { sub: 'dora', client_id: 'orders-web', scope: 'orders:read orders:write', roles: ['customer'] },
  fulfilment: { sub: 'fulfilment-service', client_id: 'fulfilment-service', scope: 'orders:fulfil' },
  /** A client whose id equals a user's subject must never be treated as that user (SPEC 126). */
  spoofClient: { sub: 'alice', client_id: 'alice', scope: 'orders:read orders:write' },
  /** Scope look-alikes must not match (SPEC 87–89). */
  scopeTricks: { sub: 'alice', client_id: 'orders-web', scope: 'orders:readwrite ORDERS:READ', roles: ['customer'], org_id: 'acme' },
  /** Role look-alikes must not match (SPEC 91). */
  roleTricks: { sub: 'eve', client_id: 'orders-web', scope: 'orders:read orders:write', roles: ['Admin', 'admin ', 'support\u200b'], org_id: 'acme' },
  /** Unicode look-alike tenant (SPEC 93). */
  fullwidthTenant: { sub: 'alice', client_id: 'orders-web', scope: 'orders:read orders:write', roles: ['support'], org_id: 'ａｃｍｅ' },
  cleared: { sub: 'bob', client_id: 'orders-web', scope: 'orders:read', roles: ['customer'], org_id: 'acme', clearance: 3 },
  uncleared: { sub: 'bob', client_id: 'orders-web', scope: 'orders:read', roles: ['customer'], org_id: 'acme', clearance: 2 },
} as const satisfies Record<string, Record<string, unknown>>;

export type PrincipalName = keyof typeof PRINCIPALS | 'anonymous';

/** Expected outcome of one case. `wwwAuthenticate` is the exact header; `null` asserts its absence. */
export interface ExpectedOutcome {
  readonly status: 200 | 201 | 400 | 401 | 403 | 404;
  readonly code?: string;
  readonly wwwAuthenticate?: string | null;
}

export interface AdapterCase {
  /** Short id, stable across suites (used in the matrix and reports). */
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly principal: PrincipalName;
  readonly expected: ExpectedOutcome;
  /** SPEC.md case numbers this row covers. */
  readonly spec?: readonly number[];
}

const REALM = 'Bearer realm="orders"';
const SCOPE = (s: string) =>
  `Bearer realm="orders", error="insufficient_scope", error_description="The access token lacks a required scope", scope="${s}"`;
const ok: ExpectedOutcome = { status: 200 };
const created: ExpectedOutcome = { status: 201 };
const unauth: ExpectedOutcome = { status: 401, code: 'ERR_MISSING_TOKEN', wwwAuthenticate: REALM };
const forbidden: ExpectedOutcome = { status: 403, code: 'ERR_FORBIDDEN', wwwAuthenticate: null };
const noRule: ExpectedOutcome = { status: 403, code: 'ERR_NO_RULE', wwwAuthenticate: null };
const notFound: ExpectedOutcome = { status: 404, code: 'ERR_NOT_FOUND', wwwAuthenticate: null };
const scope = (s: string): ExpectedOutcome => ({ status: 403, code: 'ERR_INSUFFICIENT_SCOPE', wwwAuthenticate: SCOPE(s) });

/**
 * Truth table. Rows are (route × principal); read it as "who may do what".
 */
export const ADAPTER_CASES: readonly AdapterCase[] = [
  // Public and default-deny (SPEC 19)
  { id: 'health-anon', method: 'GET', path: '/health', principal: 'anonymous', expected: ok },
  { id: 'no-rule-anon', method: 'GET', path: '/no-rule', principal: 'anonymous', expected: unauth, spec: [19] },
  { id: 'no-rule-ada', method: 'GET', path: '/no-rule', principal: 'ada', expected: noRule, spec: [19] },
  // Scopes (SPEC 87, 88, 118, 121)
  { id: 'list-anon', method: 'GET', path: '/orders', principal: 'anonymous', expected: unauth, spec: [1] },
  { id: 'list-alice', method: 'GET', path: '/orders', principal: 'alice', expected: ok },
  { id: 'list-fulfil', method: 'GET', path: '/orders', principal: 'fulfilment', expected: scope('orders:read') },
  { id: 'list-scope-tricks', method: 'GET', path: '/orders', principal: 'scopeTricks', expected: scope('orders:read'), spec: [87, 88] },
  { id: 'any-alice-ro', method: 'GET', path: '/orders-any', principal: 'aliceReadOnly', expected: ok },
  { id: 'any-fulfil', method: 'GET', path: '/orders-any', principal: 'fulfilment', expected: scope('orders:read orders:admin') },
  { id: 'create-alice', method: 'POST', path: '/orders', principal: 'alice', expected: created },
  { id: 'create-alice-ro', method: 'POST', path: '/orders', principal: 'aliceReadOnly', expected: scope('orders:write'), spec: [118] },
  // Ownership / BOLA (SPEC 111, 114, 124, 126)
  { id: 'get-own', method: 'GET', path: '/orders/o-a1', principal: 'alice', expected: ok },
  { id: 'get-other-user', method: 'GET', path: '/orders/o-b1', principal: 'alice', expected: notFound, spec: [111] },
  { id: 'get-missing', method: 'GET', path: '/orders/o-nope', principal: 'alice', expected: notFound, spec: [114] },
  { id: 'get-other-org', method: 'GET', path: '/orders/o-a1', principal: 'carol', expected: notFound, spec: [122] },
  { id: 'get-support-same-org', method: 'GET', path: '/orders/o-b1', principal: 'sam', expected: ok },
  { id: 'get-support-other-org', method: 'GET', path: '/orders/o-c1', principal: 'sam', expected: notFound, spec: [124] },
  { id: 'get-admin-other-org', method: 'GET', path: '/orders/o-c1', principal: 'ada', expected: notFound, spec: [124] },
  { id: 'get-spoof-client', method: 'GET', path: '/orders/o-a1', principal: 'spoofClient', expected: notFound, spec: [126] },
  { id: 'get-fullwidth-tenant', method: 'GET', path: '/orders/o-b1', principal: 'fullwidthTenant', expected: notFound, spec: [93] },
  // Roles + scopes + ownership on delete (SPEC 113, 119)
  { id: 'delete-admin', method: 'DELETE', path: '/orders/o-b1', principal: 'ada', expected: ok },
  { id: 'delete-admin-other-org', method: 'DELETE', path: '/orders/o-c1', principal: 'ada', expected: notFound, spec: [124] },
  { id: 'delete-customer-own', method: 'DELETE', path: '/orders/o-a1', principal: 'alice', expected: forbidden, spec: [113] },
  { id: 'delete-support', method: 'DELETE', path: '/orders/o-b1', principal: 'sam', expected: forbidden },
  // Class/router-level role rule (SPEC 119) and hierarchy
  { id: 'admin-ada', method: 'GET', path: '/admin/orders', principal: 'ada', expected: ok },
  { id: 'admin-alice', method: 'GET', path: '/admin/orders', principal: 'alice', expected: forbidden, spec: [119] },
  { id: 'admin-role-tricks', method: 'GET', path: '/admin/orders', principal: 'roleTricks', expected: forbidden, spec: [91] },
  { id: 'support-sam', method: 'GET', path: '/support/orders', principal: 'sam', expected: ok },
  { id: 'support-ada-inherits', method: 'GET', path: '/support/orders', principal: 'ada', expected: ok },
  { id: 'support-alice', method: 'GET', path: '/support/orders', principal: 'alice', expected: forbidden },
  { id: 'both-roles-sam-both', method: 'GET', path: '/both-roles', principal: 'samBoth', expected: ok },
  { id: 'both-roles-sam', method: 'GET', path: '/both-roles', principal: 'sam', expected: forbidden },
  // Tenant binding (SPEC 92, 123)
  { id: 'tenant-own', method: 'GET', path: '/tenants/acme/orders', principal: 'alice', expected: ok },
  { id: 'tenant-cross', method: 'GET', path: '/tenants/acme/orders', principal: 'carol', expected: forbidden, spec: [123] },
  { id: 'tenant-missing', method: 'GET', path: '/tenants/acme/orders', principal: 'noTenant', expected: forbidden, spec: [92] },
  // ABAC policy
  { id: 'policy-cleared', method: 'GET', path: '/reports/sensitive', principal: 'cleared', expected: ok },
  { id: 'policy-uncleared', method: 'GET', path: '/reports/sensitive', principal: 'uncleared', expected: forbidden },
  { id: 'policy-no-claim', method: 'GET', path: '/reports/sensitive', principal: 'alice', expected: forbidden },
  // Users vs machine clients (SPEC 125)
  { id: 'me-alice', method: 'GET', path: '/me', principal: 'alice', expected: ok },
  { id: 'me-client', method: 'GET', path: '/me', principal: 'fulfilment', expected: forbidden, spec: [125] },
  { id: 'fulfil-client', method: 'POST', path: '/internal/orders/o-a1/fulfil', principal: 'fulfilment', expected: ok },
  { id: 'fulfil-alice', method: 'POST', path: '/internal/orders/o-a1/fulfil', principal: 'alice', expected: scope('orders:fulfil') },
];
