import type { PortcullisMiddlewareOptions } from '@portcullis/express';
import type { TestIssuer } from '../test-issuer.js';

/**
 * Options of `portcullis()` (or `createPortcullis()`) that trust a test issuer: its `issuer`,
 * `audience`, key set (`jwksUri` on 127.0.0.1, or `jwks` with `serve: 'none'`) and clock (`now`),
 * then your `overrides` — typically the same claims mapping, role hierarchy, realm and public
 * paths as your app. Nothing else changes: the same middleware verifies and decides.
 *
 * @param issuer A test issuer (`createTestIssuer()`).
 * @param overrides Any other option of `portcullis()`; they win over the issuer's values.
 *
 * @example
 * ```ts
 * const app = createApp(portcullisTestingOptions(issuer, { claims: { tenant: 'org_id' }, publicPaths: ['/health'] }));
 * // where createApp(options) does app.use(portcullis(options)) …
 * ```
 */
export function portcullisTestingOptions(
  issuer: Pick<TestIssuer, 'verifierOptions'>,
  overrides: Partial<PortcullisMiddlewareOptions> = {},
): PortcullisMiddlewareOptions {
  if (issuer === null || typeof issuer !== 'object' || typeof issuer.verifierOptions !== 'function') {
    throw new TypeError(
      'portcullisTestingOptions(issuer, overrides): issuer must be a test issuer from createTestIssuer()',
    );
  }
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
    throw new TypeError(
      'portcullisTestingOptions(issuer, overrides): overrides must be an object of portcullis() options',
    );
  }
  return { ...issuer.verifierOptions(), ...overrides };
}
