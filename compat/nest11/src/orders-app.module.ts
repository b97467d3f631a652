import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PortcullisModule } from '@portcullis/nest';
import type { PortcullisModuleOptions } from '@portcullis/nest';
import { AUTHORIZATION } from './app.module.js';
import { CompatController } from './compat.controller.js';
import { OrdersModule } from './orders.module.js';
import { PreAuthGuard } from './pre-auth.guard.js';
import { portcullisFromConfig } from './portcullis-from-config.js';
import type { AuthSettings } from './portcullis-from-config.js';

/** How the app registers PortcullisModule. */
export type Registration =
  | { readonly kind: 'forRoot'; readonly options: PortcullisModuleOptions }
  | {
      readonly kind: 'forRootAsync';
      readonly settings: Partial<AuthSettings>;
      readonly code?: Pick<PortcullisModuleOptions, 'audit' | 'now'>;
    };

/**
 * An app with rules on every kind of route, on either platform: CompatController's scope and
 * role routes, the ownership routes of OrdersModule (a feature module), and PreAuthGuard, a global
 * guard of the root module that authenticates before PortcullisGuard.
 */
@Module({})
export class OrdersAppModule {
  static register(registration: Registration): DynamicModule {
    const portcullis =
      registration.kind === 'forRoot'
        ? PortcullisModule.forRoot({ ...AUTHORIZATION, ...registration.options })
        : portcullisFromConfig(registration.settings, registration.code);
    return {
      module: OrdersAppModule,
      imports: [portcullis, OrdersModule],
      controllers: [CompatController],
      // Registered by the root module, so it runs before PortcullisModule's global guard.
      providers: [{ provide: APP_GUARD, useClass: PreAuthGuard }],
    };
  }
}
