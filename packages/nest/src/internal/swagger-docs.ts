import type { PortcullisSwaggerOptions } from '../interfaces/portcullis-module-options.interface.js';
import type { ScannedRoute } from './route-scan.js';

type Decorator = (target: object, key: string | symbol, descriptor: PropertyDescriptor) => unknown;
type ResponseDecorator = (options?: { description?: string }) => Decorator;

/** The part of `@nestjs/swagger` used here (a structural type: no compile-time dependency). */
export interface SwaggerApi {
  ApiBearerAuth(name?: string): Decorator;
  ApiOAuth2(scopes: string[], name?: string): Decorator;
  ApiUnauthorizedResponse: ResponseDecorator;
  ApiForbiddenResponse: ResponseDecorator;
  ApiNotFoundResponse: ResponseDecorator;
}

const APPLIED = 'portcullis:swagger-applied';
// @nestjs/swagger's metadata keys (DECORATORS.API_RESPONSE / API_SECURITY), to respect what the app declared.
const API_RESPONSE = 'swagger/apiResponse';
const API_SECURITY = 'swagger/apiSecurity';

/**
 * Imports `@nestjs/swagger` if the app has it. An optional peer dependency: when absent (or broken)
 * this resolves to `undefined` and documentation is skipped — never a start-up failure.
 */
export async function loadSwagger(
  importer: () => Promise<unknown> = () => import('@nestjs/swagger'),
): Promise<SwaggerApi | undefined> {
  try {
    const api = (await importer()) as Partial<SwaggerApi> | undefined;
    return typeof api?.ApiBearerAuth === 'function' && typeof api.ApiUnauthorizedResponse === 'function'
      ? (api as SwaggerApi)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Documents each guarded route as the guard enforces it: the security requirement (bearer, or
 * OAuth2 with the route's scopes), 401 and 403 responses, and 404 for owned resources. Public
 * routes get nothing. Statuses and security the app documented itself are left alone. Idempotent.
 */
export function applySwaggerDocs(
  api: SwaggerApi,
  routes: readonly ScannedRoute[],
  options: PortcullisSwaggerOptions = {},
): void {
  const scheme = options.scheme ?? 'bearer';
  const securityName = options.securityName ?? scheme;
  for (const route of routes) {
    const { requirements, handler, controller, methodName } = route;
    if (requirements.isPublic || Reflect.getMetadata(APPLIED, handler) === true) continue;
    const prototype = controller.prototype as object;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, methodName);
    if (!descriptor) continue;
    const apply = (decorator: Decorator): void => {
      decorator(prototype, methodName, descriptor);
    };
    if (
      Reflect.getMetadata(API_SECURITY, handler) === undefined &&
      Reflect.getMetadata(API_SECURITY, controller) === undefined
    ) {
      const scopes = [...new Set(requirements.scopes.flatMap((s) => s.scopes))];
      apply(scheme === 'oauth2' ? api.ApiOAuth2(scopes, securityName) : api.ApiBearerAuth(securityName));
    }
    const documented = (Reflect.getMetadata(API_RESPONSE, handler) ?? {}) as Record<string, unknown>;
    if (!documented['401']) {
      apply(
        api.ApiUnauthorizedResponse({
          description: 'Missing, invalid, expired or revoked access token (RFC 6750 challenge)',
        }),
      );
    }
    if (!documented['403']) {
      const scopes = requirements.scopes.length ? ' (insufficient_scope)' : '';
      apply(api.ApiForbiddenResponse({ description: `The token does not satisfy this route's rules${scopes}` }));
    }
    if (requirements.ownedResource && !documented['404']) {
      apply(api.ApiNotFoundResponse({ description: 'Not found, or not visible to the caller' }));
    }
    Reflect.defineMetadata(APPLIED, true, handler);
  }
}
