import { Module } from '@nestjs/common';
import { PortcullisModule } from '@portcullis/nest';
import { AUTHORIZATION } from './authorization.js';
import { HealthController } from './health.controller.js';
import { OrderResolver } from './order.resolver.js';
import { OrdersController } from './orders.controller.js';
import { OrdersRepository } from './orders.repository.js';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

@Module({
  imports: [
    // Production trusts the real identity provider, configured from the environment.
    PortcullisModule.forRootAsync({
      useFactory: () => ({
        issuer: requiredEnv('AUTH_ISSUER'),
        audience: requiredEnv('AUTH_AUDIENCE'),
        jwksUri: requiredEnv('AUTH_JWKS_URI'),
        ...AUTHORIZATION,
      }),
    }),
  ],
  controllers: [HealthController, OrdersController],
  providers: [OrdersRepository, OrderResolver],
})
export class AppModule {}
