import type { PortcullisMiddlewareOptions } from '@portcullis/express';

/**
 * How this API reads its tokens: where roles and the tenant are, who inherits what, the realm of
 * challenges, the paths that need no token. Exported so the tests run the very same rules (only
 * the issuer differs).
 */
export const AUTHORIZATION = {
  claims: { roles: ['roles'], tenant: 'org_id' },
  roleHierarchy: { admin: ['support'] },
  realm: 'orders',
  publicPaths: ['/health'],
} satisfies Partial<PortcullisMiddlewareOptions>;
