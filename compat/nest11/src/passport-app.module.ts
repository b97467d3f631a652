import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { PortcullisModule } from '@portcullis/nest';
import type { PortcullisModuleOptions } from '@portcullis/nest';
import { PortcullisStrategy } from '@portcullis/nest/passport';
import { AUTHORIZATION } from './app.module.js';
import { PassportController } from './passport.controller.js';

/** An app that already uses passport: no global guard, the `portcullis` strategy registered as a provider. */
@Module({})
export class PassportAppModule {
  static forRoot(options: PortcullisModuleOptions): DynamicModule {
    return {
      module: PassportAppModule,
      imports: [
        PassportModule,
        PortcullisModule.forRoot({ ...AUTHORIZATION, ...options, globalGuard: false, routesWithoutRules: 'ignore' }),
      ],
      controllers: [PassportController],
      providers: [PortcullisStrategy],
    };
  }
}
