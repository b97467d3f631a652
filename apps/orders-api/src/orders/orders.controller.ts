import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPayloadTooLargeResponse,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, LoadedResource, OwnedResource, Policy, PortcullisError, Roles, Scopes } from '@portcullis/nest';
import type { Principal } from '@portcullis/nest';
import { orderScopeFor, orgOf, orgUser, SCOPES } from '../auth/order-rules.js';
import { OrderResolver } from '../auth/order.resolver.js';
import { ApiError } from '../http/api-error.js';
import { parseOrThrow } from '../http/validation.js';
import { ErrorDto } from '../openapi/error.dto.js';
import { CreateOrderBody } from './create-order.body.js';
import { encodeCursor } from './order-cursor.js';
import { CreateOrderDto, OrderDto, OrderPageDto } from './order.dto.js';
import type { Order } from './order.js';
import { orderViewFor, serializeOrder } from './order.serializer.js';
import type { InternalOrderJson, OrderJson } from './order.serializer.js';
import { ListOrdersQuery, PAGE_LIMITS } from './list-orders.query.js';
import { OrdersRepository } from './orders.repository.js';

const ID_PARAM = { name: 'id', description: 'Order id (`ord_` + 22 characters)', example: 'ord_seedalice0000000000001' };

/**
 * The customer-facing orders API. Every route is for people of an organisation (`orgUser`):
 * machine clients use `/internal/orders`. Who may see which order is decided from the verified
 * token only, in the guard (`@OwnedResource`) and in the queries (`orderScopeFor`).
 */
@ApiTags('orders')
@Controller('orders')
@Policy(orgUser, { name: 'org-user' })
export class OrdersController {
  constructor(private readonly orders: OrdersRepository) {}

  @Get()
  @Scopes(SCOPES.read)
  @ApiOperation({
    summary: 'List the orders the caller may see',
    description:
      'Requires scope `orders:read`. Customers get their own orders; `support` and `admin` get every order of their ' +
      'organisation. The filter comes from the token and is applied in the database query. Newest first; cursor pagination.',
  })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: PAGE_LIMITS.max, default: PAGE_LIMITS.default } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' }, description: '`nextCursor` of the previous page' })
  @ApiOkResponse({ type: OrderPageDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'Invalid `limit` or `cursor`, or an unknown query parameter' })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: unknown): Promise<{ data: (OrderJson | InternalOrderJson)[]; nextCursor: string | null }> {
    const { limit, cursor } = parseOrThrow(ListOrdersQuery, query, 'query');
    const page = await this.orders.list(orderScopeFor(principal), { limit, after: cursor });
    const view = orderViewFor(principal);
    return { data: page.orders.map((o) => serializeOrder(o, view)), nextCursor: page.next ? encodeCursor(page.next) : null };
  }

  @Get(':id')
  @Scopes(SCOPES.read)
  @OwnedResource(OrderResolver, { allowRoles: ['support'], tenant: true })
  @ApiOperation({ summary: 'Get one order', description: 'Requires scope `orders:read`. The owner, or `support`/`admin` of the same organisation; anyone else gets 404.' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: OrderDto })
  get(@LoadedResource() order: Order, @CurrentPrincipal() principal: Principal): OrderJson | InternalOrderJson {
    return serializeOrder(order, orderViewFor(principal));
  }

  @Post()
  @HttpCode(201)
  @Scopes(SCOPES.write)
  @ApiOperation({
    summary: 'Create an order',
    description:
      'Requires scope `orders:write`. The body has `items` only: owner and organisation come from the token (`sub`, `org_id`); ' +
      'status and total are computed. Any other field is refused with 400.',
  })
  @ApiBody({ type: CreateOrderDto })
  @ApiCreatedResponse({ type: OrderDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'Invalid body (unknown fields, wrong types, qty < 1, negative price …)' })
  @ApiPayloadTooLargeResponse({ type: ErrorDto, description: 'Body larger than 16 KiB' })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<OrderJson | InternalOrderJson> {
    const { items } = parseOrThrow(CreateOrderBody, body, 'body');
    const order = await this.orders.create({ ownerId: principal.subject, orgId: orgOf(principal), items });
    return serializeOrder(order, orderViewFor(principal));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Scopes(SCOPES.write)
  @OwnedResource(OrderResolver, { tenant: true })
  @ApiOperation({ summary: 'Cancel a pending order', description: 'Requires scope `orders:write`. Owner only; anyone else gets 404. 409 when the order is no longer pending.' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: OrderDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The order is not pending' })
  async cancel(@LoadedResource() order: Order, @CurrentPrincipal() principal: Principal): Promise<OrderJson | InternalOrderJson> {
    const result = await this.orders.cancel({ orgId: orgOf(principal), ownerId: principal.subject }, order.id);
    if (result.outcome === 'not-found') throw new PortcullisError('ERR_NOT_FOUND', { reason: 'order vanished before cancel' });
    if (result.outcome === 'conflict') throw new ApiError(409, 'ERR_CONFLICT', 'Only a pending order can be cancelled');
    return serializeOrder(result.order, orderViewFor(principal));
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes(SCOPES.write)
  @Roles('admin')
  @OwnedResource(OrderResolver, { allowRoles: ['admin'], tenant: true })
  @ApiOperation({ summary: 'Delete an order', description: 'Requires scope `orders:write` and role `admin`; orders of the admin\'s own organisation only (404 otherwise).' })
  @ApiParam(ID_PARAM)
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@LoadedResource() order: Order, @CurrentPrincipal() principal: Principal): Promise<void> {
    if (!(await this.orders.delete(orgOf(principal), order.id))) {
      throw new PortcullisError('ERR_NOT_FOUND', { reason: 'order vanished before delete' });
    }
  }
}
