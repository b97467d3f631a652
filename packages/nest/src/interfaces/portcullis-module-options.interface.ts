import type { AuditSink, PortcullisOptions, ProtectedResourceMetadata } from '@portcullis/core';

/** What the module does with routes that carry neither a rule nor `@Public()` at start-up. */
export type RoutesWithoutRulesMode = 'warn' | 'error' | 'ignore';

/** How the decorators document security in an OpenAPI document built by `@nestjs/swagger`. */
export interface PortcullisSwaggerOptions {
  /**
   * Name of the security scheme you registered with `DocumentBuilder` (`addBearerAuth()` registers
   * `'bearer'`, `addOAuth2()` registers `'oauth2'`).
   * @default 'bearer' (or 'oauth2' when `scheme` is 'oauth2')
   */
  readonly securityName?: string;
  /**
   * `'bearer'`: `ApiBearerAuth(securityName)`; `'oauth2'`: `ApiOAuth2(requiredScopes, securityName)`,
   * which lists the route's scopes in the document.
   * @default 'bearer'
   */
  readonly scheme?: 'bearer' | 'oauth2';
}

/**
 * Options of `PortcullisModule.forRoot()` / `forRootAsync()`: every option of core's
 * `createPortcullis` (issuer, audience, key source, claims mapping, role hierarchy, realm …) plus
 * the Nest-specific ones below. Validated once, when the module starts.
 *
 * @example
 * ```ts
 * PortcullisModule.forRoot({
 *   issuer: 'https://id.example.com/',
 *   audience: 'https://api.example.com/orders',
 *   jwksUri: 'https://id.example.com/.well-known/jwks.json',
 *   claims: { roles: ['roles'], tenant: 'org_id' },
 *   roleHierarchy: { admin: ['support'] },
 *   realm: 'orders',
 * });
 * ```
 */
export interface PortcullisModuleOptions extends Omit<PortcullisOptions, 'audit'> {
  /**
   * Register `PortcullisGuard` as a global guard (`APP_GUARD`): every route must authenticate
   * unless it is `@Public()`, and a route without a rule is denied. Turn it off only to attach
   * guards yourself (for example `AuthGuard('jwt')` then `PortcullisRulesGuard`).
   * @default true
   */
  readonly globalGuard?: boolean;
  /**
   * At application bootstrap, list every route handler that has neither a rule decorator nor
   * `@Public()`: `'warn'` logs them, `'error'` makes the application fail to start, `'ignore'`
   * says nothing. Such routes are denied (403 `ERR_NO_RULE`) either way.
   * @default 'warn'
   */
  readonly routesWithoutRules?: RoutesWithoutRulesMode;
  /**
   * Where the one audit event per decision goes: a sink function, or `'logger'` for Nest's
   * `Logger` (context `Portcullis`, `log` level). Events never contain a token (a hash at most).
   * @default 'logger'
   */
  readonly audit?: AuditSink | 'logger';
  /**
   * OpenAPI documentation added to guarded routes when `@nestjs/swagger` is installed
   * (security requirement, 401/403 and, for owned resources, 404 responses). `false` turns it off.
   * @default { scheme: 'bearer', securityName: 'bearer' }
   */
  readonly swagger?: false | PortcullisSwaggerOptions;
  /**
   * For `PortcullisRulesGuard` behind another passport strategy: returns the verified JWT claims
   * of `request.user`. The claims are mapped to a `Principal` with this module's `claims` mapping
   * and `roleHierarchy`.
   * @default user => user (passport-jwt's `validate(payload)` usually returns the payload)
   */
  readonly claimsFromUser?: (user: unknown) => Readonly<Record<string, unknown>> | undefined;
  /**
   * This API's OAuth 2.0 protected-resource metadata (RFC 9728), built once with
   * `createProtectedResourceMetadata()`. The module then serves the document itself — `GET` and
   * `HEAD` of `metadata.path` on the HTTP adapter, at the origin's root whatever the global prefix,
   * without any guard (it is public) — and every 401/403 challenge carries
   * `resource_metadata="<metadata.url>"`. Leave `resourceMetadata` out (or set it to `metadata.url`):
   * another value fails start-up. Nothing is served without an HTTP adapter.
   * @default undefined (no document served)
   * @example
   * ```ts
   * const metadata = createProtectedResourceMetadata({
   *   resource: 'https://api.example.com/orders',
   *   authorizationServers: ['https://id.example.com/'],
   * });
   * PortcullisModule.forRoot({ issuer, audience: metadata.resource, jwksUri, protectedResourceMetadata: metadata });
   * ```
   */
  readonly protectedResourceMetadata?: ProtectedResourceMetadata;
}
