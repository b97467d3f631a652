import { Module } from '@nestjs/common';
import type { DynamicModule, MiddlewareConsumer, NestModule } from '@nestjs/common';
import { PortcullisModule } from '@portcullis/nest';
import type { PortcullisModuleOptions } from '@portcullis/nest';
import { CompatController } from './compat.controller.js';
import { PreAuthMiddleware } from './pre-auth.middleware.js';

/** The rules every test app shares: where roles and the tenant are, who inherits what, the realm. */
export const AUTHORIZATION = {
  claims: { roles: ['roles'], tenant: 'org_id' },
  roleHierarchy: { admin: ['support'] },
  realm: 'compat',
} satisfies Partial<PortcullisModuleOptions>;

/**
 * The app as a user writes it: PortcullisModule.forRoot with the global deny-by-default guard, and a
 * middleware that authenticates /who-am-i before the guard (authenticateRequest).
 */
@Module({})
export class AppModule implements NestModule {
  static forRoot(options: PortcullisModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [PortcullisModule.forRoot({ ...AUTHORIZATION, ...options })],
      controllers: [CompatController],
      providers: [PreAuthMiddleware],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(PreAuthMiddleware).forRoutes('who-am-i');
  }
}
