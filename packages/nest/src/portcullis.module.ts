import { Inject, Logger, Module } from '@nestjs/common';
import type { CanActivate, OnApplicationBootstrap, OnModuleInit, Type } from '@nestjs/common';
import {
  APP_GUARD,
  DiscoveryModule,
  DiscoveryService,
  HttpAdapterHost,
  MetadataScanner,
  ModuleRef,
  ModulesContainer,
  Reflector,
} from '@nestjs/core';
import { createPortcullis, REVOCATION_STORE } from '@portcullis/core';
import type { Portcullis, PortcullisOptions } from '@portcullis/core';
import type { PortcullisModuleOptions } from './interfaces/portcullis-module-options.interface.js';
import { compileRoute, ownershipRule } from './internal/compiled-route.js';
import { loggerAuditSink } from './internal/logger-audit-sink.js';
import { scanRoutes } from './internal/route-scan.js';
import {
  prepareProtectedResourceMetadata,
  serveProtectedResourceMetadata,
} from './internal/serve-protected-resource-metadata.js';
import type { ScannedRoute } from './internal/route-scan.js';
import { applySwaggerDocs, loadSwagger } from './internal/swagger-docs.js';
import type { ResourceResolver } from './interfaces/resource-resolver.interface.js';
import { PortcullisExceptionFilter } from './portcullis-exception.filter.js';
import { PortcullisRulesGuard } from './portcullis-rules.guard.js';
import { PortcullisGuard } from './portcullis.guard.js';
import { ConfigurablePortcullisModule, PORTCULLIS_MODULE_OPTIONS } from './portcullis.module-definition.js';
import { PORTCULLIS } from './portcullis.constants.js';

const SWAGGER_DOCS = Symbol('portcullis.nest.SwaggerDocs');
const ALLOW_ALL: CanActivate = { canActivate: () => true };
const NEST_KEYS = [
  'globalGuard',
  'routesWithoutRules',
  'audit',
  'swagger',
  'claimsFromUser',
  'protectedResourceMetadata',
] as const;

/** Validates the Nest-only options (core validates the rest in `createPortcullis`). */
function validateModuleOptions(options: PortcullisModuleOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      'PortcullisModule.forRoot(options): options must be an object with at least issuer, audience and a key source',
    );
  }
  if (options.globalGuard !== undefined && typeof options.globalGuard !== 'boolean') {
    throw new TypeError("PortcullisModule: 'globalGuard' must be a boolean (default true)");
  }
  if (options.routesWithoutRules !== undefined && !['warn', 'error', 'ignore'].includes(options.routesWithoutRules)) {
    throw new TypeError("PortcullisModule: 'routesWithoutRules' must be 'warn', 'error' or 'ignore' (default 'warn')");
  }
  if (options.audit !== undefined && options.audit !== 'logger' && typeof options.audit !== 'function') {
    throw new TypeError("PortcullisModule: 'audit' must be 'logger' or a function (event) => void");
  }
  if (
    options.swagger !== undefined &&
    options.swagger !== false &&
    (typeof options.swagger !== 'object' || options.swagger === null)
  ) {
    throw new TypeError("PortcullisModule: 'swagger' must be false or { scheme?, securityName? }");
  }
  if (options.claimsFromUser !== undefined && typeof options.claimsFromUser !== 'function') {
    throw new TypeError("PortcullisModule: 'claimsFromUser' must be a function (user) => claims");
  }
  const metadata = options.protectedResourceMetadata;
  if (metadata !== undefined) {
    prepareProtectedResourceMetadata(metadata);
    // One source of truth: challenges must point where the module serves the document.
    if (options.resourceMetadata !== undefined && options.resourceMetadata !== metadata.url) {
      throw new TypeError(
        `PortcullisModule: 'resourceMetadata' (${String(options.resourceMetadata)}) differs from ` +
          `'protectedResourceMetadata.url' (${metadata.url}); leave 'resourceMetadata' out: the module ` +
          'puts the URL of the document it serves in every challenge',
      );
    }
  }
}

/** Builds the one Portcullis instance of the module from its options. */
function createModuleInstance(options: PortcullisModuleOptions): Portcullis {
  validateModuleOptions(options);
  const core: Record<string, unknown> = { ...options };
  for (const key of NEST_KEYS) delete core[key];
  const audit = options.audit === undefined || options.audit === 'logger' ? loggerAuditSink() : options.audit;
  const metadataUrl = options.protectedResourceMetadata?.url;
  return createPortcullis({
    ...(core as unknown as PortcullisOptions),
    ...(metadataUrl === undefined ? {} : { resourceMetadata: metadataUrl }),
    audit,
  });
}

