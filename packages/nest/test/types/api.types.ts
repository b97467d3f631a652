/**
 * Type-level tests of the public API, checked by `npm run typecheck -w @portcullis/nest` (never
 * run). Each `@ts-expect-error` asserts that misuse does NOT compile; if it ever compiles, the
 * directive itself becomes an error and the typecheck fails.
 */
import { Controller, Get, Injectable } from '@nestjs/common';
import {
  AllRoles,
  AnyScope,
  CurrentPrincipal,
  LoadedResource,
  OwnedResource,
  Policy,
  PortcullisModule,
  Public,
  Requires,
  Roles,
  Scopes,
  TenantParam,
  allow,
  anyOf,
  createProtectedResourceMetadata,
  requireRoles,
  requireScopes,
} from '../../src/index.js';
import { authenticateRequest } from '../../src/index.js';
import type {
  AuthContext,
  DecisionContext,
  Portcullis,
  BearerMethod,
  PortcullisPolicy,
  Principal,
  ProtectedResourceMetadata,
  ProtectedResourceMetadataDocument,
  ProtectedResourceMetadataOptions,
  ResourceResolver,
} from '../../src/index.js';

const base = {
  issuer: 'https://id.example.test',
  audience: 'https://api.example.test',
  jwksUri: 'https://id.example.test/jwks',
};

// ---- forRoot / forRootAsync options -------------------------------------------------------------
PortcullisModule.forRoot({
  ...base,
  claims: 'keycloak',
  claimsClientId: 'orders-api',
  roleHierarchy: { admin: ['support'] },
  isGlobal: false,
});
PortcullisModule.forRoot({
  ...base,
  globalGuard: false,
  routesWithoutRules: 'error',
  audit: 'logger',
  swagger: { scheme: 'oauth2' },
});
// @ts-expect-error a typo'd option does not compile
PortcullisModule.forRoot({ ...base, routesWithoutRule: 'warn' });
// @ts-expect-error a typo'd core option does not compile either
PortcullisModule.forRoot({ ...base, audiance: 'x' });
// @ts-expect-error routesWithoutRules is a closed set
PortcullisModule.forRoot({ ...base, routesWithoutRules: 'loud' });
// @ts-expect-error globalGuard is a boolean
PortcullisModule.forRoot({ ...base, globalGuard: 'yes' });
// @ts-expect-error claims presets are a closed set
PortcullisModule.forRoot({ ...base, claims: 'keyclaok' });
// @ts-expect-error issuer and audience are required
PortcullisModule.forRoot({ jwksUri: base.jwksUri });
PortcullisModule.forRootAsync({ useFactory: async () => ({ ...base, realm: 'orders' }), inject: [], isGlobal: true });
// @ts-expect-error the factory must produce the options
PortcullisModule.forRootAsync({ useFactory: async () => ({ realm: 'orders' }) });

// ---- protected-resource metadata (RFC 9728), built with the re-exported core function ------------
const bearerMethods: BearerMethod[] = ['header'];
const metadataOptions: ProtectedResourceMetadataOptions = {
  resource: base.audience,
  bearerMethodsSupported: bearerMethods,
};
const metadata: ProtectedResourceMetadata = createProtectedResourceMetadata(metadataOptions);
const served: ProtectedResourceMetadataDocument = metadata.document;
void served;
PortcullisModule.forRoot({ ...base, protectedResourceMetadata: metadata });
PortcullisModule.forRootAsync({ useFactory: () => ({ ...base, protectedResourceMetadata: metadata }) });
// @ts-expect-error the option takes the built metadata, not its options
PortcullisModule.forRoot({ ...base, protectedResourceMetadata: metadataOptions });
// @ts-expect-error nor the bare URL (that is `resourceMetadata`)
PortcullisModule.forRoot({ ...base, protectedResourceMetadata: metadata.url });
// @ts-expect-error bearer methods are a closed set
createProtectedResourceMetadata({ resource: base.audience, bearerMethodsSupported: ['cookie'] });

// ---- resolvers and policies ---------------------------------------------------------------------
interface Order {
  readonly id: string;
  readonly ownerId: string;
  readonly orgId: string;
}

