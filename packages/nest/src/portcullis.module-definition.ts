import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { PortcullisModuleOptions } from './interfaces/portcullis-module-options.interface.js';

/**
 * Injection token of the resolved {@link PortcullisModuleOptions}.
 *
 * @example
 * ```ts
 * constructor(@Inject(PORTCULLIS_MODULE_OPTIONS) options: PortcullisModuleOptions) {}
 * ```
 */
export const PORTCULLIS_MODULE_OPTIONS: unique symbol = Symbol.for('portcullis.nest.ModuleOptions');

/** Extra, Nest-only options of `forRoot` / `forRootAsync` that shape the module itself. */
export interface PortcullisModuleExtras {
  /**
   * Make the module global, so `PORTCULLIS`, `REVOCATION_STORE`, the guards and the filter can be
   * injected anywhere without importing the module again.
   * @default true
   */
  isGlobal: boolean;
}

export const {
  ConfigurableModuleClass: ConfigurablePortcullisModule,
  OPTIONS_TYPE: PORTCULLIS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: PORTCULLIS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<PortcullisModuleOptions>({
  moduleName: 'Portcullis',
  optionsInjectionToken: PORTCULLIS_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<PortcullisModuleExtras>({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();

/** Argument of `PortcullisModule.forRoot()`. */
export type PortcullisForRootOptions = typeof PORTCULLIS_OPTIONS_TYPE;
/** Argument of `PortcullisModule.forRootAsync()` (`useFactory` + `inject`, `useClass`, `useExisting`). */
export type PortcullisForRootAsyncOptions = typeof PORTCULLIS_ASYNC_OPTIONS_TYPE;
