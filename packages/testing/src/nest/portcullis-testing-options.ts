import type { PortcullisModuleOptions } from '@portcullis/nest';
import type { TestIssuer } from '../test-issuer.js';

/**
 * Options of `PortcullisModule` that trust a test issuer: its `issuer`, `audience`, key set
 * (`jwksUri` on 127.0.0.1, or `jwks` with `serve: 'none'`) and clock (`now`), then your
 * `overrides` — typically the same claims mapping, role hierarchy and realm as your app, so the
 * test exercises the rules you ship. Nothing else changes: same guard, same verification (`typ`,
 * algorithms, required claims), same decisions.
 *
 * @param issuer A test issuer (`createTestIssuer()`).
 * @param overrides Any other `PortcullisModule` option; they win over the issuer's values.
 *
 * @example
 * ```ts
 * const moduleRef = await Test.createTestingModule({
 *   imports: [PortcullisModule.forRoot(portcullisTestingOptions(issuer, { claims: { tenant: 'org_id' }, audit: () => {} }))],
 *   controllers: [OrdersController],
 * }).compile();
 * ```
 */
export function portcullisTestingOptions(
  issuer: Pick<TestIssuer, 'verifierOptions'>,
  overrides: Partial<PortcullisModuleOptions> = {},
): PortcullisModuleOptions {
  if (issuer === null || typeof issuer !== 'object' || typeof issuer.verifierOptions !== 'function') {
    throw new TypeError(
      'portcullisTestingOptions(issuer, overrides): issuer must be a test issuer from createTestIssuer()',
    );
  }
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
    throw new TypeError(
      'portcullisTestingOptions(issuer, overrides): overrides must be an object of PortcullisModule options',
    );
  }
  return { ...issuer.verifierOptions(), ...overrides };
}
