/**
 * "Passport" of packages/nest/README.md, as written. Checked and run by ../readme-examples.spec.ts.
 *
 * `@portcullis/nest/passport` is imported by its source path: the spec tsconfig maps
 * `@portcullis/<package>` to sources, not subpath exports (Jest maps both). The README check
 * accepts that path for that module name, and no other.
 */
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { PortcullisModule, PortcullisRulesGuard, Scopes } from '@portcullis/nest';
import { STEP_ONE_OPTIONS } from '../support/step-one-options.js';
import { PortcullisAuthGuard, PortcullisStrategy } from '../../../src/passport/index.js';

/** The README's `options`: see ../support/step-one-options.ts. */
const options = STEP_ONE_OPTIONS;

// readme: passport
@Controller('orders')
@UseGuards(PortcullisAuthGuard, PortcullisRulesGuard) // or AuthGuard('portcullis')
export class OrdersController {
  @Get() @Scopes('orders:read') list() {
    /* … */
  }
}

@Module({
  imports: [PassportModule, PortcullisModule.forRoot({ ...options, globalGuard: false })],
  controllers: [OrdersController],
  providers: [PortcullisStrategy], // passport strategy named 'portcullis'
})
export class AppModule {}
// readme-end