/**
 * Registers Portcullis in a Nest application: one `Portcullis` instance (`PORTCULLIS`), the
 * revocation store (`REVOCATION_STORE`, `null` when none is configured), the deny-by-default
 * global guard, `PortcullisRulesGuard` and `PortcullisExceptionFilter`. Global by default
 * (`isGlobal: false` to scope it).
 *
 * At bootstrap it checks every route: resolvers and policy classes must be providers, and
 * `@OwnedResource` parameters must appear in the route path (start-up fails otherwise); routes
 * with neither a rule nor `@Public()` are reported (`routesWithoutRules`). When `@nestjs/swagger`
 * is installed, guarded routes are documented. With `protectedResourceMetadata`, it serves the
 * API's RFC 9728 document on the HTTP adapter while the application initialises.
 *
 * @example
 * ```ts
 * @Module({
 *   imports: [
 *     ConfigModule.forRoot(),
 *     PortcullisModule.forRootAsync({
 *       inject: [ConfigService],
 *       useFactory: (config: ConfigService) => ({
 *         issuer: config.getOrThrow('AUTH_ISSUER'),
 *         audience: config.getOrThrow('AUTH_AUDIENCE'),
 *         jwksUri: config.getOrThrow('AUTH_JWKS_URI'),
 *         claims: 'keycloak',
 *         claimsClientId: config.getOrThrow('AUTH_AUDIENCE'), // this API's own client in Keycloak
 *       }),
 *     }),
 *   ],
 * })
 * export class AppModule {}
 * ```
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: PORTCULLIS, useFactory: createModuleInstance, inject: [PORTCULLIS_MODULE_OPTIONS] },
    {
      provide: REVOCATION_STORE,
      useFactory: (options: PortcullisModuleOptions) => options.revocation ?? null,
      inject: [PORTCULLIS_MODULE_OPTIONS],
    },
    PortcullisGuard,
    PortcullisRulesGuard,
    PortcullisExceptionFilter,
    {
      provide: APP_GUARD,
      useFactory: (options: PortcullisModuleOptions, guard: PortcullisGuard) =>
        options.globalGuard === false ? ALLOW_ALL : guard,
      inject: [PORTCULLIS_MODULE_OPTIONS, PortcullisGuard],
    },
    {
      // Runs while the application is created (before SwaggerModule.createDocument is called).
      provide: SWAGGER_DOCS,
      useFactory: async (
        options: PortcullisModuleOptions,
        discovery: DiscoveryService,
        scanner: MetadataScanner,
        reflector: Reflector,
      ) => {
        if (options.swagger === false) return false;
        const api = await loadSwagger();
        if (!api) return false;
        applySwaggerDocs(api, scanRoutes(discovery, scanner, reflector), options.swagger);
        return true;
      },
      inject: [PORTCULLIS_MODULE_OPTIONS, DiscoveryService, MetadataScanner, Reflector],
    },
  ],
  exports: [
    PORTCULLIS,
    REVOCATION_STORE,
    PORTCULLIS_MODULE_OPTIONS,
    PortcullisGuard,
    PortcullisRulesGuard,
    PortcullisExceptionFilter,
  ],
})
export class PortcullisModule extends ConfigurablePortcullisModule implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Portcullis');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
    @Inject(PORTCULLIS_MODULE_OPTIONS) private readonly options: PortcullisModuleOptions,
    private readonly modules: ModulesContainer,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    super();
  }

  /**
   * Serves the protected-resource metadata. `onModuleInit` runs after Nest registered the
   * controllers' routes and before the not-found handler and Fastify's `ready()`: a route added in
   * `onApplicationBootstrap` would sit behind Express's not-found handler.
   */
  onModuleInit(): void {
    const metadata = this.options.protectedResourceMetadata;
    // The adapter is read now, not in the constructor: a testing module gets it from createNestApplication().
    if (metadata !== undefined) serveProtectedResourceMetadata(this.adapterHost.httpAdapter, metadata);
  }

  onApplicationBootstrap(): void {
    const routes = scanRoutes(this.discovery, this.scanner, this.reflector, this.modules.applicationId);
    this.checkRoutes(routes);
    this.reportRoutes(routes);
  }

  /** Fails start-up on declarations that would make a route answer 500 on every request. */
  private checkRoutes(routes: readonly ScannedRoute[]): void {
    const problems: string[] = [];
    for (const route of routes) {
      const { requirements } = route;
      if (requirements.isPublic) continue;
      try {
        const compiled = compileRoute(requirements);
        const spec = compiled.ownedResource;
        if (spec) {
          const resolver = this.provider<ResourceResolver<unknown>>(spec.resolver, route, '@OwnedResource', problems);
          if (resolver) ownershipRule(spec, resolver);
          // The parameter may come from a RouterModule prefix (`customers/:customerId` + a nested
          // controller). A global prefix is not seen here: keep parameters out of it.
          if (!route.routedPaths.every((path) => path.split('/').includes(`:${spec.param}`))) {
            problems.push(
              `${route.label}: @OwnedResource reads route parameter '${spec.param}', but the path has no :${spec.param}`,
            );
          }
        }
        for (const { type } of compiled.classPolicies) this.provider(type, route, '@Policy', problems);
      } catch (error) {
        problems.push(`${route.label}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (problems.length) throw new Error(`Portcullis: invalid route declarations:\n  - ${problems.join('\n  - ')}`);
  }

  private provider<T>(type: Type, route: ScannedRoute, usedBy: string, problems: string[]): T | undefined {
    try {
      return this.moduleRef.get(type, { strict: false }) as T;
    } catch {
      problems.push(
        `${route.label}: ${type.name} (used by ${usedBy}) is not a provider: add it to the providers of a module`,
      );
      return undefined;
    }
  }

  private reportRoutes(routes: readonly ScannedRoute[]): void {
    for (const route of routes) {
      if (route.requirements.conflict) this.logger.warn(`${route.label}: ${route.requirements.conflict}`);
    }
    const mode = this.options.routesWithoutRules ?? 'warn';
    if (mode === 'ignore') return;
    const unruled = routes.filter((r) => !r.requirements.isPublic && !r.requirements.hasRules);
    if (unruled.length === 0) return;
    const message =
      `${unruled.length} route${unruled.length === 1 ? ' has' : 's have'} no authorization rule and ` +
      `${unruled.length === 1 ? 'is' : 'are'} not @Public(), so every caller gets 403 ERR_NO_RULE:\n` +
      unruled.map((r) => `  - ${r.label}`).join('\n') +
      '\nAdd a rule (@Scopes, @Roles, @Policy, @TenantParam, @OwnedResource, @Requires, @Authenticated) or @Public(), ' +
      "or set routesWithoutRules: 'ignore'.";
    if (mode === 'error') throw new Error(`Portcullis: ${message}`);
    this.logger.warn(message);
  }
}
