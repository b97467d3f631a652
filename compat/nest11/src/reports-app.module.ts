import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { PortcullisModule } from '@portcullis/nest';
import type { PortcullisModuleOptions } from '@portcullis/nest';
import { AUTHORIZATION } from './app.module.js';
import { ReportsController } from './reports.controller.js';

/** ReportsController behind PortcullisModule.forRoot (the OpenAPI check passes `swagger` options). */
@Module({})
export class ReportsAppModule {
  static forRoot(options: PortcullisModuleOptions): DynamicModule {
    return {
      module: ReportsAppModule,
      imports: [PortcullisModule.forRoot({ ...AUTHORIZATION, ...options })],
      controllers: [ReportsController],
    };
  }
}