@Injectable()
class OrderResolver implements ResourceResolver<Order> {
  async load(id: string, _principal: Principal): Promise<Order | undefined> {
    return { id, ownerId: 'alice', orgId: 'acme' };
  }
  ownerOf(order: Order) {
    return order.ownerId;
  }
  tenantOf(order: Order) {
    return order.orgId;
  }
}

/** Has load() but no ownerOf(): not a ResourceResolver. */
@Injectable()
class NotAResolver {
  async load(id: string) {
    return { id };
  }
}

@Injectable()
class UsersOnly implements PortcullisPolicy {
  evaluate({ principal }: DecisionContext) {
    return principal.kind === 'user';
  }
}

class NotAPolicy {
  check() {
    return true;
  }
}

// ---- decorators ---------------------------------------------------------------------------------
@Controller('orders')
@Roles('customer')
class TypedController {
  @Get() @Public() health() {}

  @Get('a')
  @Scopes('orders:read')
  @AnyScope('orders:read', 'orders:admin')
  @Scopes(['x:y', 'z:w'], { mode: 'any' })
  scopes(@CurrentPrincipal() me: Principal, @CurrentPrincipal('subject') subject: string) {
    return [me, subject];
  }

  @Get('b') @Roles('admin') @Roles(['support', 'customer'], { mode: 'all' }) @AllRoles('support', 'customer') roles() {}

  @Get('c')
  @Policy(
    ({ principal, now, resource }) => principal.kind === 'user' && now.getUTCHours() >= 0 && resource === undefined,
  )
  @Policy(() => allow('always'))
  @Policy(UsersOnly)
  policies() {}

  @Get('d') @Requires(anyOf(requireScopes(['a:b']), requireRoles(['auditor']))) rules() {}

  @Get('tenants/:tenant') @TenantParam('tenant') tenant() {}

  @Get(':id')
  @OwnedResource(OrderResolver, { param: 'id', allowRoles: ['support'], tenant: true })
  get(@LoadedResource() order: Order) {
    return order;
  }

  @Get('x/:id')
  // @ts-expect-error @OwnedResource with a class that is not a ResourceResolver does not compile
  @OwnedResource(NotAResolver)
  wrongResolver() {}

  @Get('y/:id')
  // @ts-expect-error @OwnedResource options are checked (typo)
  @OwnedResource(OrderResolver, { prm: 'id' })
  wrongOption() {}

  @Get('e')
  // @ts-expect-error @Roles() with a non-string does not compile
  @Roles(42)
  numericRole() {}

  @Get('f')
  // @ts-expect-error @Roles() needs at least one role
  @Roles()
  noRole() {}

  @Get('g')
  // @ts-expect-error @Scopes() needs at least one scope
  @Scopes()
  noScope() {}

  @Get('h')
  // @ts-expect-error the array form takes a mode of 'all' | 'any'
  @Scopes(['a:b'], { mode: 'some' })
  badMode() {}

  @Get('i')
  // @ts-expect-error a policy returns boolean | Decision
  @Policy(() => 'yes')
  badPolicy() {}

  @Get('j')
  // @ts-expect-error a policy class must implement evaluate()
  @Policy(NotAPolicy)
  badPolicyClass() {}

  @Get('k')
  // @ts-expect-error @Requires takes core rules
  @Requires({ evaluate: 1 })
  badRule() {}

  who(
    // @ts-expect-error @CurrentPrincipal() takes a Principal property name
    @CurrentPrincipal('subjct') subject: string,
  ) {
    return subject;
  }
}

// ---- authenticateRequest (guards that run before PortcullisGuard) ----------------------------------
declare const portcullis: Portcullis;
declare const req: { headers: Record<string, string> };
export const authenticated: Promise<AuthContext> = authenticateRequest(portcullis, req);
// @ts-expect-error it takes the request object, not the Authorization header value
void authenticateRequest(portcullis, 'Bearer abc');
// @ts-expect-error it takes the Portcullis instance first
void authenticateRequest(req);

export { TypedController };
