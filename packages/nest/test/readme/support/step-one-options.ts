import type { PortcullisModuleOptions } from '@portcullis/nest';

/**
 * What the README's `options` stands for in the sections after "Getting started": the options of
 * step 1 (a module-level constant, because decorators read it when their module is evaluated).
 */
export const STEP_ONE_OPTIONS = {
  issuer: 'https://id.example.com/',
  audience: 'https://api.example.com/orders',
  jwksUri: 'https://id.example.com/.well-known/jwks.json',
  claims: { roles: ['roles'], tenant: 'org_id' },
  roleHierarchy: { admin: ['support'] },
  realm: 'orders',
} satisfies PortcullisModuleOptions;
