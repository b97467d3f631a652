/**
 * "Errors" of packages/nest/README.md: registering PortcullisExceptionFilter, as written.
 * Checked and run by ../readme-examples.spec.ts.
 */
import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PortcullisExceptionFilter, PortcullisModule } from '@portcullis/nest';
import { STEP_ONE_OPTIONS } from '../support/step-one-options.js';

/** The README's `options`: see ../support/step-one-options.ts. */
const options = STEP_ONE_OPTIONS;

// readme: errors-filter
@Module({
  imports: [PortcullisModule.forRoot(options)],
  providers: [{ provide: APP_FILTER, useClass: PortcullisExceptionFilter }],
})
export class AppModule {}
// readme-end
