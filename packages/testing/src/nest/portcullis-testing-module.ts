import type { DynamicModule } from '@nestjs/common';
import { PortcullisModule } from '@portcullis/nest';
import type { PortcullisModuleOptions } from '@portcullis/nest';
import type { TestIssuer } from '../test-issuer.js';
import { portcullisTestingOptions } from './portcullis-testing-options.js';

/**
 * `PortcullisModule` wired to a test issuer, for modules you assemble in a test with
 * `Test.createTestingModule`. It is the real module (global guard, decorators, exception
 * mapping): only the trusted issuer, audience, key set and clock come from the test issuer.
 *
 * @example
 * ```ts
 * const moduleRef = await Test.createTestingModule({
 *   imports: [PortcullisTestingModule.forIssuer(issuer, { claims: { tenant: 'org_id' } })],
 *   controllers: [OrdersController],
 *   providers: [OrderResolver, OrdersRepository],
 * }).compile();
 * ```
 */
export class PortcullisTestingModule {
  /**
   * `PortcullisModule.forRoot(portcullisTestingOptions(issuer, overrides))`.
   * @example
   * ```ts
   * imports: [PortcullisTestingModule.forIssuer(issuer, { roleHierarchy: { admin: ['support'] }, audit: () => {} })]
   * ```
   */
  static forIssuer(
    issuer: Pick<TestIssuer, 'verifierOptions'>,
    overrides: Partial<PortcullisModuleOptions> & { readonly isGlobal?: boolean } = {},
  ): DynamicModule {
    const { isGlobal, ...options } = overrides;
    return PortcullisModule.forRoot({
      ...portcullisTestingOptions(issuer, options),
      ...(isGlobal !== undefined ? { isGlobal } : {}),
    });
  }
}
