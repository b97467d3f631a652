/**
 * The scenario app of test-support/adapter-cases.ts, built with @portcullis/nest decorators.
 * Every handler increments the app's HandlerCounter, so suites can prove "nothing downstream ran".
 */
import { Controller, Delete, Get, HttpCode, Injectable, Module, Post } from '@nestjs/common';
import type { DynamicModule, Type } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import {
  AllRoles,
  AnyScope,
  CurrentPrincipal,
  LoadedResource,
  OwnedResource,
  Policy,
  PortcullisModule,
  Public,
  Roles,
  Scopes,
  TenantParam,
  scopeQuery,
} from '../../../src/index.js';
import type {
  DecisionContext,
  PortcullisModuleOptions,
  PortcullisPolicy,
  Principal,
  ResourceResolver,
} from '../../../src/index.js';

export interface Order {
  readonly id: string;
  readonly ownerId: string;
  readonly orgId: string;
}

/** Fixture orders (immutable). */
export const ORDERS: ReadonlyMap<string, Order> = new Map(
  [
    { id: 'o-a1', ownerId: 'alice', orgId: 'acme' },
    { id: 'o-b1', ownerId: 'bob', orgId: 'acme' },
    { id: 'o-c1', ownerId: 'carol', orgId: 'globex' },
  ].map((o) => [o.id, Object.freeze(o)]),
);

/** Counts handler runs of one app. */
@Injectable()
export class HandlerCounter {
  count = 0;
  /** Resolver loads (to prove a resource is loaded once, and not at all for principal-rule denials). */
  loads = 0;
}

@Injectable()
export class OrderResolver implements ResourceResolver<Order> {
  constructor(private readonly counter: HandlerCounter) {}
  async load(id: string): Promise<Order | undefined> {
    this.counter.loads++;
    return ORDERS.get(id);
  }
  ownerOf(order: Order): string {
    return order.ownerId;
  }
  tenantOf(order: Order): string {
    return order.orgId;
  }
}

/** A class policy resolved through the container: users only (SPEC 125). */
@Injectable()
export class UsersOnlyPolicy implements PortcullisPolicy {
  async evaluate({ principal }: DecisionContext): Promise<boolean> {
    return principal.kind === 'user';
  }
}

function clearanceAtLeast3({ principal }: DecisionContext): boolean {
  const clearance = principal.claims.clearance;
  return typeof clearance === 'number' && clearance >= 3;
}

function answer(counter: HandlerCounter, route: string, principal: Principal | undefined, extra: object = {}) {
  counter.count++;
  return { ok: true, route, subject: principal?.subject ?? null, ...extra };
}

@Controller()
export class ScenarioController {
  constructor(private readonly counter: HandlerCounter) {}

  @Get('health')
  @Public()
  health(@CurrentPrincipal() me: Principal | undefined) {
    return answer(this.counter, '/health', me);
  }

  @Get('orders')
  @Scopes('orders:read')
  list(@CurrentPrincipal() me: Principal) {
    const filter = scopeQuery(me, { owner: 'ownerId', tenant: 'orgId', unrestrictedRoles: ['support'] });
    return answer(this.counter, '/orders', me, { filter });
  }

  @Get('orders-any')
  @AnyScope('orders:read', 'orders:admin')
  listAny(@CurrentPrincipal() me: Principal) {
    return answer(this.counter, '/orders-any', me);
  }

  @Get('orders/:id')
  @Scopes('orders:read')
  @OwnedResource(OrderResolver, { param: 'id', allowRoles: ['support'], tenant: true })
  get(@CurrentPrincipal() me: Principal, @LoadedResource() order: Order) {
    return answer(this.counter, '/orders/:id', me, { id: order.id });
  }

  @Post('orders')
  @Scopes('orders:write')
  create(@CurrentPrincipal('subject') subject: string) {
    this.counter.count++;
    return { ok: true, route: '/orders', subject };
  }

