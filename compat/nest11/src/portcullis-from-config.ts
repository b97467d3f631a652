import type { DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { PortcullisModule } from '@portcullis/nest';
import type { PortcullisModuleOptions, RoutesWithoutRulesMode } from '@portcullis/nest';
import { AUTHORIZATION } from './app.module.js';

/** The settings an app keeps in its configuration (environment, files …), under the `auth` key. */
export interface AuthSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
  readonly realm: string;
  readonly tenantClaim: string;
  readonly routesWithoutRules?: RoutesWithoutRulesMode;
}

/**
 * PortcullisModule.forRootAsync as the README shows it: the options come from a factory that
 * reads the injected ConfigService (@nestjs/config, loaded here from `settings` instead of the
 * environment). `code` carries what does not belong in configuration (the audit sink, the test
 * clock).
 */
export function portcullisFromConfig(
  settings: Partial<AuthSettings>,
  code: Pick<PortcullisModuleOptions, 'audit' | 'now'> = {},
): DynamicModule {
  return PortcullisModule.forRootAsync({
    imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ auth: settings })] })],
    inject: [ConfigService],
    useFactory: async (config: ConfigService): Promise<PortcullisModuleOptions> => ({
      ...code,
      issuer: config.getOrThrow<string>('auth.issuer'),
      audience: config.getOrThrow<string>('auth.audience'),
      jwksUri: config.getOrThrow<string>('auth.jwksUri'),
      realm: config.getOrThrow<string>('auth.realm'),
      claims: { ...AUTHORIZATION.claims, tenant: config.getOrThrow<string>('auth.tenantClaim') },
      roleHierarchy: AUTHORIZATION.roleHierarchy,
      routesWithoutRules: config.get<RoutesWithoutRulesMode>('auth.routesWithoutRules'),
    }),
  });
}
