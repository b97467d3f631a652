import { PORTCULLIS_MODULE_OPTIONS } from '@portcullis/nest';
import type { PortcullisModuleOptions } from '@portcullis/nest';
import type { TestIssuer } from '../test-issuer.js';
import { portcullisTestingOptions } from './portcullis-testing-options.js';

/** The part of Nest's `TestingModuleBuilder` this helper uses (so any version 11 or 12 fits). */
export interface ProviderOverridable<B> {
  overrideProvider(token: unknown): { useValue(value: unknown): B };
}

/**
 * Points the `PortcullisModule` of a whole application at a test issuer, however the app
 * registers it (`forRoot` or `forRootAsync` with `@nestjs/config`): it overrides the module's
 * options provider (`PORTCULLIS_MODULE_OPTIONS`) with {@link portcullisTestingOptions}. The app's
 * own options are replaced, not merged — pass the ones your rules depend on (claims mapping, role
 * hierarchy, realm, revocation store) in `overrides`; exporting them from your app as a constant
 * keeps test and production in step.
 *
 * @param builder `Test.createTestingModule({ imports: [AppModule] })`.
 * @returns the same builder, for chaining (`.overrideProvider(…)`, `.compile()`).
 *
 * @example
 * ```ts
 * import { Test } from '@nestjs/testing';
 * import { overridePortcullis } from '@portcullis/testing/nest';
 * import { AppModule, AUTHORIZATION } from '../src/app.module.js';
 *
 * const moduleRef = await overridePortcullis(Test.createTestingModule({ imports: [AppModule] }), issuer, AUTHORIZATION).compile();
 * ```
 */
export function overridePortcullis<B extends ProviderOverridable<B>>(
  builder: B,
  issuer: Pick<TestIssuer, 'verifierOptions'>,
  overrides: Partial<PortcullisModuleOptions> = {},
): B {
  if (builder === null || typeof builder !== 'object' || typeof builder.overrideProvider !== 'function') {
    throw new TypeError('overridePortcullis(builder, issuer): builder must be Test.createTestingModule({ … })');
  }
  return builder.overrideProvider(PORTCULLIS_MODULE_OPTIONS).useValue(portcullisTestingOptions(issuer, overrides));
}
