/**
 * The shared adapter truth table (test-support/adapter-cases.ts), evaluated at the decision level:
 * the scenario app's route rules built from core rules, every (route × principal) case whose
 * outcome is decided by a rule (not by extraction or routing) checked against the core's decision.
 * If this passes, an adapter that wires the rules and answers `decision.error` gets the table right.
 */
import { describe, expect, it } from '@jest/globals';
import { ADAPTER_CASES, PRINCIPALS, type AdapterCase } from '../../../../test-support/adapter-cases.js';
import { allOf } from '../../src/authorization/combinators.js';
import { decide } from '../../src/authorization/decide.js';
import { policy } from '../../src/authorization/policy.js';
import { requireOwnership } from '../../src/authorization/require-ownership.js';
import { requireRoles } from '../../src/authorization/require-roles.js';
import { requireScopes } from '../../src/authorization/require-scopes.js';
import { requireTenant } from '../../src/authorization/require-tenant.js';
import type { DecisionContext, Deny, Rule } from '../../src/authorization/rule.js';
import { createPrincipalMapper } from '../../src/principal/create-principal-mapper.js';

interface Order {
  readonly ownerId: string;
  readonly orgId: string;
}
const ORDERS: Record<string, Order> = {
  'o-a1': { ownerId: 'alice', orgId: 'acme' },
  'o-b1': { ownerId: 'bob', orgId: 'acme' },
  'o-c1': { ownerId: 'carol', orgId: 'globex' },
};
const ownerOf = (o: Order) => o.ownerId;
const tenantOf = (o: Order) => o.orgId;

type R = Order | undefined;
const ROUTES: readonly [method: string, pattern: RegExp, rule: Rule<R>][] = [
  ['GET', /^\/orders$/, requireScopes(['orders:read'])],
  ['GET', /^\/orders-any$/, requireScopes(['orders:read', 'orders:admin'], { mode: 'any' })],
  [
    'GET',
    /^\/orders\/(?<id>[^/]+)$/,
    allOf<R>(
      requireScopes(['orders:read']),
      requireOwnership<Order>({ ownerOf, tenantOf, allowRoles: ['support'] }) as Rule<R>,
    ),
  ],
  ['POST', /^\/orders$/, requireScopes(['orders:write'])],
  [
    'DELETE',
    /^\/orders\/(?<id>[^/]+)$/,
    allOf<R>(
      requireRoles(['admin']),
      requireScopes(['orders:write']),
      requireOwnership<Order>({ ownerOf, tenantOf, allowRoles: ['admin'] }) as Rule<R>,
    ),
  ],
  ['GET', /^\/admin\/orders$/, requireRoles(['admin'])],
  ['GET', /^\/support\/orders$/, requireRoles(['support'])],
  ['GET', /^\/both-roles$/, requireRoles(['support', 'customer'], { mode: 'all' })],
  [
    'GET',
    /^\/tenants\/(?<tenant>[^/]+)\/orders$/,
    allOf<R>(requireScopes(['orders:read']), requireTenant({ param: 'tenant' })),
  ],
  [
    'GET',
    /^\/reports\/sensitive$/,
    policy(
      'clearance>=3',
      ({ principal }) => typeof principal.claims['clearance'] === 'number' && principal.claims['clearance'] >= 3,
    ),
  ],
  ['GET', /^\/me$/, policy('users-only', ({ principal }) => principal.kind === 'user')],
  ['POST', /^\/internal\/orders\/(?<id>[^/]+)\/fulfil$/, requireScopes(['orders:fulfil'])],
];

const mapper = createPrincipalMapper('rfc9068', { roleHierarchy: { admin: ['support'], support: [] } });
const NOW = 1_767_225_600;

/** Cases decided by a rule: not anonymous, not the public route, not the route without rules. */
const decided = ADAPTER_CASES.filter(
  (c) => c.principal !== 'anonymous' && c.path !== '/health' && c.path !== '/no-rule',
);

function contextFor(c: AdapterCase): { rule: Rule<R>; context: DecisionContext<R> } {
  const route = ROUTES.find(([method, pattern]) => method === c.method && pattern.test(c.path));
  if (!route) throw new Error(`no route for ${c.method} ${c.path}`);
  const params = route[1].exec(c.path)!.groups ?? {};
  const claims = PRINCIPALS[c.principal as keyof typeof PRINCIPALS];
  const principal = mapper({
    iss: 'https://as.example.test',
    aud: 'orders',
    iat: NOW,
    exp: NOW + 300,
    jti: c.id,
    ...claims,
  });
  const id = params['id'];
  const resource = id !== undefined && Object.hasOwn(ORDERS, id) ? ORDERS[id] : undefined;
  return { rule: route[2], context: { principal, resource, environment: { params } } };
}

describe('adapter truth table at the decision level', () => {
  it('covers the rule-decided rows', () => {
    expect(decided.length).toBeGreaterThan(30);
  });

  it.each(decided.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const { rule, context } = contextFor(c);
    const decision = decide(rule, context);
    if (c.expected.status === 200 || c.expected.status === 201) {
      expect(decision).toMatchObject({ allowed: true });
      return;
    }
    const deny = decision as Deny;
    expect(deny.allowed).toBe(false);
    expect(deny.reason).toBe(c.expected.code);
    expect(deny.error.status).toBe(c.expected.status);
    const scope = c.expected.wwwAuthenticate?.match(/scope="([^"]+)"/)?.[1];
    if (scope !== undefined) expect(deny.error.requiredScopes).toEqual(scope.split(' '));
  });
});
