import type { PortcullisModuleOptions } from '@portcullis/nest';

/**
 * How this API reads its tokens: where roles and the tenant are, who inherits what, the realm of
 * challenges. Exported so the tests run the very same rules (only the issuer differs).
 */
export const AUTHORIZATION = {
  claims: { roles: ['roles'], tenant: 'org_id' },
  roleHierarchy: { admin: ['support'] },
  realm: 'orders',
} satisfies Partial<PortcullisModuleOptions>;
