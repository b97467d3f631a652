/**
 * "Getting started" of packages/nest/README.md, steps 1 to 3, as written (see
 * ../readme-examples.spec.ts, which checks these regions against the README and runs them).
 *
 * A module of its own because the README's blocks declare exported classes (`AppModule`, …), and
 * the Passport and filter sections declare an `AppModule` and an `OrdersController` of their own.
 */
import { Controller, Get, Injectable, Module, Post } from '@nestjs/common';
import {
  AnyScope,
  Authenticated,
  CurrentPrincipal,
  LoadedResource,
  OwnedResource,
  PortcullisModule,
  Public,
  Roles,
  Scopes,
  type Principal,
  type ResourceResolver,
} from '@portcullis/nest';

// ---------------------------------------------------------------------------------------------
// What the README takes for granted: an order type and a data-access object.

export interface Order {
  id: string;
  ownerId: string;
  orgId: string;
}

export const ORDER_ROWS: readonly Order[] = [
  { id: 'o1', ownerId: 'alice', orgId: 'acme' },
  { id: 'o2', ownerId: 'bob', orgId: 'acme' },
  { id: 'o3', ownerId: 'carol', orgId: 'globex' },
];

@Injectable()
export class OrdersRepository {
  /** Ids passed to `findById`, to prove the guard loads once, and not at all on an earlier denial. */
  readonly loaded: string[] = [];

  async findById(id: string): Promise<Order | undefined> {
    this.loaded.push(id);
    return ORDER_ROWS.find((order) => order.id === id);
  }
}

// ---------------------------------------------------------------------------------------------
// The README's handlers have `/* … */` bodies: their parameters are unused on purpose.
/* eslint-disable @typescript-eslint/no-unused-vars */

// readme: getting-started-register
@Module({
  imports: [
    PortcullisModule.forRoot({
      issuer: 'https://id.example.com/',
      audience: 'https://api.example.com/orders',
      jwksUri: 'https://id.example.com/.well-known/jwks.json',
      claims: { roles: ['roles'], tenant: 'org_id' },
      roleHierarchy: { admin: ['support'] },
      realm: 'orders',
    }),
  ],
})
export class AppModule {}
// readme-end

// readme: getting-started-routes
@Controller()
export class OrdersController {
  @Get('health')
  @Public()
  health() {
    return { ok: true };
  }

  @Get('orders')
  @Scopes('orders:read')
  list(@CurrentPrincipal() me: Principal) {
    /* … */
  }

  @Get('orders-any')
  @AnyScope('orders:read', 'orders:admin')
  listAny() {
    /* … */
  }

  @Get('support/orders')
  @Roles('support') // admins too, through the role hierarchy
  support() {
    /* … */
  }

  @Post('sessions/logout')
  @Authenticated() // any valid token, stated explicitly
  logout(@CurrentPrincipal('tokenId') jti: string) {
    /* … */
  }
}
// readme-end

// readme: getting-started-ownership
@Injectable() // register it in a module's providers
export class OrderResolver implements ResourceResolver<Order> {
  constructor(private readonly orders: OrdersRepository) {}
  load(id: string) {
    return this.orders.findById(id);
  } // undefined when absent
  ownerOf(order: Order) {
    return order.ownerId;
  }
  tenantOf(order: Order) {
    return order.orgId;
  }
}

@Controller('orders')
export class OrderController {
  @Get(':id')
  @Scopes('orders:read')
  @OwnedResource(OrderResolver, { param: 'id', allowRoles: ['support'], tenant: true })
  get(@LoadedResource() order: Order) {
    return order;
  }
}
// readme-end
