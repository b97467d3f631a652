/**
 * Claims of the contract's principals (ARCHITECTURE.md "Reference app contract"), as the local
 * auth server issues them: alice and bob (acme customers), carol (globex customer), sam (acme
 * support), ada (acme admin) and the fulfilment service (client credentials).
 */
export const PRINCIPALS = {
  alice: { sub: 'alice', client_id: 'orders-web', scope: 'orders:read orders:write', roles: ['customer'], org_id: 'acme' },
  bob: { sub: 'bob', client_id: 'orders-web', scope: 'orders:read orders:write', roles: ['customer'], org_id: 'acme' },
  carol: { sub: 'carol', client_id: 'orders-web', scope: 'orders:read orders:write', roles: ['customer'], org_id: 'globex' },
  sam: { sub: 'sam', client_id: 'orders-backoffice', scope: 'orders:read orders:write', roles: ['support'], org_id: 'acme' },
  ada: { sub: 'ada', client_id: 'orders-backoffice', scope: 'orders:read orders:write', roles: ['admin'], org_id: 'acme' },
  fulfilment: { sub: 'fulfilment-service', client_id: 'fulfilment-service', scope: 'orders:fulfil' },
} as const satisfies Record<string, Record<string, unknown>>;

export type PrincipalName = keyof typeof PRINCIPALS;