  @Delete('orders/:id')
  @Roles('admin')
  @Scopes('orders:write')
  @OwnedResource(OrderResolver, { param: 'id', allowRoles: ['admin'], tenant: true })
  remove(@CurrentPrincipal() me: Principal, @LoadedResource() order: Order) {
    return answer(this.counter, '/orders/:id', me, { id: order.id });
  }

  @Get('support/orders')
  @Roles('support')
  support(@CurrentPrincipal() me: Principal) {
    return answer(this.counter, '/support/orders', me);
  }

  @Get('both-roles')
  @AllRoles('support', 'customer')
  bothRoles(@CurrentPrincipal() me: Principal) {
    return answer(this.counter, '/both-roles', me);
  }

  @Get('tenants/:tenant/orders')
  @Scopes('orders:read')
  @TenantParam('tenant')
  tenantOrders(@CurrentPrincipal() me: Principal) {
    return answer(this.counter, '/tenants/:tenant/orders', me);
  }

  @Get('reports/sensitive')
  @Policy(clearanceAtLeast3)
  sensitive(@CurrentPrincipal() me: Principal) {
    return answer(this.counter, '/reports/sensitive', me);
  }

  @Get('me')
  @Policy(UsersOnlyPolicy)
  me(@CurrentPrincipal() me: Principal) {
    return answer(this.counter, '/me', me);
  }

  @Post('internal/orders/:id/fulfil')
  @HttpCode(200)
  @Scopes('orders:fulfil')
  fulfil(@CurrentPrincipal() me: Principal) {
    return answer(this.counter, '/internal/orders/:id/fulfil', me);
  }

  @Get('no-rule')
  noRule() {
    this.counter.count++;
    return { ok: true, route: '/no-rule' };
  }
}

/**
 * Class-level role rule, plus a handler-level scope rule: both must pass (class-level rules are not
 * ignored because the handler has its own — SPEC B8).
 */
@Controller('admin')
@Roles('admin')
export class AdminController {
  constructor(private readonly counter: HandlerCounter) {}

  @Get('orders')
  @Scopes('orders:read')
  list(@CurrentPrincipal() me: Principal) {
    return answer(this.counter, '/admin/orders', me);
  }
}

export type Registration = 'forRoot' | 'forRootAsync';

/** Portcullis options of the scenario (realm, hierarchy); the key source comes from the issuer. */
export const SCENARIO_OPTIONS = {
  realm: 'orders',
  roleHierarchy: { admin: ['support'], support: [] },
  claims: { tenant: 'org_id' },
  routesWithoutRules: 'ignore',
} satisfies Partial<PortcullisModuleOptions>;

/** `PortcullisModule` registered either way; forRootAsync reads the issuer through @nestjs/config. */
export function portcullisImport(registration: Registration, options: PortcullisModuleOptions): DynamicModule {
  if (registration === 'forRoot') return PortcullisModule.forRoot(options);
  const { issuer, audience, jwksUri, ...rest } = options;
  return PortcullisModule.forRootAsync({
    imports: [
      ConfigModule.forRoot({
        ignoreEnvFile: true,
        load: [() => ({ auth: { issuer, audience, jwksUri: String(jwksUri) } })],
      }),
    ],
    inject: [ConfigService],
    useFactory: (config: ConfigService) => ({
      ...rest,
      issuer: config.getOrThrow<string>('auth.issuer'),
      audience: config.getOrThrow<string>('auth.audience'),
      jwksUri: config.getOrThrow<string>('auth.jwksUri'),
    }),
  });
}

/** The scenario's root module. */
export function scenarioModule(
  portcullis: DynamicModule,
  extra: { controllers?: Type[]; providers?: Type[] } = {},
): Type {
  @Module({
    imports: [portcullis],
    controllers: [ScenarioController, AdminController, ...(extra.controllers ?? [])],
    providers: [HandlerCounter, OrderResolver, UsersOnlyPolicy, ...(extra.providers ?? [])],
  })
  class ScenarioModule {}
  return ScenarioModule;
}
